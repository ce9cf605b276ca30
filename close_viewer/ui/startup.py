"""Run work at, or right after, a window's first paint, so it never delays the window appearing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None], deferred: bool) -> None:
        super().__init__(widget)
        self._callback = callback
        self._deferred = deferred

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            if self._deferred:
                QTimer.singleShot(0, self._callback)
            else:
                self._callback()
            self.deleteLater()
        return False


def after_first_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call `callback` once, from the event loop, right after `widget` first paints."""
    widget.installEventFilter(_FirstPaint(widget, callback, deferred=True))


def at_first_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call `callback` once, as `widget` receives its first paint event."""
    widget.installEventFilter(_FirstPaint(widget, callback, deferred=False))
