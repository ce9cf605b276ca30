"""`GET /lead/{id}/`: a lead's name and its contacts, for "open the lead's contact"."""

from __future__ import annotations

from urllib.parse import quote

from close_viewer.core.api.transport import Subject, Transport
from close_viewer.core.cancel import CancelToken
from close_viewer.core.credentials import Credential
from close_viewer.core.search_model import LeadContacts, parse_lead_contacts

FIELDS = "id,display_name,contacts"


def lead_contacts(
    transport: Transport, lead_id: str, credential: Credential, cancel: CancelToken | None = None
) -> LeadContacts:
    path = f"/lead/{quote(lead_id, safe='')}/"
    body = transport.get(path, credential, Subject("lead", lead_id), {"_fields": FIELDS}, cancel)
    return parse_lead_contacts(body, lead_id)
