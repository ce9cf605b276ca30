"""The top of a contact: name, title, ids, lead link, local time, created/updated."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, QLocale, QTime, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from close_viewer.core.text import one_line, plain_tooltip

if TYPE_CHECKING:
    from datetime import datetime

    from close_viewer.core.model import Contact
    from close_viewer.core.names import Card

NAME_STYLE = "font-size: 17pt; font-weight: 600;"
TITLE_STYLE = "font-size: 11pt;"
NAME_LIMIT = 120


class ContactHeader(QWidget):
    """Shows one Contact's identity; the ids are selectable and the contact id has a Copy button.

    Part of the window's first frame, so building it touches no `Qt.` enum (loading
    that namespace costs about 10 ms): `make_plain` makes its labels plain text right
    after the first paint, before any server text, still without that namespace (the
    start-up lookup's answer is shown next); `make_interactive` sets the selection flags
    once the rest of the window is built.
    """

    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contactHeader")
        self.setAccessibleName("Contact details")
        self.contact: Contact | None = None

        self.name_label = QLabel()
        self.name_label.setObjectName("contactName")
        self.name_label.setStyleSheet(NAME_STYLE)
        self.name_label.setWordWrap(True)
        self.name_label.setAccessibleName("Contact name")
        # A name, title or value with no spaces (a hostile or broken one) is clipped, not
        # allowed to make the window wider than the screen.
        self.name_label.setMinimumWidth(1)
        self.stale_label = QLabel()
        self.stale_label.setObjectName("staleBadge")
        self.stale_label.setAccessibleName("Out of date")
        self.stale_label.hide()
        self.title_label = QLabel()
        self.title_label.setObjectName("contactTitle")
        self.title_label.setStyleSheet(TITLE_STYLE)
        self.title_label.setWordWrap(True)
        self.title_label.setAccessibleName("Job title")
        self.title_label.setMinimumWidth(1)

        self.id_label = self._value("Contact id")
        copy = QToolButton()
        copy.setText("Copy")
        copy.setToolTip("Copy the contact id")
        copy.setAccessibleName("Copy contact id")
        copy.clicked.connect(self.copy_id)
        self.lead_label = self._value("Company")
        self.lead_label.setObjectName("contactCompany")
        self.open_button = QPushButton("Open in Close")
        self.open_button.setObjectName("openInCloseButton")
        self.open_button.setAccessibleName("Open the lead in Close")
        self.open_button.setToolTip("Open this contact's lead in Close, in your browser")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open_in_close)
        self.card: Card | None = None
        self.showing_previous = False
        self.timezone_label = self._value("Time zone")
        self.created_label = self._value("Created")
        self.updated_label = self._value("Updated")

        name_row = QHBoxLayout()
        name_row.addWidget(self.name_label, 1)
        name_row.addWidget(self.stale_label, 0)
        id_row = QHBoxLayout()
        id_row.setSpacing(6)
        id_row.addWidget(self.id_label)
        id_row.addWidget(copy)
        id_row.addStretch(1)

        details = QGridLayout()
        details.setHorizontalSpacing(10)
        details.setVerticalSpacing(4)
        details.addWidget(QLabel("Contact id:"), 0, 0)
        details.addLayout(id_row, 0, 1)
        details.addWidget(QLabel("Company:"), 1, 0)
        details.addWidget(self.lead_label, 1, 1)
        details.addWidget(self.open_button, 2, 1)
        details.addWidget(QLabel("Time zone:"), 0, 3)
        details.addWidget(self.timezone_label, 0, 4)
        details.addWidget(QLabel("Created:"), 1, 3)
        details.addWidget(self.created_label, 1, 4)
        details.addWidget(QLabel("Updated:"), 2, 3)
        details.addWidget(self.updated_label, 2, 4)
        details.setColumnMinimumWidth(2, 24)
        details.setColumnStretch(1, 1)
        details.setColumnStretch(4, 1)
        self._name_row = name_row

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(name_row)
        layout.addWidget(self.title_label)
        layout.addSpacing(6)
        layout.addLayout(details)

        self._clock = QTimer(self)
        self._clock.setInterval(30_000)
        self._clock.timeout.connect(self._update_times)
        self.show_placeholder()

    def _value(self, name: str) -> QLabel:
        label = QLabel()
        label.setAccessibleName(name)
        label.setMinimumWidth(1)  # a long value is clipped, never widens the window
        return label

    def make_plain(self) -> None:
        """Server text is never markup: "<img src=…>" or nested tables as a name would
        otherwise be loaded and laid out by Qt's rich-text engine. Set through the property
        (0 is Qt.TextFormat.PlainText) so that the `Qt` namespace is not loaded yet."""
        for label in self.plain_labels():
            label.setProperty("textFormat", 0)

    def make_interactive(self) -> None:
        """Selectable text and a clickable lead link (once the window is whole, see class doc)."""
        from PySide6.QtCore import Qt

        selectable = Qt.TextInteractionFlag.TextSelectableByMouse
        for label in (self.name_label, self.id_label, self.lead_label, self.timezone_label):
            label.setTextInteractionFlags(selectable)
        self.open_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        for label in (self.created_label, self.updated_label):
            label.setTextInteractionFlags(selectable)
        from close_viewer.ui.style import widget_style

        self.stale_label.setStyleSheet(widget_style())
        self._name_row.setAlignment(self.stale_label, Qt.AlignmentFlag.AlignTop)

    def plain_labels(self) -> tuple[QLabel, ...]:
        """Every label that shows server text."""
        return (
            self.name_label,
            self.title_label,
            self.id_label,
            self.lead_label,
            self.timezone_label,
            self.created_label,
            self.updated_label,
        )

    def show_placeholder(self) -> None:
        self.name_label.setText("No contact loaded")
        self.title_label.setText(
            "Type a name, an email address or a phone number above, or paste a Close link, and press Enter."
        )
        for label in (self.id_label, self.lead_label, self.timezone_label):
            label.setText("—")
        self.created_label.setText("—")
        self.updated_label.setText("—")

    def set_contact(self, contact: Contact) -> None:
        self.contact = contact
        self.set_stale(None)
        # Every label here is one line of server text: no line break or bidi override in it.
        self.name_label.setText(one_line(contact.shown_name, NAME_LIMIT))
        self.name_label.setToolTip(
            plain_tooltip(contact.shown_name) if len(contact.shown_name) > NAME_LIMIT else ""
        )
        self.title_label.setText(one_line(contact.title or ""))
        self.title_label.setVisible(bool(contact.title))
        self.id_label.setText(one_line(contact.id, 80))
        if self.card is not None and self.card.contact_id == contact.id:
            pass  # the same contact again: keep its names until the fresh card arrives
        else:
            self.card = None
            self.lead_label.setText("loading…" if contact.lead_id else "—")
        self.open_button.setEnabled(bool(contact.lead_id))
        self.open_button.setToolTip(plain_tooltip(self.lead_url()) if contact.lead_id else "")
        self._update_times()
        self._clock.start()

    def set_card(self, card: Card) -> None:
        """Names instead of ids, once they arrive (never delaying the contact itself)."""
        if self.contact is None or card.contact_id != self.contact.id:
            return  # for a contact no longer shown
        if card is self.card:
            return  # the same (cached) card: the header shows it already
        from close_viewer.core.names import NOT_AVAILABLE

        self.card = card
        if self.contact.lead_id:
            if card.lead is None:
                self.lead_label.setText(NOT_AVAILABLE)
            else:
                company = " · ".join(p for p in (card.lead.name, card.lead.status) if p)
                self.lead_label.setText(one_line(company, 120) or NOT_AVAILABLE)
            self.open_button.setToolTip(plain_tooltip(self.lead_url()))
        self._update_times()

    def lead_url(self) -> str:
        """The lead's page in Close, built from the lead id on Close's own host (never a
        host the server names)."""
        from close_viewer.core.names import lead_link  # (not on the way to the first paint)

        return lead_link(self.contact.lead_id if self.contact else "")

    def _open_in_close(self) -> None:
        if self.contact is not None and self.contact.lead_id:
            self.open_requested.emit(self.lead_url())

    def mark_previous(self, loading: bool) -> None:
        """While another lookup is slow to answer, say that this is the previous contact."""
        if loading and self.contact is not None:
            self.stale_label.setText("Previous contact · loading the next…")
            self.stale_label.setToolTip("A new lookup is running; this is what was shown before it.")
            self.stale_label.show()
            self.showing_previous = True
        elif self.showing_previous:
            self.stale_label.hide()
            self.showing_previous = False

    def mark_saved(self, saved_at: datetime, refreshing: bool, company: str = "") -> None:
        """A saved copy is on screen: "Saved copy from 14:02 · refreshing…" (or, once the
        refresh failed, "· not refreshed")."""
        from close_viewer.ui.dates import local_datetime

        qt = QDateTime.fromMSecsSinceEpoch(int(saved_at.timestamp() * 1000))
        today = qt.date() == QDateTime.currentDateTime().date()
        when = (
            QLocale().toString(qt.time(), QLocale.FormatType.ShortFormat)
            if today
            else local_datetime(saved_at, this_year_short=True)
        )
        state = "refreshing…" if refreshing else "not refreshed"
        self.stale_label.setText(f"Saved copy from {when} · {state}")
        self.stale_label.setToolTip("What Close sent when this contact was last opened on this computer.")
        self.stale_label.show()
        self.showing_previous = False
        if company and self.card is None:
            self.lead_label.setText(one_line(company, 120))

    def set_stale(self, loaded_at: datetime | None) -> None:
        """Mark what is shown as out of date (a refresh failed), or clear the mark."""
        self.showing_previous = False
        if loaded_at is None:
            self.stale_label.hide()
            return
        qt = QDateTime.fromMSecsSinceEpoch(int(loaded_at.timestamp() * 1000))
        shown = QLocale().toString(qt.time(), QLocale.FormatType.ShortFormat)
        self.stale_label.setText(f"Not refreshed · as of {shown}")
        self.stale_label.setToolTip("The last refresh failed: this is what Close sent earlier.")
        self.stale_label.show()

    def copy_id(self) -> None:
        if self.contact is not None:
            QGuiApplication.clipboard().setText(self.contact.id)

    def _update_times(self) -> None:
        contact = self.contact
        if contact is None:
            return
        self.timezone_label.setText(self._timezone_text(contact))
        self.created_label.setText(self._when(contact.date_created, self._who(contact.created_by)))
        self.updated_label.setText(self._when(contact.date_updated, self._who(contact.updated_by)))

    def _who(self, user_id: str | None) -> str | None:
        """A person's name once the card has them; until then nothing (never a user_… id)."""
        if not user_id or self.card is None:
            return None
        return self.card.user_name(user_id)

    @staticmethod
    def _timezone_text(contact: Contact) -> str:
        if not contact.timezone:
            return "—"
        from datetime import datetime
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        shown = one_line(contact.timezone, 80)
        try:
            now = datetime.now(ZoneInfo(contact.timezone))
        except (ZoneInfoNotFoundError, ValueError, OSError):  # "America" is a folder in tzdata
            return shown
        local = QLocale().toString(QTime(now.hour, now.minute), QLocale.FormatType.ShortFormat)
        day = QLocale().dayName(now.isoweekday(), QLocale.FormatType.ShortFormat)
        return f"{shown} · their time now {day} {local}"

    @staticmethod
    def _when(moment: datetime | None, who: str | None) -> str:
        if moment is None:
            return "—"
        from datetime import datetime, timezone

        from close_viewer.core import formatting
        from close_viewer.ui.dates import local_datetime

        text = f"{local_datetime(moment)} ({formatting.relative(moment, datetime.now(timezone.utc))})"
        return f"{text}\nby {one_line(who, 80)}" if who else text
