"""One table model per kind of row: emails, phones, recent calls, subscriptions, links.

Each model holds the contact's tuple of rows and formats a cell only when a
view asks for it, so a contact with 10,000 calls costs one reset, not 10,000
inserts. Sorting sorts the row list by real values (datetimes, seconds), not
by display text. Column -1 means the order Close sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from close_viewer.core import formatting
from close_viewer.core.model import Rows
from close_viewer.core.text import one_line, plain_tooltip
from close_viewer.ui.badges import badge_text
from close_viewer.ui.dates import local_datetime

if TYPE_CHECKING:
    from close_viewer.core.model import ContactUrl, IntegrationLink
    from close_viewer.core.names import CustomFieldRow

Index = QModelIndex | QPersistentModelIndex


_TEXT_ROLES = frozenset(
    int(r.value)
    for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole)
)

_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)


class Role(IntEnum):
    ROW = Qt.ItemDataRole.UserRole + 1  # the row object itself
    SORT = Qt.ItemDataRole.UserRole + 2  # a comparable value
    BADGE = Qt.ItemDataRole.UserRole + 3  # (kind, raw value) for StatusBadgeDelegate


_ANSWERED = _TEXT_ROLES | {int(r) for r in Role} | {int(Qt.ItemDataRole.ForegroundRole.value)}


@dataclass(frozen=True)
class Column:
    title: str
    display: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None
    badge: str | None = None  # badge kind: the cell is painted as a status pill
    badge_value: Callable[[Any], str | None] | None = None
    link: Callable[[Any], str] | None = None
    width: int = 14  # initial width, in average characters
    internal: bool = False  # an internal id (dial_…, acti_…): hidden until the rep turns it on
    field: str = ""  # the row field the sort key is, when it is one (sorts Rows without building them)


class RowTableModel(QAbstractTableModel):
    """A read-only table of one kind of row; subclasses list their COLUMNS."""

    COLUMNS: ClassVar[tuple[Column, ...]] = ()
    NOUN: ClassVar[str] = "items"
    # What activating a row (Enter, double-click) opens: a mailto:, tel: or web address.
    ACTION: ClassVar[tuple[str, Callable[[Any], str]] | None] = None  # (menu words, row → URL)
    ROW_ID: ClassVar[Callable[[Any], str] | None] = None  # the row's internal id, for "Copy id"

    def row_id(self, row: int) -> str:
        if self.ROW_ID is None or not 0 <= row < len(self._rows):
            return ""
        return self.ROW_ID(self._rows[row]) or ""

    def row_action(self, row: int) -> tuple[str, str] | None:
        """(words, URL) of the row's action, or None."""
        if self.ACTION is None or not 0 <= row < len(self._rows):
            return None
        words, url_of = self.ACTION
        url = url_of(self._rows[row])
        return (words, url) if url else None

    # The order rows come in before the rep picks one: (column, order), or None for Close's.
    DEFAULT_SORT: ClassVar[tuple[int, Qt.SortOrder] | None] = None

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: Sequence[Any] = ()
        self._original: Sequence[Any] = ()
        self.sorted_by: tuple[int, Qt.SortOrder] | None = self.DEFAULT_SORT

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Replace every row at once (one reset, whatever the count), in the order last chosen."""
        self.beginResetModel()
        self._original = rows  # not copied: a contact's Rows build each row only when read
        self._rows = rows
        if self.sorted_by is not None and len(rows) > 1:
            self._rows = self._sorted(*self.sorted_by)
        self.endResetModel()

    def _sorted(self, column: int, order: Qt.SortOrder) -> Sequence[Any]:
        if not 0 <= column < len(self.COLUMNS):
            return self._original
        spec = self.COLUMNS[column]
        if spec.field and isinstance(self._original, Rows):  # ordered without building the rows
            return self._original.sorted_by(spec.field, reverse=order == Qt.SortOrder.DescendingOrder)
        key = spec.sort or spec.display
        # Missing values sort last whichever the direction; each key is computed once.
        keyed = [(key(r), r) for r in self._original]
        present = [pair for pair in keyed if pair[0] is not None]
        present.sort(key=lambda pair: pair[0], reverse=order == Qt.SortOrder.DescendingOrder)
        return [r for _, r in present] + [r for k, r in keyed if k is None]

    def row_object(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
        if horizontal and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section].title
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every visible cell and role on each paint: keep the common path short.
        if role not in _ANSWERED or not index.isValid():
            return None
        row_number, column_number = index.row(), index.column()
        if row_number >= len(self._rows) or column_number >= len(self.COLUMNS):
            return None
        row = self._rows[row_number]
        column = self.COLUMNS[column_number]
        if role in _TEXT_ROLES:
            text = column.display(row)
            if role == _TOOLTIP:  # Qt shows a tooltip that looks like HTML as rich text
                return plain_tooltip(text) if text else None
            # A cell is one line: no line break or bidi override from the server forges another.
            return one_line(text)
        if role == Role.ROW:
            return row
        if role == Role.SORT:
            return (column.sort or column.display)(row)
        if role == Role.BADGE:
            if not column.badge:
                return None
            value = (column.badge_value or column.display)(row)
            return (column.badge, value) if value else None
        if column.link and column.link(row):  # ForegroundRole: links look like links
            from PySide6.QtGui import QGuiApplication, QPalette

            return QGuiApplication.palette().color(QPalette.ColorRole.Link)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_rows = [self._rows[i.row()] if i.row() < len(self._rows) else None for i in old]
        self.sorted_by = (column, order) if 0 <= column < len(self.COLUMNS) else None
        self._rows = self._sorted(column, order)
        if old:
            where = {id(r): n for n, r in enumerate(self._rows)}
            new = [
                self.index(where.get(id(r), 0), i.column()) if r is not None else QModelIndex()
                for r, i in zip(old_rows, old, strict=True)
            ]
            self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()


def _lower(text: str | None) -> str | None:
    return text.lower() if text else None


class EmailsModel(RowTableModel):
    NOUN = "email addresses"
    ACTION = ("Write an email", lambda e: formatting.mailto_uri(e.email))
    COLUMNS = (
        Column("Email address", lambda e: e.email, lambda e: e.email.lower(), width=42),
        Column("Type", lambda e: formatting.type_word(e.type), lambda e: _lower(e.type), width=10),
        Column(
            "Status",
            lambda e: "Unsubscribed" if e.is_unsubscribed else "",
            lambda e: e.is_unsubscribed,
            badge="email",
            badge_value=lambda e: "unsubscribed" if e.is_unsubscribed else None,
            width=14,
        ),
    )


class PhonesModel(RowTableModel):
    NOUN = "phone numbers"
    ACTION = ("Call", lambda p: formatting.tel_uri(p.phone))
    COLUMNS = (
        Column("Number", lambda p: p.display, lambda p: p.phone, width=20),
        Column("Type", lambda p: formatting.type_word(p.type), lambda p: _lower(p.type), width=10),
        Column("Country", lambda p: p.country or "", lambda p: p.country, width=8),
        Column(
            "SMS",
            lambda p: "SMS blocked" if p.outbound_sms_blocked else "",
            lambda p: p.outbound_sms_blocked,
            badge="sms",
            badge_value=lambda p: "blocked" if p.outbound_sms_blocked else None,
            width=16,
        ),
        Column("Time zones", lambda p: ", ".join(p.tz_ids), lambda p: ", ".join(p.tz_ids) or None, width=28),
    )


class CallsModel(RowTableModel):
    NOUN = "recent calls"
    ROW_ID = staticmethod(lambda c: c.id)
    DEFAULT_SORT = (0, Qt.SortOrder.DescendingOrder)  # the latest call first
    COLUMNS = (
        Column(
            "Finished",
            lambda c: local_datetime(c.finish_timestamp),
            lambda c: c.finish_timestamp,
            width=21,
            field="finish_timestamp",
        ),
        Column(
            "Duration",
            lambda c: formatting.duration(c.duration),
            lambda c: c.duration,
            width=9,
            field="duration",
        ),
        Column(
            "Status",
            lambda c: badge_text("call", c.status),
            lambda c: c.status or None,
            badge="call",
            badge_value=lambda c: c.status,
            width=16,
        ),
        Column("Dialer", lambda c: c.dialer_id or "", lambda c: c.dialer_id, width=22, internal=True),
        Column("Call id", lambda c: c.id, width=24, internal=True),
    )


class SubscriptionsModel(RowTableModel):
    NOUN = "sequence subscriptions"
    ROW_ID = staticmethod(lambda s: s.subscription_id)
    COLUMNS = (
        Column("Sequence", lambda s: s.sequence_name, lambda s: s.sequence_name.lower() or None, width=30),
        Column(
            "Sequence status",
            lambda s: badge_text("sequence", s.sequence_status),
            lambda s: s.sequence_status or None,
            badge="sequence",
            badge_value=lambda s: s.sequence_status,
            width=16,
        ),
        Column(
            "Subscription",
            lambda s: badge_text("subscription", s.subscription_status),
            lambda s: s.subscription_status or None,
            badge="subscription",
            badge_value=lambda s: s.subscription_status,
            width=16,
        ),
        Column(
            "Reason",
            lambda s: formatting.humanize(s.subscription_status_reason),
            lambda s: s.subscription_status_reason,
            width=26,
        ),
        Column("Started", lambda s: local_datetime(s.start_date), lambda s: s.start_date, width=21),
        Column("Contact email", lambda s: s.contact_email or "", lambda s: _lower(s.contact_email), width=34),
        Column("Created", lambda s: local_datetime(s.date_created), lambda s: s.date_created, width=21),
    )


@dataclass(frozen=True)
class LinkRow:
    """A URL or an integration link, as one row of the Links tab."""

    label: str
    kind: str
    url: str

    @classmethod
    def from_url(cls, url: ContactUrl) -> LinkRow:
        return cls(url.url, formatting.type_word(url.type) or "URL", url.url)

    @classmethod
    def from_integration(cls, link: IntegrationLink) -> LinkRow:
        return cls(link.name or link.url, "Integration", link.url)


def _safe_url(url: str) -> str:
    """A web address as it is, or a mailto: rebuilt for its one address (no query of the
    server's); anything else is not opened."""
    if url.lower().startswith("mailto:"):
        return formatting.mailto_uri(url[len("mailto:") :])
    return url if url.lower().startswith(("https://", "http://")) else ""


class LinksModel(RowTableModel):
    NOUN = "links"
    ACTION = ("Open the link", lambda r: _safe_url(r.url))
    COLUMNS = (
        Column(
            "Link", lambda r: r.label, lambda r: r.label.lower(), link=lambda r: _safe_url(r.url), width=40
        ),
        Column("Kind", lambda r: r.kind, lambda r: r.kind.lower(), width=12),
        Column(
            "Address", lambda r: r.url, lambda r: r.url.lower(), link=lambda r: _safe_url(r.url), width=50
        ),
    )


def _field_value(row: CustomFieldRow) -> str:
    """A datetime field in the rep's time zone and locale, like every other time shown."""
    if row.moments:
        return ", ".join(local_datetime(m) for m in row.moments)
    return row.value


class CustomFieldsModel(RowTableModel):
    """The Details tab: one row per custom field that has a value, named from the schema, in
    the schema's order. A user or contact field shows names; its ids are in the tooltip."""

    NOUN = "custom fields"
    COLUMNS = (
        Column("Field", lambda f: f.name, lambda f: f.name.lower(), width=24),
        Column(
            "Value",
            _field_value,
            lambda f: f.moments[0] if f.moments else f.value.lower(),
            width=50,
        ),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == _TOOLTIP and index.isValid() and index.column() == 1 and index.row() < len(self._rows):
            row = self._rows[index.row()]
            if row.ids:  # the names, then the ids they stand for
                return plain_tooltip(f"{_field_value(row)} ({', '.join(row.ids)})")
        return super().data(index, role)
