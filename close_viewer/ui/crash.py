"""Unexpected exceptions: written to the log (secrets scrubbed) and shown in a crash dialog."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from close_viewer import APP_NAME
from close_viewer.logs import LOGGER, scrub


def install_crash_handler(log_path: Path) -> None:
    def handle(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        logging.getLogger(LOGGER).error("Unexpected error", exc_info=(kind, value, tb))
        summary = scrub("".join(traceback.format_exception_only(kind, value)))
        if QApplication.instance() is None:
            sys.stderr.write(summary)
            return
        box = QMessageBox(
            QMessageBox.Icon.Critical, f"{APP_NAME} hit a problem", "Something unexpected went wrong."
        )
        box.setInformativeText(
            f"The app may keep working; if it misbehaves, restart it. Details were written to {log_path}."
        )
        box.setDetailedText(summary)
        box.exec()

    sys.excepthook = handle
