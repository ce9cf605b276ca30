"""Everything the card adds to a contact: its lead, people's names, custom fields.

Each piece is its own request, fetched after the contact is shown, cached for the
session (per key), and allowed to fail on its own: the card then says "not available"
in its place and `Card.problems` says why (for the log).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from close_viewer.core import errors as e
from close_viewer.core.api import users as users_api
from close_viewer.core.api.transport import Subject, Transport
from close_viewer.core.cancel import CancelToken
from close_viewer.core.contact_ref import CONTACT_ID_RE
from close_viewer.core.credentials import Credential
from close_viewer.core.model import Contact
from close_viewer.core.names import (
    Card,
    FieldSpec,
    LeadSummary,
    custom_rows,
    parse_lead_summary,
    parse_schema,
    referenced_contacts,
)
from close_viewer.core.text import text_or_blank

LEAD_FIELDS = "id,display_name,status_label,html_url"
CONTACT_NAME_FIELDS = "id,name,display_name"
CONTACT_LOOKUPS = 5  # contacts named by contact-type fields asked for per card, at most


@dataclass
class CardCache:
    """What is fetched once per key and session. Written only by the one enrichment job
    that runs at a time (custom activity type names: by the one timeline job); read by the next."""

    users: dict[str, str] | None = None
    missing_users: set[str] = field(default_factory=set)
    schema: dict[str, FieldSpec] | None = None
    contact_names: dict[str, str] = field(default_factory=dict)  # contacts named by custom fields
    missing_contacts: set[str] = field(default_factory=set)  # asked once, not to be had
    leads: dict[str, LeadSummary] = field(default_factory=dict)
    cards: dict[str, Card] = field(default_factory=dict)  # by contact id
    custom_types: dict[str, str] = field(default_factory=dict)  # custom activity types, by id (timeline job)


def lead_summary(
    transport: Transport, lead_id: str, credential: Credential, cancel: CancelToken | None
) -> LeadSummary:
    path = f"/lead/{quote(lead_id, safe='')}/"
    body = transport.get(path, credential, Subject("lead", lead_id), {"_fields": LEAD_FIELDS}, cancel)
    return parse_lead_summary(body, lead_id)


def contact_name(
    transport: Transport, contact_id: str, credential: Credential, cancel: CancelToken | None
) -> str:
    """A contact's name only (`_fields=id,name,display_name`); "" if the answer is another's."""
    path = f"/contact/{quote(contact_id, safe='')}/"
    params = {"_fields": CONTACT_NAME_FIELDS}
    body = transport.get(path, credential, Subject("contact", contact_id), params, cancel)
    data = body if isinstance(body, dict) else {}
    if text_or_blank(data.get("id")) != contact_id:
        return ""
    return text_or_blank(data.get("display_name")) or text_or_blank(data.get("name"))


def name_contacts(
    transport: Transport,
    contact: Contact,
    ids: list[str],
    credential: Credential,
    cache: CardCache,
    cancel: CancelToken | None,
) -> dict[str, str]:
    """Names for the contacts that contact-type fields name: the contact itself and any named
    before this session cost nothing; the rest one `GET /contact/{id}/` each, at most
    CONTACT_LOOKUPS per card, a failure remembered for the session."""
    if contact.id and (contact.display_name or contact.name):
        cache.contact_names[contact.id] = contact.display_name or contact.name or ""
    asked = 0
    for contact_id in ids:
        if contact_id in cache.contact_names or contact_id in cache.missing_contacts:
            continue
        if asked >= CONTACT_LOOKUPS or CONTACT_ID_RE.fullmatch(contact_id) is None:
            continue  # shown as "a contact that is not available", its id in the tooltip
        asked += 1
        try:
            name = contact_name(transport, contact_id, credential, cancel)
        except e.FetchCancelled:
            raise
        except e.CloseViewerError:
            name = ""
        if name:
            cache.contact_names[contact_id] = name
        else:
            cache.missing_contacts.add(contact_id)
    return {i: cache.contact_names[i] for i in ids if i in cache.contact_names}


def fetch_card(
    transport: Transport,
    contact: Contact,
    credential: Credential,
    cache: CardCache,
    cancel: CancelToken | None = None,
) -> Card:
    problems: list[str] = []

    def attempt(what: str, call):  # type: ignore[no-untyped-def]
        try:
            return call()
        except e.FetchCancelled:
            raise
        except e.CloseViewerError as exc:
            problems.append(f"{what}: {exc.message}")
            return None

    lead = None
    if contact.lead_id:
        lead = cache.leads.get(contact.lead_id) or attempt(
            "lead", lambda: lead_summary(transport, contact.lead_id or "", credential, cancel)
        )
        if lead is not None:
            cache.leads[lead.lead_id] = lead
    if cache.users is None:
        cache.users = attempt("users", lambda: users_api.users(transport, credential, cancel))
    names = cache.users
    if names is not None:
        wanted = {contact.created_by, contact.updated_by} - {None, ""} - set(names) - cache.missing_users
        for user_id in sorted(u for u in wanted if u):
            try:
                names[user_id] = users_api.user(transport, user_id, credential, cancel)
            except e.FetchCancelled:
                raise
            except e.CloseViewerError:
                cache.missing_users.add(user_id)  # a former user: asked once per session
    fields = None
    custom = contact.custom_fields
    if custom:
        if cache.schema is None:
            cache.schema = attempt(
                "custom fields",
                lambda: parse_schema(
                    transport.get(
                        "/custom_field_schema/contact/", credential, Subject("custom fields"), None, cancel
                    )
                ),
            )
        schema = cache.schema or {}
        ids = referenced_contacts(custom, schema)
        contacts = name_contacts(transport, contact, ids, credential, cache, cancel) if ids else {}
        fields = custom_rows(custom, schema, names, contacts)
        if cache.schema is None:
            fields = None
    else:
        fields = ()
    return Card(contact.id, lead, names, fields, tuple(problems))
