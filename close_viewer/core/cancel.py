"""A way to abandon one lookup from another thread. Light: no requests import."""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Protocol


class _HasSocket(Protocol):
    sock: socket.socket | None


class CancelToken:
    """Abandons one fetch from any thread: wakes its waits, shuts down its socket."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._conns: list[_HasSocket] = []

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        self._event.set()
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            _shutdown(conn)

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
