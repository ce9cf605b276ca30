"""The secret a request is made with: an API key (Basic auth) or an OAuth token (Bearer).

Both hide their value from repr/str so that no log line, traceback or message
can print it by accident.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import quote


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A Close API key: sent as the Basic-auth user name with an empty password."""

    secret: str = field(repr=False)

    def authorization(self) -> str:
        token = base64.b64encode(f"{self.secret}:".encode()).decode("ascii")
        return f"Basic {token}"

    def __repr__(self) -> str:
        return "ApiKey(<hidden>)"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class OAuthToken:
    """An OAuth access token: sent as `Authorization: Bearer`."""

    secret: str = field(repr=False)

    def authorization(self) -> str:
        return f"Bearer {self.secret}"

    def __repr__(self) -> str:
        return "OAuthToken(<hidden>)"

    __str__ = __repr__


Credential = ApiKey | OAuthToken


def forms_json(value: str) -> str:
    return json.dumps(value)[1:-1]


def secret_forms(secret: str) -> set[str]:
    """Every form in which a key can come back in text: as typed, normalised, in its
    Basic-auth encoding, URL-quoted, JSON- and Python-escaped, and as a server that
    decoded its UTF-8 bytes as Latin-1 would print it."""
    if not secret:
        return set()
    forms = {secret}
    for form in ("NFC", "NFD", "NFKC"):
        forms.add(unicodedata.normalize(form, secret))
    for value in list(forms):
        forms.add(base64.b64encode(f"{value}:".encode()).decode("ascii"))
        forms.add(quote(value, safe=""))
        forms.add(forms_json(value))
        forms.add(
            re.sub(r"\\u[0-9a-f]{4}", lambda m: m.group(0)[:2] + m.group(0)[2:].upper(), forms_json(value))
        )
        forms.add(value.encode("unicode_escape").decode("ascii"))
        forms.add(value.encode("utf-8").decode("latin-1"))
        with contextlib.suppress(UnicodeError):
            forms.add(value.encode("latin-1").decode("utf-8"))
    return {f for f in forms if f}


def redact(text: str, credential: Credential | None) -> str:
    """Remove the secret, in every form it can take, from text that came from elsewhere."""
    if credential is None or not credential.secret:
        return text
    for form in sorted(secret_forms(credential.secret), key=len, reverse=True):
        text = text.replace(form, "•••")
    return text
