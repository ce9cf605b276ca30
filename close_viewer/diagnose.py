"""`close-viewer --diagnose`: what a support person needs, printed to stdout. Never the key."""

from __future__ import annotations

import os
import platform
import sys

from close_viewer import APP_ID, APP_NAME, APP_SLUG, ORG_NAME, __version__
from close_viewer.core.config import API_KEY_ENV, BASE_URL_ENV, resolve_base_url


def _version(module: str) -> str:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:  # frozen apps may not ship every dist-info
        return "unknown"


def _keychain_round_trip() -> str:
    """Store, read back and delete a throwaway entry (never the real key) with the app's code."""
    import secrets

    from close_viewer.core.keychain import KeychainUnavailable, KeyStore

    store = KeyStore(account="diagnose-round-trip")
    probe = secrets.token_hex(8)
    try:
        store.save(probe)
        read = store.load()
        store.forget()
        after = store.load()
    except KeychainUnavailable as exc:
        return f"failed: {exc}"
    return "ok" if read == probe and after is None else "failed: read back something else"


def report(base_url: str | None = None, check_keychain: bool = False) -> tuple[str, bool]:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QCoreApplication, QSettings, qVersion

    from close_viewer.app import data_dir
    from close_viewer.core.keychain import KeyStore
    from close_viewer.logs import LOG_NAME

    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationName(APP_SLUG)
    try:
        backend = KeyStore().backend_name()
    except Exception as exc:  # report, do not crash: this is the diagnostic
        backend = f"unavailable ({type(exc).__name__})"
    try:
        url = resolve_base_url(base_url)
    except Exception as exc:
        url = f"invalid: {exc}"
    lines = [
        f"{APP_NAME} {__version__} ({APP_ID})",
        f"frozen: {'yes' if getattr(sys, 'frozen', False) else 'no'}",
        f"python: {sys.version.split()[0]} on {platform.platform()}",
        f"pyside6: {pyside_version}, qt: {qVersion()}",
        f"http: requests {_version('requests')} (urllib3 {_version('urllib3')}, "
        f"certifi {_version('certifi')}), keyring: {_version('keyring')}",
        f"keyring backend: {backend}",
        f"base url: {url}"
        + (f" (from {BASE_URL_ENV})" if os.environ.get(BASE_URL_ENV) and not base_url else ""),
        f"api key from {API_KEY_ENV}: {'set (not shown)' if os.environ.get(API_KEY_ENV) else 'not set'}",
        f"settings: {QSettings().fileName()}",
        f"log: {data_dir() / LOG_NAME}",
    ]
    ok = True
    if check_keychain:
        result = _keychain_round_trip()
        ok = result == "ok"
        lines.append(f"keychain round trip: {result}")
    return "\n".join(lines), ok
