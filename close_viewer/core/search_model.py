"""Search results and a lead's contacts: small rows for the results list, parsed tolerantly.

Answers of any shape either parse (unknown fields ignored, wrong ones blank) or raise
BadResponse when the answer as a whole is not a list of results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from close_viewer.core.contact_ref import CONTACT_ID_RE
from close_viewer.core.errors import BadResponse
from close_viewer.core.text import text_or_blank


@dataclass(frozen=True, slots=True)
class Match:
    """One contact in a results list."""

    contact_id: str
    name: str = ""
    title: str = ""
    lead_id: str = ""
    company: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class SearchPage:
    matches: tuple[Match, ...] = ()
    cursor: str | None = None  # Close's cursor for the next page; None on the last page
    query: object = None  # the SearchRef that was searched
    total: int | None = None  # every match, when Close says (`count.total`); else unknown


@dataclass(frozen=True, slots=True)
class LeadContacts:
    lead_id: str
    lead_name: str = ""
    matches: tuple[Match, ...] = field(default_factory=tuple)


def _first(items: object, key: str) -> str:
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and isinstance(item.get(key), str) and item[key]:
                return str(item[key])
    return ""


def match_from(data: object, company: str = "") -> Match | None:
    """A Match from a contact object (search `data` item or a lead's `contacts` item)."""
    if not isinstance(data, dict):
        return None
    contact_id = data.get("id")
    if not isinstance(contact_id, str) or CONTACT_ID_RE.fullmatch(contact_id) is None:
        return None
    phone = _first(data.get("phones"), "phone_formatted") or _first(data.get("phones"), "phone")
    return Match(
        contact_id=contact_id,
        name=text_or_blank(data.get("display_name")) or text_or_blank(data.get("name")),
        title=text_or_blank(data.get("title")),
        lead_id=text_or_blank(data.get("lead_id")),
        company=company,
        email=_first(data.get("emails"), "email"),
        phone=phone,
    )


def _not_results(what: str) -> BadResponse:
    return BadResponse(
        f"Close sent {what} this app could not read.",
        "Try again; if it keeps happening, a proxy may be changing the traffic.",
    )


def _is_contact(item: object) -> bool:
    """Close marks each result with its `__object_type`: only contacts are rows here."""
    kind = item.get("__object_type", "contact") if isinstance(item, dict) else None
    return kind == "contact"


def _total(count: object) -> int | None:
    total = count.get("total") if isinstance(count, dict) else None
    return total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None


def parse_search_page(body: object, query: object = None) -> SearchPage:
    if not isinstance(body, dict) or not isinstance(body.get("data", []), list):
        raise _not_results("search results")
    items = (match_from(item) for item in body.get("data", []) if _is_contact(item))
    matches = tuple(m for m in items if m is not None)
    cursor = body.get("cursor")
    next_cursor = cursor if isinstance(cursor, str) and cursor else None
    return SearchPage(matches, next_cursor, query, _total(body.get("count")))


def parse_lead_contacts(body: object, lead_id: str) -> LeadContacts:
    if not isinstance(body, dict):
        raise _not_results("a lead")
    name = text_or_blank(body.get("display_name")) or text_or_blank(body.get("name"))
    contacts: Any = body.get("contacts")
    items = contacts if isinstance(contacts, list) else []
    found = (match_from(item, company=name) for item in items)
    # A contact that says it belongs to another lead is not this lead's (a server's mistake,
    # or a forged answer); one that does not say is taken as the lead's own.
    matches = tuple(m for m in found if m is not None and m.lead_id in ("", lead_id))
    return LeadContacts(lead_id, name, matches)
