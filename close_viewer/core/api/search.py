"""`POST /data/search/` (Close's Advanced Filtering API): contacts by email, phone or name.

Pages of LIMIT matches; the next page is asked for with the `cursor` Close returned
(`search_contacts(..., cursor)`), never with an offset. No `sort` is sent: what the
documentation we could read shows of the endpoint does not define a sort for contacts,
so Close's own order is kept (an unknown key would risk a 400 on every search).
"""

from __future__ import annotations

from typing import Any

from close_viewer.core import errors as e
from close_viewer.core.api.transport import Subject, Transport
from close_viewer.core.cancel import CancelToken
from close_viewer.core.credentials import Credential
from close_viewer.core.refs import EmailRef, PhoneRef, SearchRef, e164
from close_viewer.core.search_model import SearchPage, parse_search_page

FIELDS = ["id", "display_name", "title", "lead_id", "emails", "phones"]
LIMIT = 25  # one page; Close answers `_limit` above its maximum (MAX_LIMIT) with a 400
MAX_LIMIT = 200


def _related(object_type: str, field_name: str, value: str) -> dict[str, Any]:
    return {
        "type": "has_related",
        "this_object_type": "contact",
        "related_object_type": object_type,
        "related_query": {
            "type": "field_condition",
            "field": {"type": "regular_field", "object_type": object_type, "field_name": field_name},
            "condition": {"type": "text", "mode": "exact_value", "value": value},
        },
    }


def condition(ref: SearchRef) -> dict[str, Any]:
    """The search-language condition for what the rep typed."""
    if isinstance(ref, EmailRef):
        return _related("contact_email", "email", ref.address.lower())
    if isinstance(ref, PhoneRef):
        number = e164(ref)
        if number is None:
            raise e.InvalidContactInput(
                f"“{ref.text[:40]}” does not look like a phone number.",
                "Type it with its country code (+44 20 7946 0958), or as you would dial it.",
            )
        return _related("contact_phone", "phone", number)
    return {"type": "text", "mode": "beginning_of_words", "value": ref.text}


def search_body(ref: SearchRef, cursor: str | None = None, limit: int = LIMIT) -> dict[str, Any]:
    body: dict[str, Any] = {
        "query": {
            "type": "and",
            "queries": [{"type": "object_type", "object_type": "contact"}, condition(ref)],
        },
        "_fields": {"contact": FIELDS},
        "_limit": limit,
    }
    if cursor:
        body["cursor"] = cursor
    return body


def search_contacts(
    transport: Transport,
    ref: SearchRef,
    credential: Credential,
    cursor: str | None = None,
    cancel: CancelToken | None = None,
) -> SearchPage:
    body = transport.post("/data/search/", search_body(ref, cursor), credential, Subject("search"), cancel)
    return parse_search_page(body, ref)
