"""The demo server's side of `POST /data/search/`: Close's search language, evaluated over
the sample contacts.

Supported: `and`, `or`, `negate`, `object_type`, `text`, `field_condition` (a `text`
condition on a regular field) and `has_related` for `contact_email` and `contact_phone`,
with the text modes `exact_value`, `phrase`, `full_words` and `beginning_of_words`.
Anything else is a SearchError, which the server answers with 400 and Close's shape.
Each result carries `__object_type`, as Close's do; `_limit` above MAX_LIMIT is a 400.

`shared_surname_contacts()` is demo data: 30 Lindqvists, more than one page of matches.
"""

from __future__ import annotations

import base64
import re
from typing import Any

TEXT_MODES = ("exact_value", "phrase", "full_words", "beginning_of_words")
_WORDS = re.compile(r"\w+", re.UNICODE)
RELATED = {"contact_email": "emails", "contact_phone": "phones"}
MAX_LIMIT = 200  # Close's usual maximum for `_limit` (its documentation names none for search)


class SearchError(ValueError):
    """The query is not one Close would accept: its message goes back in the 400 answer."""


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.casefold())


def text_matches(mode: str, value: str, text: str) -> bool:
    if mode not in TEXT_MODES:
        raise SearchError(f"Unknown text mode: {mode!r}.")
    if mode == "exact_value":
        return text.casefold() == value.casefold()
    wanted, have = _words(value), _words(text)
    if not wanted:
        return False
    if mode == "full_words":
        return all(word in have for word in wanted)
    if mode == "beginning_of_words":
        return all(any(h.startswith(w) for h in have) for w in wanted)
    size = len(wanted)  # phrase: the words, in order, next to each other
    return any(have[i : i + size] == wanted for i in range(len(have) - size + 1))


def _contact_texts(contact: dict[str, Any]) -> list[str]:
    texts = [contact.get("display_name") or "", contact.get("name") or "", contact.get("title") or ""]
    texts += [e.get("email") or "" for e in contact.get("emails") or []]
    texts += [p.get("phone") or "" for p in contact.get("phones") or []]
    return [t for t in texts if isinstance(t, str) and t]


def _condition(condition: Any, value: Any) -> bool:
    if not isinstance(condition, dict) or condition.get("type") != "text":
        raise SearchError("Only text conditions are supported in this demo.")
    wanted = condition.get("value")
    if not isinstance(wanted, str):
        raise SearchError("A text condition needs a string value.")
    return isinstance(value, str) and text_matches(str(condition.get("mode", "exact_value")), wanted, value)


def evaluate(query: Any, obj: dict[str, Any], object_type: str = "contact") -> bool:
    """Does `obj` (a contact, or one of its emails or phones) match `query`?"""
    if not isinstance(query, dict):
        raise SearchError("Each query must be an object.")
    kind = query.get("type")
    if kind == "and":
        return all(evaluate(q, obj, object_type) for q in _list(query, "queries"))
    if kind == "or":
        return any(evaluate(q, obj, object_type) for q in _list(query, "queries"))
    if kind == "negate":
        return not evaluate(query.get("query"), obj, object_type)
    if kind == "object_type":
        return query.get("object_type") == object_type
    if kind == "text":
        mode, value = str(query.get("mode", "full_words")), query.get("value")
        if not isinstance(value, str):
            raise SearchError("A text query needs a string value.")
        texts = _contact_texts(obj) if object_type == "contact" else [str(v) for v in obj.values()]
        return any(text_matches(mode, value, t) for t in texts)
    if kind == "field_condition":
        field = query.get("field")
        if not isinstance(field, dict) or field.get("type") != "regular_field":
            raise SearchError("Only regular_field fields are supported in this demo.")
        if field.get("object_type", object_type) != object_type:
            return False
        return _condition(query.get("condition"), obj.get(str(field.get("field_name"))))
    if kind == "has_related":
        related = query.get("related_object_type")
        if related not in RELATED:
            raise SearchError(f"Unsupported related object type: {related!r}.")
        items = obj.get(RELATED[related]) or []
        return any(
            evaluate(query.get("related_query"), item, related) for item in items if isinstance(item, dict)
        )
    raise SearchError(f"Unknown query type: {kind!r}.")


def _list(query: dict[str, Any], key: str) -> list[Any]:
    value = query.get(key)
    if not isinstance(value, list):
        raise SearchError(f"“{key}” must be a list.")
    return value


def run_search(body: Any, contacts: list[dict[str, Any]]) -> dict[str, Any]:
    """The answer to one search request: `{"data": [...], "cursor": ...}`."""
    if not isinstance(body, dict) or "query" not in body:
        raise SearchError("The request body needs a “query”.")
    limit = body.get("_limit", 10)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise SearchError(f"_limit must be a number from 1 to {MAX_LIMIT}.")
    offset = _offset(body.get("cursor"))
    found = [c for c in contacts if evaluate(body["query"], c)]
    page = found[offset : offset + limit]
    fields = (body.get("_fields") or {}).get("contact") if isinstance(body.get("_fields"), dict) else None
    if fields is not None and not isinstance(fields, list):
        raise SearchError("_fields.contact must be a list.")
    data = [
        {"__object_type": "contact"} | {k: v for k, v in c.items() if fields is None or k in fields}
        for c in page
    ]
    more = offset + limit < len(found)
    cursor = base64.urlsafe_b64encode(str(offset + limit).encode()).decode() if more else None
    return {"data": data, "cursor": cursor}


def _offset(cursor: Any) -> int:
    if cursor in (None, ""):
        return 0
    try:
        return max(0, int(base64.urlsafe_b64decode(str(cursor).encode()).decode()))
    except (ValueError, UnicodeDecodeError):
        raise SearchError("Invalid cursor.") from None


# --- Demo data: a surname shared by more than one page of matches ---------------------------

SHARED_SURNAME = "Lindqvist"
SHARED_SURNAME_LEAD = ("lead_Lq4Lindqvist8Bygg2Wz", "Lindqvist Bygg AB")
_FIRST_NAMES = (
    "Anna Karin Erik Lars Maria Johan Eva Per Kristina Mikael Elin Anders Sofia Nils Ingrid "
    "Gustav Astrid Olof Maja Henrik Linnea Fredrik Saga Magnus Frida Oskar Greta Viktor Ebba Axel"
).split()
_TITLES = ("Site manager", "Buyer", "Project lead", "Estimator", "Foreman", "Owner")


def shared_surname_contacts() -> list[dict[str, Any]]:
    """30 contacts named Lindqvist (one lead, generated the same way every time), so that a
    search for the name has a second page."""
    lead_id, _company = SHARED_SURNAME_LEAD
    people = []
    for n, first in enumerate(_FIRST_NAMES, start=1):
        name = f"{first} {SHARED_SURNAME}"
        people.append(
            {
                "id": f"cont_Lq{n:02d}{first}Lindqvist",
                "organization_id": "orga_Qk2vN8sLx4TfRm7WbYc1HdPz",
                "lead_id": lead_id,
                "name": name,
                "display_name": name,
                "title": _TITLES[n % len(_TITLES)],
                "timezone": "Europe/Stockholm",
                "created_by": "user_Lm4pX9aWq2RzTn6VbKd8YsJc",
                "updated_by": "user_Lm4pX9aWq2RzTn6VbKd8YsJc",
                "date_created": "2025-01-15T08:00:00.000000+00:00",
                "date_updated": f"2026-10-{n:02d}T09:30:00.000000+00:00",
                "emails": [{"email": f"{first.lower()}@lindqvist-bygg.se", "type": "office"}],
                "phones": [
                    {
                        "phone": f"+46855501{n:03d}",
                        "phone_formatted": f"+46 8 555 01{n:03d}",
                        "type": "office",
                        "country": "SE",
                    }
                ],
                "recent_calls": [],
                "subscriptions": [],
                "urls": [],
                "integration_links": [],
            }
        )
    return people
