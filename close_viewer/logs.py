"""The app's log file, with every known secret scrubbed from every record.

The API key is registered with `register_secret` as soon as the app holds it;
the filter then replaces it (and its Basic-auth form) in each message,
argument and traceback before anything is written. `logging` itself is
imported only when the log is set up, after the window is on screen.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

_secrets: set[str] = set()
_lock = threading.Lock()
_path: list[Path] = []  # the log file, once set up
LOG_NAME = "close-viewer.log"
LOGGER = "close_viewer"


def register_secret(secret: str) -> None:
    if len(secret) < 4:  # too short to scrub without mangling ordinary text
        return
    from close_viewer.core.credentials import secret_forms

    with _lock:
        _secrets.update(secret_forms(secret))


def scrub(text: str) -> str:
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, "•••")
    return text


_pending: list[tuple[float, str, tuple[Any, ...]]] = []  # INFO records made before the log was set up
PENDING_MAX = 100


def info(message: str, *args: Any) -> None:
    """Log at INFO; before the log is set up (after the window is built), the record is kept
    and written, with its own time, once it is."""
    logging = sys.modules.get("logging")
    if _path and logging is not None:
        logging.getLogger(LOGGER).info(message, *args)
    elif len(_pending) < PENDING_MAX:
        _pending.append((time.time(), message, args))


def error(message: str, exc: BaseException) -> None:
    """Log an exception with its traceback (scrubbed) if logging is set up."""
    logging = sys.modules.get("logging")
    if logging is not None:
        logging.getLogger(LOGGER).error(message, exc_info=(type(exc), exc, exc.__traceback__))


def log_path() -> Path | None:
    return _path[0] if _path else None


def setup_logging(log_dir: Path) -> Path:
    """Log to `log_dir/close-viewer.log` (and nothing to stderr); returns the file's path."""
    import logging

    from close_viewer.core.text import one_line

    class RedactingFilter(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            # One record, one line: server text cannot forge lines or hide with bidi marks.
            record.msg = one_line(scrub(record.getMessage()), 2000)
            record.args = None
            if record.exc_info:
                record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
            return True

    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_NAME
    root = logging.getLogger(LOGGER)
    for handler in list(root.handlers):
        if isinstance(handler, logging.FileHandler):
            root.removeHandler(handler)
            handler.close()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False
    _path[:] = [path]
    for created, message, args in _pending:
        record = root.makeRecord(LOGGER, logging.INFO, "", 0, message, args, None)
        record.created, record.msecs = created, int(created % 1 * 1000)
        root.handle(record)
    _pending.clear()
    return path
