"""The app's log file, with every known secret scrubbed from every record.

The API key is registered with `register_secret` as soon as the app holds it;
the filter then replaces it (and its Basic-auth form) in each message,
argument and traceback before anything is written. What the rep searched for (an
email address, a phone number, a name: messages quote typed text in “…”) is written
as a short hash that is the same within one run, never in clear (`private`). The log
is readable by its owner only (0600) in a folder that is the owner's alone (0700).
`logging` itself is imported only when the log is set up, after the window is on screen.
"""

from __future__ import annotations

import contextlib
import os
import re
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


def registered_secrets() -> list[str]:
    """Every form of every secret registered so far (for the history, which stores none)."""
    with _lock:
        return sorted(_secrets, key=len, reverse=True)


def scrub(text: str) -> str:
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, "•••")
    return text


_SALT = os.urandom(16)  # hashes match within one run, not across runs or logs
_QUOTED = re.compile(r"“[^”]{0,2000}”")
_EMAIL = re.compile(r"[^\s@<>(),;:\"“”\[\]]+@[^\s@<>(),;:\"“”\[\]]+\.[^\s@<>(),;:\"“”\[\]]+")
_PHONE = re.compile(r"(?<![\w.])\+?\(?\d[\d ()./-]{5,40}\d(?!\w)")


def _hashed(text: str) -> str:
    import hashlib  # (on first use: not on the way to the first paint)

    return "#" + hashlib.sha256(_SALT + text.encode("utf-8", "replace")).hexdigest()[:8]


def _phone(match: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in match.group(0))
    return _hashed(match.group(0)) if 7 <= digits <= 15 else match.group(0)


def private(text: str) -> str:
    """`text` with quoted typed text, email addresses and phone numbers as short hashes."""
    text = _QUOTED.sub(lambda m: f"“{_hashed(m.group(0)[1:-1])}”", text)
    text = _EMAIL.sub(lambda m: _hashed(m.group(0)), text)
    return _PHONE.sub(_phone, text)


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
            record.msg = one_line(private(scrub(record.getMessage())), 2000)
            record.args = None
            if record.exc_info:
                record.exc_text = private(scrub(logging.Formatter().formatException(record.exc_info)))
                record.exc_info = None
            return True

    log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if log_dir.stat().st_uid == getattr(os, "geteuid", lambda: -1)():
        with contextlib.suppress(OSError):
            log_dir.chmod(0o700)  # the data folder: history and log, the rep's alone
    path = log_dir / LOG_NAME
    # Created 0600 (an older 0644 log is made 0600), never through a link.
    flags = (
        os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    )
    fd = os.open(path, flags, 0o600)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        stream = os.fdopen(fd, "a", encoding="utf-8")
    except BaseException:
        os.close(fd)
        raise
    root = logging.getLogger(LOGGER)
    for handler in list(root.handlers):
        if isinstance(handler, logging.FileHandler):
            root.removeHandler(handler)
            handler.close()
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    handler.stream = stream  # the file opened above
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
