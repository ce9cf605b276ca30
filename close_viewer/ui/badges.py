"""Status pills: a delegate that paints each status as a coloured pill with its text.

Colour is never the only signal: every pill carries its words. Tones come
from a small table with a light and a dark variant; the delegate picks the
variant from the palette it is painting with, so it follows the system colour
scheme (and its changes) with no extra wiring. An unknown status gets a
neutral pill with its raw text.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from close_viewer.core.formatting import humanize
from close_viewer.core.statuses import CALL_STATUSES, SEQUENCE_STATUSES, SUBSCRIPTION_STATUSES
from close_viewer.core.text import one_line

GOOD, INFO, WARN, BAD, MUTED, NEUTRAL = "good", "info", "warn", "bad", "muted", "neutral"

TONES: dict[str, dict[str, str]] = {
    "call": {
        "completed": GOOD,
        "in-progress": INFO,
        "created": MUTED,
        "no-answer": WARN,
        "busy": WARN,
        "cancel": MUTED,
        "failed": BAD,
        "timeout": BAD,
    },
    "sequence": {"active": GOOD, "paused": WARN, "draft": MUTED},
    "subscription": {"active": INFO, "paused": WARN, "finished": MUTED, "goal": GOOD, "error": BAD},
    "email": {"unsubscribed": BAD},
    "sms": {"blocked": WARN},
    # The Activity tab's type pills, by their words.
    "activity": {
        "Call": GOOD,
        "Email": INFO,
        "SMS": INFO,
        "WhatsApp": GOOD,
        "Meeting": WARN,
        "Note": MUTED,
        "Status change": MUTED,
    },
}
_TEXT = {("email", "unsubscribed"): "Unsubscribed", ("sms", "blocked"): "SMS blocked"}
_KNOWN = {
    "call": set(CALL_STATUSES),
    "sequence": set(SEQUENCE_STATUSES),
    "subscription": set(SUBSCRIPTION_STATUSES),
}

# (background, text) per tone, for light and for dark palettes. Contrast >= 4.5:1.
COLOURS: dict[str, dict[str, tuple[str, str]]] = {
    "light": {
        GOOD: ("#d3f2dc", "#0f5323"),
        INFO: ("#d6e6fb", "#123f7a"),
        WARN: ("#fbe7bf", "#6b4100"),
        BAD: ("#f9d3d0", "#8a1712"),
        MUTED: ("#e6e6e9", "#3d3d45"),
        NEUTRAL: ("#ececf0", "#2b2b33"),
    },
    "dark": {
        GOOD: ("#1c4a2b", "#b8f0c9"),
        INFO: ("#1b3a63", "#c3dcff"),
        WARN: ("#5a3d07", "#ffdf9e"),
        BAD: ("#63201c", "#ffc9c4"),
        MUTED: ("#3a3a42", "#d0d0d8"),
        NEUTRAL: ("#44444d", "#ececf2"),
    },
}


def badge_text(kind: str, value: str | None) -> str:
    """The words on the pill: humanised for a known status, raw for an unknown one."""
    if not value:
        return ""
    if (kind, value) in _TEXT:
        return _TEXT[(kind, value)]
    if value in _KNOWN.get(kind, ()):
        return humanize(value)
    return one_line(value, 80)  # the server's own word: one line, and short


def badge_tone(kind: str, value: str) -> str:
    return TONES.get(kind, {}).get(value, NEUTRAL)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def badge_colours(kind: str, value: str, palette: QPalette) -> tuple[QColor, QColor]:
    background, text = COLOURS["dark" if is_dark(palette) else "light"][badge_tone(kind, value)]
    return QColor(background), QColor(text)


class StatusBadgeDelegate(QStyledItemDelegate):
    """Paints a cell whose model gives Role.BADGE as a pill; other cells as usual."""

    def __init__(self, badge_role: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._role = badge_role

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        badge = index.data(self._role)
        if not badge:
            super().paint(painter, option, index)
            return
        kind, value = badge
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        painter.save()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)  # native panel
        text = badge_text(kind, value)
        background, foreground = badge_colours(kind, value, opt.palette)
        painter.setFont(opt.font)
        metrics = painter.fontMetrics()
        pad_x, pad_y = 8, 2
        room = opt.rect.width() - 8 - 2 * pad_x
        if metrics.horizontalAdvance(text) > room:
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
        width = metrics.horizontalAdvance(text) + 2 * pad_x + 2
        height = min(metrics.height() + 2 * pad_y, opt.rect.height() - 2)
        rect = QRectF(opt.rect.x() + 4, opt.rect.center().y() - height / 2 + 0.5, width, height)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(foreground)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        badge: Any = index.data(self._role)
        if badge:
            metrics = QFontMetrics(option.font)
            size.setWidth(max(size.width(), metrics.horizontalAdvance(badge_text(*badge)) + 24))
            size.setHeight(max(size.height(), metrics.height() + 8))
        return size
