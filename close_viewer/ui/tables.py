"""The table view every tab uses: empty-state text, copy, a context menu, row actions."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import (
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from close_viewer.core.text import one_line
from close_viewer.ui.badges import StatusBadgeDelegate
from close_viewer.ui.table_models import Role, RowTableModel


def set_up_row_view(view: QTableView, row_padding: int = 12) -> None:
    """What every table of rows here shares: whole-row selection, read-only, no grid,
    alternating rows, fixed row heights (no per-row measuring), left-aligned headers."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setShowGrid(False)
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # both ends of an address stay readable
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(QFontMetrics(view.font()).height() + row_padding)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class ContactTableView(QTableView):
    """A sortable, read-only view of one RowTableModel. Enter or a double-click runs the
    row's action (write an email, call, open the link); the context menu copies the value
    or the row. Signals: open_requested(url), copied(text)."""

    open_requested = Signal(str)
    copied = Signal(str)

    def __init__(self, model: RowTableModel, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_text = empty_text
        self.setModel(model)
        badges = StatusBadgeDelegate(Role.BADGE, self)
        for column, spec in enumerate(model.COLUMNS):  # only badge columns pay for the Python painter
            if spec.badge:
                self.setItemDelegateForColumn(column, badges)
        set_up_row_view(self)  # fixed row heights: 10,000 rows cost nothing to lay out
        # Always there, so going from a short contact to a long one (or back) does not
        # resize the viewport and repaint the whole table a second time.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        if model.DEFAULT_SORT is None:
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # Close's own order until asked
        else:
            header.setSortIndicator(*model.DEFAULT_SORT)
        header.setSortIndicatorClearable(True)
        self.setSortingEnabled(True)
        char = QFontMetrics(self.font()).averageCharWidth()
        for column, spec in enumerate(model.COLUMNS):
            self.setColumnWidth(
                column, max(spec.width * char + 16, header.sectionSizeFromContents(column).width())
            )
        for column, spec in enumerate(model.COLUMNS):
            self.setColumnHidden(column, spec.internal)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(
            lambda point: self.columns_menu().popup(header.mapToGlobal(point))
        )
        self.activated.connect(self._activate)  # Enter or double-click; a single click only selects
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)

    def columns_menu(self) -> QMenu:
        """The header's menu: turn columns on and off (internal ids are off at first)."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for column, spec in enumerate(self.model().COLUMNS):
            action = menu.addAction(spec.title)
            action.setCheckable(True)
            action.setChecked(not self.isColumnHidden(column))
            action.toggled.connect(lambda on, c=column: self.setColumnHidden(c, not on))
        return menu

    def _activate(self, index: QModelIndex) -> None:
        action = self.model().row_action(index.row()) if index.isValid() else None
        if action is not None:
            self.open_requested.emit(action[1])

    def _copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.copied.emit(text)

    def _menu(self, point: QPoint) -> None:
        index = self.indexAt(point)
        if index.isValid():
            self.context_menu(index).popup(self.viewport().mapToGlobal(point))

    def context_menu(self, index: QModelIndex) -> QMenu:
        """Copy this value, copy the row, and the row's action."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        value = one_line(index.data(), 10_000)
        row = self._row_text(index.row())
        menu.addAction("Copy", lambda: self._copy(value)).setEnabled(bool(value))
        menu.addAction("Copy row", lambda: self._copy(row))
        row_id = one_line(self.model().row_id(index.row()), 200)
        if row_id:  # internal ids are not shown as data, but stay one click away
            menu.addAction("Copy id", lambda: self._copy(row_id))
        action = self.model().row_action(index.row())
        if action is not None:
            menu.addSeparator()
            menu.addAction(action[0], lambda: self.open_requested.emit(action[1]))
        return menu

    def _row_text(self, row: int) -> str:
        model = self.model()
        return "\t".join(one_line(model.index(row, c).data()) for c in range(model.columnCount()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):  # the value of the current cell alone
            current = self.currentIndex()
            text = one_line(current.data(), 10_000) if current.isValid() else ""
            if text:
                self._copy(text)
            event.accept()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.model().rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(
                self.palette().color(self.palette().ColorGroup.Disabled, self.palette().ColorRole.Text)
            )
            painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            painter.end()
