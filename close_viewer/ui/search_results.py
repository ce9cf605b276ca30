"""The results list under the contact field: one row per matching contact.

Enter or a double-click opens the selected contact (`chosen`), Esc closes the list
(`closed`). Rows come from a search (SearchPage) or a lead (LeadContacts).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from close_viewer.core.search_model import Match
from close_viewer.ui.table_models import Column, RowTableModel
from close_viewer.ui.tables import set_up_row_view

VISIBLE_ROWS = 6
COMPANY = 2


class SearchResultsModel(RowTableModel):
    NOUN = "matching contacts"
    COLUMNS = (
        Column("Name", lambda m: m.name or "(no name)", lambda m: m.name.lower(), width=34),
        Column("Title", lambda m: m.title, lambda m: m.title.lower() or None, width=24),
        Column("Company", lambda m: m.company, lambda m: m.company.lower() or None, width=22),
        Column("Email", lambda m: m.email, lambda m: m.email.lower() or None, width=32),
        Column("Phone", lambda m: m.phone, lambda m: m.phone or None, width=16),
    )


class SearchResultsView(QTableView):
    """Signals: chosen(row: a Match, or the model's row), closed().

    The recent contacts list is this view over another model (see `recent`)."""

    chosen = Signal(object)
    closed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        model: RowTableModel | None = None,
        name: str = "searchResults",
        words: str = "Matching contacts",
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(words)
        self.results = model if model is not None else SearchResultsModel(self)
        self.results.setParent(self)
        self.setModel(self.results)
        set_up_row_view(self, row_padding=10)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        row_height = self.verticalHeader().defaultSectionSize()
        header = self.horizontalHeader()
        width = QFontMetrics(self.font()).averageCharWidth()
        for column, spec in enumerate(self.results.COLUMNS):
            self.setColumnWidth(column, spec.width * width)
        self.setMaximumHeight(row_height * VISIBLE_ROWS + header.sizeHint().height() + 4)
        self.doubleClicked.connect(self._choose)
        self.hide()

    def show_matches(self, matches: tuple[Match, ...], take_focus: bool) -> None:
        """Show the rows with the first selected; focus the list only when asked (after Enter)."""
        self.results.set_rows(matches)
        # A search answer carries no company name: no empty column then (a lead's list has one).
        self.setColumnHidden(COMPANY, not any(getattr(m, "company", "") for m in matches))
        self.show()
        if matches:
            self.selectRow(0)
            self.setCurrentIndex(self.results.index(0, 0))
        if take_focus:
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def selected_match(self) -> Any:
        index = self.currentIndex()
        return self.results.row_object(index.row()) if index.isValid() else None

    def _choose(self, index: QModelIndex | None = None) -> None:
        match = self.selected_match()
        if match is not None:
            self.chosen.emit(match)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._choose()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            self.closed.emit()
            event.accept()
            return
        super().keyPressEvent(event)
