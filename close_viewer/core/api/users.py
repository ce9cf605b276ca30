"""`GET /me/`, `GET /user/` and `GET /user/{id}/`: who the key belongs to, and people's names."""

from __future__ import annotations

from urllib.parse import quote

from close_viewer.core.api.transport import Subject, Transport
from close_viewer.core.cancel import CancelToken
from close_viewer.core.credentials import Credential
from close_viewer.core.names import Me, parse_me, parse_user, parse_users

PAGE = 100


def me(transport: Transport, credential: Credential, cancel: CancelToken | None = None) -> Me:
    return parse_me(transport.get("/me/", credential, Subject("account"), None, cancel))


def users(transport: Transport, credential: Credential, cancel: CancelToken | None = None) -> dict[str, str]:
    """Every user of the organization: id → name (all pages, at most 20)."""
    names: dict[str, str] = {}
    for page in range(20):
        params = {"_skip": str(page * PAGE), "_limit": str(PAGE)}
        found, more = parse_users(transport.get("/user/", credential, Subject("users"), params, cancel))
        names.update(found)
        if not more:
            break
    return names


def user(
    transport: Transport, user_id: str, credential: Credential, cancel: CancelToken | None = None
) -> str:
    """One user's name; a 404 (a former user) raises ContactNotFound's kin as any 404 does."""
    body = transport.get(
        f"/user/{quote(user_id, safe='')}/", credential, Subject("user", user_id), None, cancel
    )
    return parse_user(body)[1]
