"""Where the Close API lives, and which addresses the app will talk to."""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from close_viewer.core.errors import InvalidBaseUrl

DEFAULT_BASE_URL = "https://api.close.com/api/v1"
BASE_URL_ENV = "CLOSE_API_BASE_URL"
API_KEY_ENV = "CLOSE_API_KEY"


def is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def validate_base_url(url: str) -> str:
    """Return the URL without a trailing slash; refuse plain http unless it is this computer.

    Messages never repeat the address: it may hold a password (`https://user:pw@…`)."""
    url = url.strip().rstrip("/")
    not_web = InvalidBaseUrl("The API address is not a web address.", "Use e.g. " + DEFAULT_BASE_URL)
    if "@" in url.partition("://")[2].partition("/")[0]:
        raise InvalidBaseUrl(
            "The API address must not contain a user name or password.",
            "Give the key in the API key field instead, and remove the part before “@”.",
        )
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        raise not_web from None
    if parts.scheme not in ("http", "https") or not host or any(ord(c) <= 32 for c in url):
        raise not_web
    if "?" in url or "#" in url:
        raise InvalidBaseUrl(
            "The API address must not contain “?” or “#”.",
            "Use just the address, e.g. " + DEFAULT_BASE_URL,
        )
    if parts.scheme == "http" and not is_loopback(host):
        raise InvalidBaseUrl(
            f"Refusing to send your API key unencrypted to {host}.",
            "Use an https:// address (plain http is allowed only for this computer).",
        )
    return url


def resolve_base_url(
    cli_value: str | None = None, environ: Mapping[str, str] | None = None, saved: str = ""
) -> str:
    """CLI flag first, then CLOSE_API_BASE_URL, then the one saved last time, then Close's API."""
    env = os.environ if environ is None else environ
    return validate_base_url(cli_value or env.get(BASE_URL_ENV) or saved or DEFAULT_BASE_URL)
