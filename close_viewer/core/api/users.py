"""`GET /me/`, `GET /user/` and `GET /user/{id}/`: who the key belongs to, and people's names."""

from __future__ import annotations

from urllib.parse import quote

from close_viewer.core.api.transport import Subject, Transport
from close_viewer.core.cancel import CancelToken
from close_viewer.core.credentials import Credential
from close_viewer.core.names import Me, parse_me, parse_user, parse_users

PAGE = 100
MAX_PAGES = 20
PAGE_BYTES = 4 * 1024 * 1024  # a page of 100 users is about 100 KB; a server ignoring _limit stops here
MAX_NAMES = 5000  # names kept for a session, at most


def me(transport: Transport, credential: Credential, cancel: CancelToken | None = None) -> Me:
    return parse_me(transport.get("/me/", credential, Subject("account"), None, cancel))


def users(transport: Transport, credential: Credential, cancel: CancelToken | None = None) -> dict[str, str]:
    """The organization's users: id → name, within a budget across pages (at most MAX_PAGES
    pages of PAGE_BYTES each, MAX_NAMES names kept), so a server that ignores `_limit` or
    always says `has_more` cannot fill memory; an empty page ends the list."""
    names: dict[str, str] = {}
    for page in range(MAX_PAGES):
        params = {"_skip": str(page * PAGE), "_limit": str(PAGE)}
        body = transport.get("/user/", credential, Subject("users"), params, cancel, max_bytes=PAGE_BYTES)
        found, more = parse_users(body)
        for user_id, name in found.items():
            if len(names) >= MAX_NAMES:
                return names
            names[user_id] = name
        if not more or not found:
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
