"""The secret a request is made with: an API key (Basic auth) or an OAuth token (Bearer).

Both hide their value from repr/str so that no log line, traceback or message
can print it by accident.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field


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


def redact(text: str, credential: Credential | None) -> str:
    """Remove the secret (and its Basic-auth form) from text that came from elsewhere."""
    if credential is None or not credential.secret:
        return text
    for secret in (credential.secret, credential.authorization().split(" ", 1)[1]):
        text = text.replace(secret, "•••")
    return text
