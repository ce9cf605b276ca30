"""Turn whatever a user pasted into one contact id, or refuse before any request.

Accepted: a bare id (`cont_` + letters/digits), with whitespace around it, or
any text or Close link (app.close.com, app.close.io) holding exactly one
distinct contact id. Everything else is refused with a message saying what a
contact id looks like. The id returned only ever holds `cont_[A-Za-z0-9]+`.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from close_viewer.core.errors import InvalidContactInput

CONTACT_ID_RE = re.compile(r"cont_[A-Za-z0-9]+")
LEAD_ID_RE = re.compile(r"lead_[A-Za-z0-9]+")
_URL_RE = re.compile(r"^(?:https?://|app\.close\.(?:com|io)/)", re.IGNORECASE)
_STRIP = "<>()[]{}\"'`,;:!?.“”‘’«»"
_SPLIT = re.compile(r"[/?#&=]")
SHAPE_HINT = "A contact id looks like cont_ followed by letters and digits, e.g. cont_4bA7x2Kq9TzR."
MAX_INPUT = 4096


def _is_contact_id(token: str) -> bool:
    return CONTACT_ID_RE.fullmatch(token) is not None


def _link(token: str) -> tuple[str, list[str]] | None:
    """A link's host and the pieces of its path, fragment and query; None if unreadable."""
    if "://" not in token:
        token = "https://" + token
    try:
        parts = urlsplit(token)
        host = (parts.hostname or "").lower()
    except ValueError:  # e.g. "]" or a fullwidth slash in the host: not a link we can read
        return None
    pieces = [*parts.path.split("/"), *_SPLIT.split(parts.fragment)]
    pieces += [value for _, value in parse_qsl(parts.query, keep_blank_values=True)]
    return host, pieces


def _ids_in_url(token: str) -> tuple[set[str], bool]:
    """Contact ids in a link's path, query and fragment; and whether it names a lead."""
    link = _link(token)
    if link is None:
        return set(), False
    pieces = link[1]
    return {p for p in pieces if _is_contact_id(p)}, any(LEAD_ID_RE.fullmatch(p) for p in pieces)


def lead_id_in_link(text: str) -> str | None:
    """The lead id of a Close lead link (app.close.com / app.close.io)."""
    for raw in text.split():
        token = raw.strip(_STRIP)
        link = _link(token) if _URL_RE.match(token) else None
        if link is None or link[0] not in ("app.close.com", "app.close.io"):
            continue
        for piece in link[1]:
            if LEAD_ID_RE.fullmatch(piece):
                return piece
    return None


def parse_contact_ref(text: str) -> str:
    """Return the one contact id in `text`, or raise InvalidContactInput."""
    stripped = text.strip()
    if not stripped:
        raise InvalidContactInput("Paste a contact id or a Close contact link.", SHAPE_HINT)
    if len(stripped) > MAX_INPUT:
        raise InvalidContactInput("That text is too long to hold one contact id.", SHAPE_HINT)
    if any((ord(c) < 32 and c not in "\t\n\r") or ord(c) == 127 for c in stripped):
        raise InvalidContactInput("That text contains control characters.", SHAPE_HINT)

    ids: set[str] = set()
    bad: list[str] = []
    names_lead = False
    for raw in stripped.split():
        token = raw.strip(_STRIP)
        if _URL_RE.match(token):
            found, lead = _ids_in_url(token)
            ids |= found
            names_lead = names_lead or lead
            if not found and "cont_" in token:
                bad.append(token)
        elif _is_contact_id(token):
            ids.add(token)
        elif "cont_" in token:
            bad.append(token)
        elif LEAD_ID_RE.fullmatch(token):
            names_lead = True

    if len(ids) == 1:
        return ids.pop()
    if len(ids) > 1:
        listed = ", ".join(sorted(ids)[:3]) + (", …" if len(ids) > 3 else "")
        raise InvalidContactInput(
            f"That text holds {len(ids)} different contact ids ({listed}).",
            "Paste just the one you want to see.",
        )
    if bad:
        shown = bad[0] if len(bad[0]) <= 40 else bad[0][:40] + "…"
        raise InvalidContactInput(f"“{shown}” is not a valid contact id.", SHAPE_HINT)
    if names_lead:
        raise InvalidContactInput(
            "That is a lead, not a contact: opening a lead is not supported yet.",
            "Open the contact in Close and copy its link or id (cont_…) instead.",
        )
    raise InvalidContactInput("No contact id found in that text.", SHAPE_HINT)
