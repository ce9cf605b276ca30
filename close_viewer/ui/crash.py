"""Unexpected exceptions: written to the log (secrets scrubbed) and shown in a crash dialog.

Exceptions can be raised in any thread (sys.excepthook for the GUI thread,
threading.excepthook for Python threads), but widgets may only be built in the
GUI thread: the handler logs where it is, then posts the dialog to the GUI
thread through a queued signal. Ctrl+C in a terminal is not a crash: it closes
the windows as a quit would.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from close_viewer import APP_NAME
from close_viewer.logs import LOGGER, scrub


class CrashReporter(QObject):
    """Lives in the GUI thread; `report` may be emitted from any thread. Signals: report(str)."""

    report = Signal(str)

    def __init__(self, log_path: Path | None) -> None:
        super().__init__()
        self.log_path = log_path
        self.report.connect(self._show, Qt.ConnectionType.QueuedConnection)

    @Slot(str)
    def _show(self, summary: str) -> None:
        where = (
            f"Details were written to {self.log_path}."
            if self.log_path is not None
            else "The log file could not be written, so details were not saved."
        )
        box = QMessageBox(
            QMessageBox.Icon.Critical, f"{APP_NAME} hit a problem", "Something unexpected went wrong."
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(f"The app may keep working; if it misbehaves, restart it. {where}")
        box.setDetailedText(summary)
        box.exec()


_reporter: list[CrashReporter] = []  # the installed one, kept alive


def install_crash_handler(log_path: Path | None) -> CrashReporter:
    """Call from the GUI thread. `log_path` is None when the log could not be set up."""
    reporter = CrashReporter(log_path)
    _reporter[:] = [reporter]

    def handle(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):  # Ctrl+C: quit, as the window's Quit does
            app = QApplication.instance()
            if app is not None:
                QApplication.closeAllWindows()
            return
        with contextlib.suppress(Exception):  # the log is best effort; the dialog still shows
            logging.getLogger(LOGGER).error("Unexpected error", exc_info=(kind, value, tb))
        summary = scrub("".join(traceback.format_exception_only(kind, value)))
        if QApplication.instance() is None:
            sys.stderr.write(summary)
            return
        reporter.report.emit(summary)  # queued: the dialog is built in the GUI thread

    def handle_thread(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        handle(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)

    sys.excepthook = handle
    threading.excepthook = handle_thread
    return reporter
