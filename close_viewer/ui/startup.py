"""Run work at, or right after, a window's first paint, so it never delays the window appearing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractScrollArea, QWidget


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None], deferred: bool) -> None:
        super().__init__(widget)
        self._callback: Callable[[], None] | None = callback
        self._deferred = deferred

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            if self._deferred:
                QTimer.singleShot(0, self.fire)
            else:
                self.fire()
        return False

    def fire(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            self.parent().removeEventFilter(self)
            self.deleteLater()
            callback()


def after_first_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call `callback` once, from the event loop, right after `widget` first paints."""
    widget.installEventFilter(_FirstPaint(widget, callback, deferred=True))


def at_first_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call `callback` once, as `widget` receives its first paint event."""
    widget.installEventFilter(_FirstPaint(widget, callback, deferred=False))


def after_next_paint(widget: QWidget, callback: Callable[[], None], fallback_ms: int = 150) -> None:
    """Call `callback` once, right after `widget` next paints, or after `fallback_ms` if it
    does not paint (a minimized window): work that must not slow a paint waits for it."""
    target = widget.viewport() if isinstance(widget, QAbstractScrollArea) else widget
    watcher = _FirstPaint(target, callback, deferred=True)
    target.installEventFilter(watcher)
    QTimer.singleShot(fallback_ms, watcher, watcher.fire)
