"""A non-modal message strip inside the window: errors with their remedy, or a notice."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from close_viewer.core.text import one_line
from close_viewer.ui.style import widget_style

MESSAGE_LIMIT = 1000


class Banner(QFrame):
    """Shows a title, a message and a hint. An error replaces the one shown (it belongs to
    the latest lookup); a notice waits its turn behind the one shown, which says how many
    wait, and shows once that one is dismissed. Signals: retry_requested(), dismissed()."""

    retry_requested = Signal()
    dismissed = Signal()

    def __init__(self, kind: str = "error", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self._waiting: list[tuple[str, str, str]] = []  # notices behind the one shown
        self._shown: tuple[str, str, str] = ("", "", "")
        self.setProperty("kind", kind)
        self.setStyleSheet(widget_style())
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Error message" if kind == "error" else "Notice")
        self._title = QLabel()
        self._title.setObjectName("bannerTitle")
        self._title.setTextFormat(Qt.TextFormat.PlainText)
        self._message = QLabel()
        self._message.setObjectName("bannerMessage")
        self._message.setTextFormat(Qt.TextFormat.PlainText)  # messages may quote the server
        self._message.setWordWrap(True)
        self._message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._retry = QPushButton("Try again")
        self._retry.setAccessibleName("Try again")
        self._retry.clicked.connect(self.retry_requested)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.setAccessibleName("Dismiss message")
        close.setAutoRaise(True)
        close.clicked.connect(self.dismiss)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self._title)
        text.addWidget(self._message)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 8, 8)
        row.addLayout(text, 1)
        row.addWidget(self._retry, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    @property
    def title(self) -> str:
        """The title of the message shown (without the count of notices waiting)."""
        return one_line(self._shown[0], 120)

    @property
    def titles(self) -> list[str]:
        """The titles of the notice shown and of those waiting, in turn."""
        shown = [self.title] if self.isVisible() else []
        return shown + [one_line(title, 120) for title, _m, _h in self._waiting]

    @property
    def message(self) -> str:
        return self._message.text()

    def show_message(self, title: str, message: str, hint: str = "", retry: bool = False) -> None:
        notice = (title, message, hint)
        if self.kind == "notice" and self.isVisible() and notice != self._shown:
            if notice not in self._waiting:
                self._waiting.append(notice)
                self._title.setText(self._title_with_count(self._shown[0]))
            return
        self._shown = notice
        # The message and the hint are one line each (they may quote the server: a line
        # break or a bidi override in a name would forge a line of the app's own).
        self._title.setText(self._title_with_count(title))
        self._message.setText(f"{one_line(message, MESSAGE_LIMIT)}\n{one_line(hint, MESSAGE_LIMIT)}".strip())
        self._retry.setVisible(retry)
        self.setAccessibleDescription(one_line(f"{title}. {message} {hint}", 2 * MESSAGE_LIMIT))
        self.show()

    def _title_with_count(self, title: str) -> str:
        more = len(self._waiting)
        return one_line(title, 120) + (
            "  (1 more notice)" if more == 1 else f"  ({more} more notices)" if more else ""
        )

    def dismiss(self) -> None:
        if self._waiting:  # the next notice
            self.hide()
            self.show_message(*self._waiting.pop(0))
            return
        if self.isVisible():
            self.hide()
            self.dismissed.emit()
