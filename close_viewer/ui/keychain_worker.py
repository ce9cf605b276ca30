"""Keychain calls off the GUI thread.

keyring may block for seconds (D-Bus activation, an unlock prompt), so every
call runs in a short-lived daemon thread and reports back by signal. Daemon
threads, unlike a QThread, never hold up quitting the app while a keychain
call hangs.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from close_viewer.core.keychain import KeychainUnavailable, KeyStore, unavailable_error


class KeychainWorker(QObject):
    """Signals: loaded(str or None), saved(), forgotten(), unavailable(str)."""

    loaded = Signal(object)
    saved = Signal()
    forgotten = Signal()
    unavailable = Signal(str)

    def __init__(self, store: KeyStore | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store or KeyStore()
        self._closed = False

    def load(self) -> None:
        self._run(self.store.load, self.loaded.emit)

    def save(self, secret: str) -> None:
        self._run(lambda: self.store.save(secret), lambda _: self.saved.emit())

    def forget(self) -> None:
        self._run(self.store.forget, lambda _: self.forgotten.emit())

    def close(self) -> None:
        self._closed = True

    def _run(self, call: Callable[[], object], done: Callable[[object], None]) -> None:
        def work() -> None:
            try:
                result = call()
            except KeychainUnavailable as exc:
                message = str(exc)
                self._emit(lambda: self.unavailable.emit(message))
            except BaseException:  # never a traceback on stderr: it could hold the key
                message = str(unavailable_error())
                self._emit(lambda: self.unavailable.emit(message))
            else:
                self._emit(lambda: done(result))

        threading.Thread(target=work, name="keychain", daemon=True).start()

    def _emit(self, emit: Callable[[], None]) -> None:
        if self._closed:
            return
        with contextlib.suppress(RuntimeError):  # the window is already gone
            emit()  # queued to the GUI thread by Qt
