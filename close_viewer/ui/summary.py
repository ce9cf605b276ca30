"""The summary above the tabs: best email, best phone with their local time, sequences, last
call; each with its one-click action. Words wrap rather than push the tables off screen."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

from close_viewer.core.model import Contact
from close_viewer.core.summary import summarize
from close_viewer.core.text import one_line
from close_viewer.ui.badges import badge_text


class ContactSummary(QWidget):
    """Signals: open_requested(url)."""

    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contactSummary")
        self.setAccessibleName("Summary")
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 0, 4, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        self.labels: dict[str, QLabel] = {}
        self._urls: dict[str, str] = {}
        self.buttons: dict[str, QPushButton] = {}
        rows = (("email", "Email:", "Write"), ("phone", "Phone:", "Call"), ("sequence", "Sequence:", ""))
        for row, (name, caption, action) in enumerate((*rows, ("call", "Last call:", ""))):
            grid.addWidget(QLabel(caption), row, 0, Qt.AlignmentFlag.AlignTop)
            label = QLabel()
            label.setObjectName(f"summary_{name}")
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(label, row, 1)
            self.labels[name] = label
            if action:
                button = QPushButton(action)
                button.setObjectName(f"summary_{name}_action")
                button.setAccessibleName(f"{action} ({name})")
                button.clicked.connect(lambda _=False, n=name: self._open(n))
                grid.addWidget(button, row, 2, Qt.AlignmentFlag.AlignTop)
                self.buttons[name] = button
        grid.setColumnStretch(1, 1)
        self.hide()

    def _open(self, name: str) -> None:
        url = self._urls.get(name)
        if url:
            self.open_requested.emit(url)

    def set_contact(self, contact: Contact) -> None:
        summary = summarize(contact)
        email = " · ".join(p for p in (one_line(summary.email, 120), summary.email_note) if p)
        self.labels["email"].setText(email)
        self._urls["email"] = summary.email_uri
        self.labels["phone"].setText(
            " · ".join(p for p in (one_line(summary.phone, 60), summary.call_note) if p)
        )
        self._urls["phone"] = summary.phone_uri
        self.labels["sequence"].setText(one_line(summary.sequence, 200))
        status = badge_text("call", summary.last_call_status) if summary.last_call_status else ""
        self.labels["call"].setText(" · ".join(p for p in (status, summary.last_call) if p))
        for name, button in self.buttons.items():
            button.setEnabled(bool(self._urls.get(name)))
        self.show()
