"""Recent contacts: the list (Ctrl+E), and the keeper that ties the history file to the
key in use.

The keeper knows which organization the key in the field belongs to: from `GET /me/`,
from the contacts it fetches (each names its organization), or, before either has
answered (or offline), from what this key was seen to belong to earlier. That last
link is kept in the settings under a salted hash of the key, never the key itself,
so another key starts with no history until Close says whose it is.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from close_viewer import logs
from close_viewer.core.formatting import relative
from close_viewer.core.history import RECENT_LIMIT, Entry, History, SavedCopy
from close_viewer.core.search_model import Match
from close_viewer.ui.table_models import Column, RowTableModel

if TYPE_CHECKING:
    from close_viewer.core.model import Contact
    from close_viewer.ui.settings import AppSettings


class RecentModel(RowTableModel):
    NOUN = "recent contacts"
    ROW_ID = staticmethod(lambda e: e.contact_id)
    COLUMNS = (
        Column("Name", lambda e: e.name or "(no name)", lambda e: e.name.lower(), width=44),
        Column("Title", lambda e: e.title, lambda e: e.title.lower() or None, width=24),
        Column("Company", lambda e: e.company, lambda e: e.company.lower() or None, width=26),
        Column("Opened", lambda e: relative(e.opened_at), lambda e: e.opened_at, width=16),
    )


def as_match(entry: Entry) -> Match:
    """A recent contact as a row of the suggestions list."""
    return Match(entry.contact_id, entry.name, entry.title, "", entry.company)


class HistoryKeeper(QObject):
    """Signals: notice(title, message) once when history was reset or turned off;
    changed() when the list may look different (another organization, cleared)."""

    notice = Signal(str, str)
    changed = Signal()

    def __init__(
        self, path: Path, settings: AppSettings, parent: QObject | None = None, remember_keys: bool = True
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.remember_keys = remember_keys  # off in demo mode: it writes nothing about its key
        self.history = History(
            path, keep_copies=settings.keep_saved_copies, keep_days=settings.history_days, log=logs.info
        )
        self.history.secrets = logs.registered_secrets  # the key is never stored, even if echoed
        self.history.prune()
        self.organization_id = ""
        self._from_contact = False  # the organization was named by a contact the key fetched
        self._key_tag = ""
        self._told = False

    def tell_problems(self) -> None:
        """Say once (after the window is up) that history was reset or is off."""
        if self._told:
            return
        if self.history.reset_reason:
            self._told = True
            self.notice.emit("History was reset", self.history.reset_reason)
        elif self.history.disabled_reason:
            self._told = True
            self.notice.emit("Recent contacts are off", self.history.disabled_reason)

    # --- whose history -------------------------------------------------------------

    def _tag(self, key: str) -> str:
        salt = self.settings.history_salt
        if not salt:
            salt = secrets.token_hex(16)
            self.settings.history_salt = salt
        return hashlib.sha256(f"{salt}:{key}".encode()).hexdigest()[:24]

    def use_key(self, key: str) -> None:
        """The key in the field: its organization, if this key was seen before; else none yet."""
        tag = self._tag(key) if key and self.remember_keys else ""
        if tag == self._key_tag and tag:
            return
        self._key_tag = tag
        self._from_contact = False
        self._set_organization(self.settings.organization_for(tag) if tag else "")

    def set_organization(self, organization_id: str, from_contact: bool = False) -> None:
        """Close said whose the key is: a contact it fetched names its organization, which
        nothing else overrides; `GET /me/` names the user's (only) organization, which may be
        another one of theirs, so it only fills in while no contact has said."""
        if not organization_id or (self._from_contact and not from_contact):
            return
        self._from_contact = self._from_contact or from_contact
        if self._key_tag:
            self.settings.set_organization_for(self._key_tag, organization_id)
        self._set_organization(organization_id)

    def _set_organization(self, organization_id: str) -> None:
        if organization_id != self.organization_id:
            self.organization_id = organization_id
            self.changed.emit()

    # --- what the window asks ------------------------------------------------------

    def record(self, contact: Contact, company: str = "") -> None:
        self.set_organization(contact.organization_id, from_contact=True)
        rows = sum(
            len(r) for r in (contact.emails, contact.phones, contact.recent_calls, contact.subscriptions)
        )
        self.history.record(
            self.organization_id,
            contact.id,
            contact.shown_name,
            contact.title or "",
            company,
            dict(contact.raw) if contact.raw else None,
            rows,
        )
        self.tell_problems()

    def set_company(self, contact_id: str, company: str) -> None:
        self.history.set_company(self.organization_id, contact_id, company)

    def recent(self, text: str = "", limit: int | None = None) -> list[Entry]:
        return self.history.recent(self.organization_id, text, limit or RECENT_LIMIT)

    def entry(self, contact_id: str) -> Entry | None:
        found = [
            e for e in self.history.recent(self.organization_id, contact_id, 1) if e.contact_id == contact_id
        ]
        return found[0] if found else None

    def saved_copy(self, contact_id: str) -> SavedCopy | None:
        return self.history.saved_copy(self.organization_id, contact_id)

    def set_keep_copies(self, keep: bool) -> None:
        self.settings.keep_saved_copies = keep
        self.history.keep_copies = keep
        if not keep:
            self.history.drop_copies()

    def clear(self) -> None:
        self.history.clear()
        self.changed.emit()

    def close(self) -> None:
        self.history.close()
