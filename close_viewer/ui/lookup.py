"""The lookup controller: what the rep asked for, turned into jobs, and what came back.

Qt-side but without widgets. The window hands it what was typed; it decides what to
ask Close (a contact, a lead, a search), runs that in the fetch thread, and says
what to show: a contact, a list of matches, or an error. Type-ahead suggestions run
on a second worker, so typing never cancels a contact that is loading, and only the
latest query's suggestions are ever passed on.

After a contact is shown, `enrich` fetches what the card adds (lead, names, custom
fields) on a third worker; `check_key` asks `GET /me/` on a fourth, so a wrong key is
reported before any lookup; `load_activity` fetches the timeline, a page at a time, on a
fifth, so it never delays the contact. A new lookup cancels the timeline's page in
flight. What they fetch once per key is cached here.

A search that lists several matches can be paged: `more_matches` asks for the next page
with the cursor Close returned (on the type-ahead worker, so a new search or typing
supersedes it); `search_listed` follows `matches_ready` with the page that can be continued.

Signals: contact_ready(Contact), matches_ready(SearchPage | LeadContacts),
suggestions_ready(str, SearchPage), failed(CloseViewerError), busy_changed(bool),
cancelled(), card_ready(Card), signed_in(Me), key_rejected(CloseViewerError),
activity_ready(ActivityResult), activity_failed(contact_id, CloseViewerError), activity_stopped(),
search_listed(SearchPage), more_matches_ready(SearchPage), more_matches_failed(CloseViewerError),
more_matches_stopped().
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from close_viewer.core import errors

if TYPE_CHECKING:
    from close_viewer.core.activity import ActivityPage
    from close_viewer.core.api import CloseClient
    from close_viewer.core.api.card import CardCache
    from close_viewer.core.cancel import CancelToken
    from close_viewer.core.credentials import Credential
    from close_viewer.core.model import Contact
    from close_viewer.core.paging import ActivityCursor
    from close_viewer.core.refs import Ref, SearchRef
    from close_viewer.core.search_model import LeadContacts, SearchPage
    from close_viewer.ui.fetcher import Fetcher, Work


def locale_region() -> str:
    """The default region for phone numbers without a country code: the locale's territory."""
    from PySide6.QtCore import QLocale

    code = QLocale.territoryToCode(QLocale().territory())
    return code if len(code) == 2 and code.isalpha() else "US"


@dataclass(frozen=True)
class ActivityResult:
    """A page of a contact's timeline, and which contact it is for."""

    contact_id: str
    page: ActivityPage


@dataclass(frozen=True)
class SearchPaging:
    """A listed search that has more matches: what was searched, with which key, and
    Close's cursor for the next page."""

    ref: SearchRef
    credential: Credential
    cursor: str


@dataclass(frozen=True)
class NextPage:
    """The next page of the listed search (told apart from a suggestion's page)."""

    page: SearchPage


NO_MATCH_HINT = "Check the spelling, or try part of the name, the whole email address or the number."


class LookupController(QObject):
    contact_ready = Signal(object)
    matches_ready = Signal(object)
    suggestions_ready = Signal(str, object)
    failed = Signal(object)
    busy_changed = Signal(bool)
    cancelled = Signal()
    card_ready = Signal(object)
    signed_in = Signal(object)
    key_rejected = Signal(object)
    activity_ready = Signal(object)
    activity_failed = Signal(str, object)
    activity_stopped = Signal()
    search_listed = Signal(object)
    more_matches_ready = Signal(object)
    more_matches_failed = Signal(object)
    more_matches_stopped = Signal()

    def __init__(
        self,
        fetcher: Fetcher,
        suggester: Fetcher,
        enricher: Fetcher,
        account: Fetcher,
        timeline: Fetcher,
        base_url: str,
        fields: tuple[str, ...] = (),
        region: str = "US",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.fetcher = fetcher
        self.suggester = suggester
        self.enricher = enricher
        self.account = account
        self.timeline = timeline
        self._activity_for = ""  # the contact whose page is being fetched
        self._caches: dict[str, CardCache] = {}
        self.base_url = base_url
        self.fields = fields
        self.region = region
        self.asked: Ref | None = None  # what the running (or last) lookup is for
        self._latest_suggestion = ""
        self._latest_ref: object = None
        self.paging: SearchPaging | None = None  # the listed search, while it has more
        self._credential: Credential | None = None  # the key of the running lookup
        self._more_pending = False
        fetcher.finished.connect(self._finished)
        fetcher.failed.connect(self.failed)
        fetcher.busy_changed.connect(self.busy_changed)
        fetcher.cancelled.connect(self.cancelled)
        suggester.finished.connect(self._suggested)
        suggester.failed.connect(self._suggester_failed)
        suggester.cancelled.connect(self._more_stopped)
        enricher.finished.connect(self.card_ready)
        enricher.failed.connect(self._card_failed)
        account.finished.connect(self.signed_in)
        account.failed.connect(self._account_failed)
        timeline.finished.connect(self.activity_ready)
        timeline.failed.connect(lambda error: self.activity_failed.emit(self._activity_for, error))
        timeline.cancelled.connect(self.activity_stopped)

    @property
    def busy(self) -> bool:
        return self.fetcher.busy

    def parse(self, text: str) -> Ref:
        from close_viewer.core.refs import parse_ref

        return parse_ref(text, self.region)

    def lookup(self, ref: Ref, credential: Credential) -> None:
        """Look up what `ref` names; supersedes any lookup and any pending suggestion."""
        from close_viewer.core.refs import ContactRef, LeadRef

        self.paging = None  # a new search: the listed one's next page is not wanted any more
        self.suggester.cancel()
        self.timeline.cancel()  # the shown contact's next page is not wanted any more
        self._latest_suggestion = ""
        self.asked = ref
        self._credential = credential
        if isinstance(ref, ContactRef):
            self.fetcher.fetch(self.base_url, ref.contact_id, credential, self.fields)
        elif isinstance(ref, LeadRef):
            self.fetcher.run(
                self.base_url, self._lead_work(ref.lead_id, credential), ref.lead_id, "opening the lead"
            )
        else:
            self.fetcher.run(self.base_url, self._search_work(ref, credential), ref.describe(), "searching")

    def open_contact(self, contact_id: str, credential: Credential) -> None:
        from close_viewer.core.refs import ContactRef

        self.lookup(ContactRef(contact_id), credential)

    def suggest(self, text: str, credential: Credential) -> bool:
        """Search for `text` as the rep types; False (and nothing sent) if it is not searchable."""
        from close_viewer.core.refs import ContactRef, LeadRef

        try:
            ref = self.parse(text)
        except errors.InvalidContactInput:
            return False
        if isinstance(ref, ContactRef | LeadRef):
            return False
        self._latest_suggestion = text
        self._latest_ref = ref
        self._more_stopped()  # the suggestion supersedes a next page in flight

        def work(client: CloseClient, token: CancelToken) -> object:
            return client.search_contacts(ref, credential, None, token)

        self.suggester.run(self.base_url, work, text, "searching")
        return True

    def more_matches(self) -> bool:
        """Ask for the next page of the listed search; False (nothing asked) when it has none."""
        paging = self.paging
        if paging is None:
            return False
        ref, credential, cursor = paging.ref, paging.credential, paging.cursor

        def work(client: CloseClient, token: CancelToken) -> object:
            return NextPage(client.search_contacts(ref, credential, cursor, token))

        self._more_pending = True
        self.suggester.run(self.base_url, work, ref.describe(), "loading more matches")
        return True

    def _more_stopped(self) -> None:
        if self._more_pending:
            self._more_pending = False
            self.more_matches_stopped.emit()

    def _suggester_failed(self, error: object) -> None:
        if self._more_pending:  # a suggestion that fails says nothing; a next page does
            self._more_pending = False
            self.more_matches_failed.emit(error)

    def enrich(self, contact: Contact, credential: Credential) -> None:
        """Fetch the card's extras for `contact` (superseding those of an earlier one)."""
        cache = self._cache_for(credential)
        known = cache.cards.get(contact.id)
        if known is not None and not known.problems:  # cached for the session: no round trip
            self.enricher.cancel()
            self.card_ready.emit(known)
            return

        def work(client: CloseClient, token: CancelToken) -> object:
            card = client.card(contact, credential, cache, token)
            cache.cards[contact.id] = card
            return card

        self.enricher.run(self.base_url, work, contact.id, "loading the contact's company and names")

    def _cache_for(self, credential: Credential) -> CardCache:
        from close_viewer.core.api.card import CardCache

        cache = self._caches.setdefault(credential.secret, CardCache())
        if len(self._caches) > 4:  # keys the rep switched away from
            for old in [k for k in self._caches if k != credential.secret][:-3]:
                del self._caches[old]
        return cache

    def load_activity(
        self, contact: Contact, credential: Credential, cursor: ActivityCursor | None = None
    ) -> bool:
        """The page of `contact`'s timeline after `cursor` (superseding any page in flight);
        False (nothing asked) for a contact without a lead: Close needs the lead."""
        if not contact.lead_id:
            self.timeline.cancel()
            return False
        cache = self._cache_for(credential)
        lead_id, contact_id = contact.lead_id, contact.id

        def work(client: CloseClient, token: CancelToken) -> object:
            page = client.activity_page(lead_id, contact_id, credential, cursor, cache.custom_types, token)
            return ActivityResult(contact_id, page)

        self._activity_for = contact_id
        self.timeline.run(self.base_url, work, contact_id, "loading the contact's activity")
        return True

    def check_key(self, credential: Credential) -> None:
        """`GET /me/`: who the key belongs to; a wrong key is reported at once."""

        def work(client: CloseClient, token: CancelToken) -> object:
            return client.me(credential, token)

        self.account.run(self.base_url, work, "me", "checking the API key")

    def _card_failed(self, error: object) -> None:
        from close_viewer import logs

        logs.info("Card extras not available: %s", getattr(error, "message", error))

    def _account_failed(self, error: object) -> None:
        if isinstance(error, errors.AuthenticationFailed):
            self.key_rejected.emit(error)
        else:  # offline or Close slow: the lookup will say so if it matters
            from close_viewer import logs

            logs.info("Could not check the API key: %s", getattr(error, "message", error))

    def cancel(self) -> bool:
        self.suggester.cancel()
        self.timeline.cancel()
        return self.fetcher.cancel()

    def _finished(self, result: object) -> None:
        from close_viewer.core.model import Contact
        from close_viewer.core.refs import SearchRef

        if isinstance(result, Contact):
            self.contact_ready.emit(result)
            return
        self.matches_ready.emit(result)
        query, cursor = getattr(result, "query", None), getattr(result, "cursor", None)
        if isinstance(query, SearchRef) and cursor and self._credential is not None:
            self.paging = SearchPaging(query, self._credential, cursor)
            self.search_listed.emit(result)  # after the list is shown: it can be continued

    def _suggested(self, page: object) -> None:
        if isinstance(page, NextPage):
            self._more_pending = False
            cursor = page.page.cursor
            self.paging = replace(self.paging, cursor=cursor) if self.paging and cursor else None
            self.more_matches_ready.emit(page.page)
            return
        query = getattr(page, "query", None)
        if query is None or not self._latest_suggestion or query != self._latest_ref:
            return  # an older query's answer: never shown over a newer one
        self.suggestions_ready.emit(self._latest_suggestion, page)

    def _open_if_one(
        self,
        client: CloseClient,
        found: SearchPage | LeadContacts,
        credential: Credential,
        token: CancelToken,
        none: errors.NoMatch,
    ) -> object:
        """Exactly one match opens at once; none raises `none`; several are the answer."""
        if len(found.matches) == 1:
            only = found.matches[0].contact_id
            return client.fetch_contact(only, credential, list(self.fields), token)
        if not found.matches:
            raise none
        return found

    def _search_work(self, ref: SearchRef, credential: Credential) -> Work:
        def work(client: CloseClient, token: CancelToken) -> object:
            page = client.search_contacts(ref, credential, None, token)
            none = errors.NoMatch(f"No contact matches {ref.describe()}.", NO_MATCH_HINT)
            return self._open_if_one(client, page, credential, token, none)

        return work

    def _lead_work(self, lead_id: str, credential: Credential) -> Work:
        def work(client: CloseClient, token: CancelToken) -> object:
            lead = client.lead_contacts(lead_id, credential, token)
            name = f"“{lead.lead_name}”" if lead.lead_name else lead_id
            none = errors.NoMatch(
                f"The lead {name} has no contacts.",
                "Open the lead in Close to add one, or look up another contact.",
            )
            return self._open_if_one(client, lead, credential, token, none)

        return work
