"""`GET /contact/{id}/`: one contact, parsed, and checked to be the one asked for."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote

from close_viewer.core import errors as e
from close_viewer.core.api.transport import Subject, Transport, collector_paused
from close_viewer.core.cancel import CancelToken
from close_viewer.core.contact_ref import CONTACT_ID_RE
from close_viewer.core.credentials import Credential
from close_viewer.core.model import Contact
from close_viewer.core.parser import parse_contact


def fetch_contact(
    transport: Transport,
    contact_id: str,
    credential: Credential,
    fields: list[str] | None = None,
    cancel: CancelToken | None = None,
) -> Contact:
    """GET one contact, retrying 429 and 502/503/504 within bounds; raises CloseViewerError."""
    if CONTACT_ID_RE.fullmatch(contact_id) is None:
        raise e.InvalidContactInput(f"“{contact_id[:40]}” is not a valid contact id.")
    params = {"_fields": ",".join(fields)} if fields else None
    path = f"/contact/{quote(contact_id, safe='')}/"
    with collector_paused():
        body = transport.get(path, credential, Subject("contact", contact_id), params, cancel)
        contact = parse_contact(body)
    # The answer's id is the server's word: it goes to the title, the log, the
    # clipboard and the settings, so it must be the contact that was asked for.
    if not contact.id:
        return replace(contact, id=contact_id)  # --fields without id
    if contact.id != contact_id:
        raise e.BadResponse(
            f"Close answered with a different contact than {contact_id}; it was not shown.",
            "Try again; if it keeps happening, a proxy may be changing the traffic.",
        )
    return contact
