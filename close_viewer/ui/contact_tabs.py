"""The tabs under the header: one table (and one model) per kind of row, counts in the titles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from close_viewer.core.model import Contact
    from close_viewer.core.names import Card
    from close_viewer.ui.activity_panel import ActivityPanel
    from close_viewer.ui.table_models import RowTableModel

TABS = (  # title, view objectName, text when empty
    ("Emails", "emailsView", "No email addresses"),
    ("Phones", "phonesView", "No phone numbers"),
    ("Recent calls", "callsView", "No recent calls"),
    ("Subscriptions", "subscriptionsView", "Not in any sequence"),
    ("Links", "linksView", "No URLs or integration links"),
)
DETAILS = ("Details", "customFieldsView", "No custom fields")
ACTIVITY = "Activity"  # the timeline: its own panel (list, filter, details), see activity_panel
MIN_ROWS = 5  # however small the window, this many rows of the table stay visible


class ContactTabs(QTabWidget):
    """Built in two steps like the window: empty pages for the first frame, then
    `build_tables` adds the models and views right after it.

    Signals: open_requested(url), copied(text), passed on from the tables."""

    open_requested = Signal(str)
    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contactTabs")
        self.setAccessibleName("Contact details tabs")
        self.setDocumentMode(True)
        self.titles = [title for title, _, _ in (*TABS, DETAILS)] + [ACTIVITY]
        self.models: list[RowTableModel] = []
        self.activity: ActivityPanel | None = None
        self._details_for = ""  # the contact whose custom fields the Details tab shows
        self._details_card: object = None
        self._pages: list[QVBoxLayout] = []
        for title in self.titles:
            page = QWidget()
            layout = QVBoxLayout(page)
            layout.setContentsMargins(0, 0, 0, 0)
            self._pages.append(layout)
            self.addTab(page, title)  # counts come with a contact

    def build_tables(self) -> None:
        from close_viewer.ui.table_models import (
            CallsModel,
            CustomFieldsModel,
            EmailsModel,
            LinksModel,
            PhonesModel,
            SubscriptionsModel,
        )
        from close_viewer.ui.tables import ContactTableView

        self.models = [
            EmailsModel(self),
            PhonesModel(self),
            CallsModel(self),
            SubscriptionsModel(self),
            LinksModel(self),
            CustomFieldsModel(self),
        ]
        for (title, object_name, empty), model, page in zip(
            (*TABS, DETAILS), self.models, self._pages[: len(self.models)], strict=True
        ):
            view = ContactTableView(model, empty)
            view.setObjectName(object_name)
            view.open_requested.connect(self.open_requested)
            rows = view.verticalHeader().defaultSectionSize() * MIN_ROWS
            header = view.horizontalHeader().sizeHint().height()
            view.setMinimumHeight(rows + header + 2 * view.frameWidth() + 2)
            view.copied.connect(self.copied)
            view.setAccessibleName(title)
            page.addWidget(view)
        from close_viewer.ui.activity_panel import ActivityPanel

        self.activity = ActivityPanel()
        self.activity.open_requested.connect(self.open_requested)
        self.activity.copied.connect(self.copied)
        self.activity.title_changed.connect(lambda text: self._set_title(self.titles.index(ACTIVITY), text))
        self._pages[-1].addWidget(self.activity)

    def current_view(self) -> QWidget | None:
        """The table of the tab on top (for the tab order: field, Fetch, this table)."""
        page = self.currentWidget()
        layout = page.layout() if page is not None else None
        item = layout.itemAt(0) if layout is not None and layout.count() else None
        widget = item.widget() if item is not None else None
        if widget is not None and widget is self.activity:
            return self.activity.view
        return widget

    def show_contact(self, contact: Contact) -> None:
        """Every table gets its rows in one reset each; the titles get their counts."""
        from close_viewer.ui.table_models import LinkRow

        links = [LinkRow.from_url(u) for u in contact.urls]
        links += [LinkRow.from_integration(link) for link in contact.integration_links]
        rows = (contact.emails, contact.phones, contact.recent_calls, contact.subscriptions, links)
        for index, (title, model, items) in enumerate(
            zip(self.titles[: len(rows)], self.models[: len(rows)], rows, strict=True)
        ):
            model.set_rows(items)
            self._set_title(index, f"{title} ({model.rowCount():,})")
        if contact.id != self._details_for:  # another contact: its details are still coming
            self._details_for = contact.id
            self._details_card = None
            self.models[-1].set_rows(())
            self._set_title(len(TABS), f"{DETAILS[0]} (…)" if contact.custom_fields else f"{DETAILS[0]} (0)")

    def _set_title(self, index: int, text: str) -> None:
        if self.tabText(index) != text:  # a new title lays the tab bar out again
            self.setTabText(index, text)

    def show_card(self, card: Card) -> None:
        """The Details tab, once the custom field names have arrived ("not available" if not)."""
        if card is self._details_card:
            return  # the same (cached) card again: nothing to redraw
        self._details_card = card
        details = self.models[-1]
        if card.fields is None:
            details.set_rows(())
            self._set_title(len(TABS), f"{DETAILS[0]} (not available)")
            return
        details.set_rows(card.fields)
        self._set_title(len(TABS), f"{DETAILS[0]} ({details.rowCount():,})")
