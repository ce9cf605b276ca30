"""A way to abandon one lookup from another thread. Light: no HTTP import."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from typing import Protocol


class _HasSocket(Protocol):
    sock: socket.socket | None


class CancelToken:
    """Abandons one fetch from any thread: wakes its waits, shuts down its socket."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._conns: list[_HasSocket] = []
        self._callbacks: list[Callable[[], None]] = []

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        self._event.set()
        with self._lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            callback()
        self.abandon_connections()

    def abandon_connections(self) -> None:
        """Shut down the sockets in use now (a deadline passed), without cancelling."""
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            _shutdown(conn)

    def on_cancel(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` (from the cancelling thread) when cancelled; returns its remover."""
        with self._lock:
            self._callbacks.append(callback)
        if self.cancelled:
            callback()

        def remove() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._callbacks.remove(callback)

        return remove

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True if cancelled meanwhile."""
        return self._event.wait(seconds)

    def _attach(self, conn: _HasSocket) -> None:
        with self._lock:
            self._conns.append(conn)
        if self.cancelled:
            _shutdown(conn)

    def _detach_all(self) -> None:
        with self._lock:
            self._conns = []


def _shutdown(conn: _HasSocket) -> None:
    sock = getattr(conn, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
