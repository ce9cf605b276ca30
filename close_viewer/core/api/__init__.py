"""The Close API: one transport (`transport.py`) and one small module per resource.

`CloseClient` is the transport with one method per call the app makes, each a line
that hands the transport to its resource module (as Picard's `api_helpers` do).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from close_viewer.core.api.retry import rate_limit_wait
from close_viewer.core.api.transport import CancelToken, Subject, Transport, collector_paused

if TYPE_CHECKING:
    from close_viewer.core.activity import ActivityPage
    from close_viewer.core.api.card import CardCache
    from close_viewer.core.credentials import Credential
    from close_viewer.core.model import Contact
    from close_viewer.core.names import Card, Me
    from close_viewer.core.paging import ActivityCursor
    from close_viewer.core.refs import SearchRef
    from close_viewer.core.search_model import LeadContacts, SearchPage

__all__ = ["CancelToken", "CloseClient", "Subject", "Transport", "collector_paused", "rate_limit_wait"]


class CloseClient(Transport):
    """Every request the app makes to Close."""

    def fetch_contact(
        self,
        contact_id: str,
        credential: Credential,
        fields: list[str] | None = None,
        cancel: CancelToken | None = None,
    ) -> Contact:
        from close_viewer.core.api import contacts

        return contacts.fetch_contact(self, contact_id, credential, fields, cancel)

    def search_contacts(
        self,
        ref: SearchRef,
        credential: Credential,
        cursor: str | None = None,
        cancel: CancelToken | None = None,
    ) -> SearchPage:
        from close_viewer.core.api import search

        return search.search_contacts(self, ref, credential, cursor, cancel)

    def me(self, credential: Credential, cancel: CancelToken | None = None) -> Me:
        from close_viewer.core.api import users

        return users.me(self, credential, cancel)

    def card(
        self, contact: Contact, credential: Credential, cache: CardCache, cancel: CancelToken | None = None
    ) -> Card:
        from close_viewer.core.api import card

        return card.fetch_card(self, contact, credential, cache, cancel)

    def lead_contacts(
        self, lead_id: str, credential: Credential, cancel: CancelToken | None = None
    ) -> LeadContacts:
        from close_viewer.core.api import leads

        return leads.lead_contacts(self, lead_id, credential, cancel)

    def activity_page(
        self,
        lead_id: str,
        contact_id: str,
        credential: Credential,
        cursor: ActivityCursor | None = None,
        custom_types: dict[str, str] | None = None,
        cancel: CancelToken | None = None,
    ) -> ActivityPage:
        from close_viewer.core.api import activities

        return activities.activity_page(self, lead_id, contact_id, credential, cursor, custom_types, cancel)
