"""The results list under the contact field: one row per matching contact.

Enter or a double-click opens the selected contact (`chosen`), Esc closes the list
(`closed`). Rows come from a search (SearchPage) or a lead (LeadContacts).

A search with more matches than one page ends in a "Load more" row: Enter, a click, or
scrolling to the end of the list asks for the next page (`more_requested`), whose new
matches are added below (never twice). `follow_search_pages` ties the list to the lookup
controller, which asks Close with its cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from close_viewer.core.search_model import Match, SearchPage
from close_viewer.core.text import one_line
from close_viewer.ui.table_models import Column, Index, RowTableModel
from close_viewer.ui.tables import set_up_row_view

if TYPE_CHECKING:
    from close_viewer.ui.lookup import LookupController

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

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.footer = ""  # the last row's words ("Load more…"), or "" for no such row

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.footer = ""  # a new list: no page of the old one follows
        super().set_rows(rows)

    def add_rows(self, matches: Sequence[Match]) -> int:
        """Append the matches not shown yet (above the footer); how many were new."""
        shown = {getattr(m, "contact_id", None) for m in self._rows}
        new: list[Match] = []
        for match in matches:
            if match.contact_id not in shown:
                shown.add(match.contact_id)
                new.append(match)
        if new:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
            self._rows = self._original = (*self._rows, *new)
            self.endInsertRows()
        return len(new)

    def set_footer(self, words: str) -> None:
        row = len(self._rows)
        if words and not self.footer:
            self.beginInsertRows(QModelIndex(), row, row)
            self.footer = words
            self.endInsertRows()
        elif self.footer and not words:
            self.beginRemoveRows(QModelIndex(), row, row)
            self.footer = ""
            self.endRemoveRows()
        elif words != self.footer:
            self.footer = words
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def is_footer(self, row: int) -> bool:
        return bool(self.footer) and row == len(self._rows)

    def row_object(self, row: int) -> Any:
        return None if self.is_footer(row) else super().row_object(row)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows) + (1 if self.footer else 0)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not (index.isValid() and self.is_footer(index.row())):
            return super().data(index, role)
        text_roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
        if index.column() == 0 and role in text_roles:
            return self.footer
        if role == Qt.ItemDataRole.FontRole:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setItalic(True)
            return font
        return None


class SearchResultsView(QTableView):
    """Signals: chosen(row: a Match, or the model's row), closed().

    The recent contacts list is this view over another model (see `recent`)."""

    chosen = Signal(object)
    closed = Signal()
    more_requested = Signal()

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
        self.clicked.connect(self._clicked)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self._more = ""  # "" (no more), "more", "loading" or "failed"
        self._total: int | None = None
        self.hide()

    def show_matches(self, matches: tuple[Match, ...], take_focus: bool) -> None:
        """Show the rows with the first selected; focus the list only when asked (after Enter)."""
        self._more, self._total = "", None
        self.clearSpans()
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

    # --- pages -------------------------------------------------------------------------

    def count_words(self) -> str:
        """How many match: the total when Close said it, else "N+" while more remain."""
        shown = self.results.rowCount() - (1 if getattr(self.results, "footer", "") else 0)
        if not self._more:
            return f"{shown} contacts match"
        if self._total is not None and self._total >= shown:
            return f"{shown} of {self._total} matching contacts shown"
        return f"{shown}+ contacts match"

    def page_listed(self, page: SearchPage) -> None:
        """The list shown is a search that continues: end it with a "Load more" row."""
        self._total = page.total
        self._set_more("more" if page.cursor else "")

    def add_page(self, page: SearchPage) -> None:
        """The next page: its new matches below the others; the row that was current stays,
        or, if it was "Load more", the first new match becomes current."""
        if not self._more or not isinstance(self.results, SearchResultsModel):
            return  # the list shows something else now
        was_footer = self._on_footer(self.currentIndex().row())
        first_new = self.results.rowCount() - 1
        added = self.results.add_rows(page.matches)
        if page.total is not None:
            self._total = page.total
        self._set_more("more" if page.cursor else "")
        if was_footer and added:
            self.selectRow(first_new)
            self.setCurrentIndex(self.results.index(first_new, 0))

    def page_failed(self, message: str) -> None:
        if self._more:
            self._set_more("failed", message)

    def page_stopped(self) -> None:
        if self._more == "loading":
            self._set_more("more")

    def no_more_pages(self) -> None:
        if self._more:
            self._set_more("")

    def _set_more(self, state: str, message: str = "") -> None:
        if not isinstance(self.results, SearchResultsModel):
            return  # the recent contacts list: never paged
        self._more = state
        count = self.count_words()
        words = {
            "": "",
            "more": f"Load more matches… ({count})",
            "loading": f"Loading more matches… ({count})",
            "failed": f"More matches could not be loaded: {one_line(message, 120)} Press Enter to try again.",
        }[state]
        self.results.set_footer(words)
        self.clearSpans()
        if words:
            self.setSpan(self.results.rowCount() - 1, 0, 1, len(self.results.COLUMNS))
        self.setAccessibleDescription(count)

    def request_more(self) -> None:
        """Ask for the next page (unless one is on its way or there is none)."""
        if self._more in ("more", "failed"):
            self._set_more("loading")
            self.more_requested.emit()

    def _on_footer(self, row: int) -> bool:
        """Is `row` the "Load more" row (the recent contacts list, another model, has none)?"""
        return isinstance(self.results, SearchResultsModel) and self.results.is_footer(row)

    def _scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        if self._more == "more" and bar.maximum() > 0 and value >= bar.maximum() and self.isVisible():
            self.request_more()  # scrolled to the end: the next page comes by itself

    def _clicked(self, index: QModelIndex) -> None:
        if self._on_footer(index.row()):
            self.request_more()

    def _choose(self, index: QModelIndex | None = None) -> None:
        if self._on_footer(self.currentIndex().row()):
            self.request_more()
            return
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
        if event.key() in (Qt.Key.Key_Home, Qt.Key.Key_End) and not event.modifiers():
            # A list: Home and End go to the first and the last row ("Load more"), not column.
            event = QKeyEvent(event.type(), event.key(), Qt.KeyboardModifier.ControlModifier)
        super().keyPressEvent(event)


def follow_search_pages(
    view: SearchResultsView, lookups: LookupController, say: Callable[[str, int], None]
) -> None:
    """Tie the results list to the controller's next pages; `say(words, ms)` shows the count
    (the status bar's showMessage)."""

    def listed(page: SearchPage) -> None:
        view.page_listed(page)
        say(f"{view.count_words()}: choose one with the arrows and Enter.", 10_000)

    def added(page: SearchPage) -> None:
        view.add_page(page)
        say(f"{view.count_words()}.", 10_000)

    def ask() -> None:
        if not lookups.more_matches():
            view.no_more_pages()

    lookups.search_listed.connect(listed)
    lookups.more_matches_ready.connect(added)
    lookups.more_matches_failed.connect(lambda error: view.page_failed(getattr(error, "message", str(error))))
    lookups.more_matches_stopped.connect(view.page_stopped)
    view.more_requested.connect(ask)
