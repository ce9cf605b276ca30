"""The Activity tab: the contact's timeline, a filter over it, and the selected activity in full.

The panel only shows; the window asks for pages (`load_more_requested`,
`retry_requested`) and hands back what came (`add_page`, `show_failure`, `stopped`).
The details pane is a QPlainTextEdit: whatever an email body holds, it is shown as
text, never as HTML. The tab's title says what is loaded ("Activity (50+)").

objectNames: activityView (the list), activityDetails, activityTypeFilter,
activityFilter, activityLoadMore, activityRecording, activityError (with Try again),
activityStatus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from close_viewer.core.activity import FILTERS
from close_viewer.core.text import BLOCK_LIMIT, one_line, plain_block
from close_viewer.ui.activity_model import ActivityModel, when_text
from close_viewer.ui.banner import Banner
from close_viewer.ui.tables import ContactTableView

if TYPE_CHECKING:
    from collections.abc import Mapping

    from PySide6.QtGui import QResizeEvent

    from close_viewer.core.activity import Activity, ActivityPage
    from close_viewer.core.errors import CloseViewerError
    from close_viewer.core.paging import ActivityCursor

TITLE = "Activity"
SIDE_BY_SIDE_WIDTH = 1100  # wider than this, the details stand beside the list
PANE_LIMIT = BLOCK_LIMIT + 1_000  # the details (cut to BLOCK_LIMIT when parsed) and their head


class ActivityPanel(QWidget):
    """Signals: load_more_requested(), retry_requested(), open_requested(url), copied(text),
    title_changed(text)."""

    load_more_requested = Signal()
    retry_requested = Signal()
    open_requested = Signal(str)
    copied = Signal(str)
    title_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activityPanel")
        self.model = ActivityModel(self)
        self.contact_id = ""
        self.has_more = False
        self.loading = False
        self.next_cursor: ActivityCursor | None = None  # where the next page starts
        self.view = ContactTableView(self.model, "No activity yet")
        self.view.setObjectName("activityView")
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)  # a summary reads from its start
        self.view.setAccessibleName("Activity")
        self.view.open_requested.connect(self.open_requested)
        self.view.copied.connect(self.copied)
        self.view.selectionModel().selectionChanged.connect(self._selected)
        self.view.verticalScrollBar().valueChanged.connect(self._scrolled)

        self.types = QComboBox()
        self.types.setObjectName("activityTypeFilter")
        self.types.setAccessibleName("Show activity of type")
        for words, _ in FILTERS:
            self.types.addItem(words)
        self.types.currentIndexChanged.connect(self._filter_changed)
        self.text_filter = QLineEdit()
        self.text_filter.setObjectName("activityFilter")
        self.text_filter.setPlaceholderText("Filter loaded activity…")
        self.text_filter.setAccessibleName("Filter loaded activity")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.textChanged.connect(self._filter_changed)
        self.status = QLabel()
        self.status.setObjectName("activityStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 4, 0, 4)
        bar.addWidget(QLabel("Show"))
        bar.addWidget(self.types)
        bar.addWidget(self.text_filter, 1)
        bar.addWidget(self.status)

        self.error = Banner("error")
        self.error.setObjectName("activityError")
        self.error.retry_requested.connect(self.retry_requested)

        self.details = QPlainTextEdit()
        self.details.setObjectName("activityDetails")
        self.details.setAccessibleName("Activity details")
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("Select an activity to read it in full here.")
        self.recording = QPushButton("Open recording")
        self.recording.setObjectName("activityRecording")
        self.recording.hide()
        self.recording.clicked.connect(self._open_recording)
        details_box = QWidget()
        details_layout = QVBoxLayout(details_box)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(self.details, 1)
        details_layout.addWidget(self.recording, 0, Qt.AlignmentFlag.AlignLeft)

        list_box = QWidget()
        list_layout = QVBoxLayout(list_box)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.view, 1)
        self.load_more = QPushButton("Load more")
        self.load_more.setObjectName("activityLoadMore")
        self.load_more.setAccessibleName("Load more activity")
        self.load_more.clicked.connect(self._ask_more)
        self.load_more.hide()
        list_layout.addWidget(self.load_more, 0, Qt.AlignmentFlag.AlignLeft)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(list_box)
        self.splitter.addWidget(details_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(self.splitter, 1)

    # --- what the window tells it ----------------------------------------------------

    def start(self, contact_id: str, has_lead: bool) -> None:
        """A new contact: forget the last one's timeline; say why there is none if no lead."""
        self.contact_id = contact_id
        self.model.clear()
        self.details.clear()
        self.recording.hide()
        self.error.hide()
        self.has_more = False
        self.next_cursor = None
        self.load_more.hide()
        if has_lead:
            self.loading = True
            self.status.setText("Loading…")
            self._set_title(f"{TITLE} (…)")
        else:
            self.loading = False
            self.status.setText("")
            self.view.empty_text = "This contact is not on a lead, so Close has no activity for it."
            self.view.viewport().update()
            self._set_title(f"{TITLE} (0)")
            return
        self.view.empty_text = "Loading activity…"
        self.view.viewport().update()

    def add_page(self, page: ActivityPage) -> None:
        self.loading = False
        self.error.hide()
        self.model.add(page.activities)
        self.has_more = page.has_more
        self.next_cursor = page.next
        self.view.empty_text = "No activity yet"
        self._update_counts()
        if not self.view.currentIndex().isValid() and self.model.rowCount():
            self.view.selectRow(0)

    def show_failure(self, error: CloseViewerError) -> None:
        """The tab says why; what was loaded stays."""
        self.loading = False
        self.error.show_message(
            error.title, f"Activity could not be loaded: {error.message}", error.hint, retry=True
        )
        self.view.empty_text = "Activity could not be loaded."
        self.view.viewport().update()
        self._update_counts()

    def stopped(self) -> None:
        """Loading was cancelled (a newer lookup): what was loaded stays."""
        if self.loading:
            self.loading = False
            self._update_counts()

    def set_names(self, names: Mapping[str, str] | None) -> None:
        self.model.set_names(names)

    @property
    def loaded(self) -> int:
        return len(self.model.loaded)

    # --- inside ------------------------------------------------------------------------

    def _update_counts(self) -> None:
        count = self.loaded
        more = "+" if self.has_more else ""
        self._set_title(f"{TITLE} ({count:,}{more})")
        shown = self.model.rowCount()
        words = f"{count:,} loaded" + (", more in Close" if self.has_more else "")
        if self.model.filtered:
            words = f"{shown:,} of {words}"
        self.status.setText(words if count else "")
        self.load_more.setVisible(self.has_more and not self.loading)
        self.load_more.setEnabled(True)

    def _set_title(self, text: str) -> None:
        self.title_changed.emit(text)

    def _ask_more(self) -> None:
        if self.has_more and not self.loading:
            self.loading = True
            self.load_more.setEnabled(False)
            self.status.setText(f"{self.loaded:,} loaded, loading more…")
            self.load_more_requested.emit()

    def _scrolled(self, value: int) -> None:
        bar = self.view.verticalScrollBar()
        if value and value == bar.maximum():  # the end of the list: the next page, unasked
            self._ask_more()

    def _filter_changed(self) -> None:
        selected = self._current()
        types = FILTERS[max(0, self.types.currentIndex())][1]
        self.model.set_filter(types, self.text_filter.text())
        self._update_counts()
        row = self._row_of(selected)
        if row >= 0:
            self.view.selectRow(row)
        elif self.model.rowCount():
            self.view.selectRow(0)
        else:
            self._show_details(None)

    def _row_of(self, activity: Activity | None) -> int:
        if activity is None:
            return -1
        for row in range(self.model.rowCount()):
            if self.model.row_object(row) is activity:
                return row
        return -1

    def _current(self) -> Activity | None:
        index = self.view.currentIndex()
        return self.model.row_object(index.row()) if index.isValid() else None

    def _selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = selected.indexes()
        self._show_details(self.model.row_object(rows[0].row()) if rows else self._current())

    def _show_details(self, activity: Activity | None) -> None:
        if activity is None:
            self.details.clear()
            self.recording.hide()
            return
        direction = {"in": "incoming", "out": "outgoing"}.get(activity.direction, "")
        head = " · ".join(p for p in (one_line(activity.kind, 80), direction, when_text(activity)) if p)
        by = f"By: {one_line(activity.user_name, 120)}" if activity.user_name else ""
        text = "\n".join(p for p in (head, by, "", activity.details) if p is not None)
        # Bounded whatever the activity holds: Qt lays out a long line in one piece, and
        # a 1 MB one-word note took seconds at every selection.
        self.details.setPlainText(plain_block(text, PANE_LIMIT))
        self.recording.setVisible(bool(self.model.row_action(self._row_of(activity))))

    def _open_recording(self) -> None:
        action = self.model.row_action(self._row_of(self._current()))
        if action is not None:
            self.open_requested.emit(action[1])

    def resizeEvent(self, event: QResizeEvent) -> None:
        size = event.size()
        # Beside the list when there is room across, or when there is little room down
        # (a short window would leave the list a row or two).
        wide = size.width() > SIDE_BY_SIDE_WIDTH or (
            size.width() >= 900 and size.width() > 2.5 * size.height()
        )
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.splitter.orientation() != orientation:
            self.splitter.setOrientation(orientation)
            length = event.size().width() if wide else event.size().height()
            self.splitter.setSizes([length * 2 // 3, length - length * 2 // 3])
        super().resizeEvent(event)
