"""The running window's end of the one-window hand-off (see close_viewer.instance).

A Unix socket from the standard library, watched by QSocketNotifiers in the GUI thread's
event loop: no QtNetwork (whose library would bring Kerberos into the bundle), and no
thread. Each client sends one short line; a client that says nothing is dropped.

Signals: received(contact text, "" to just come to the front).
"""

from __future__ import annotations

import contextlib
import os
import socket

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from close_viewer.instance import (
    MAX_MESSAGE,
    _peer_is_us,
    _warn,
    ensure_private_dir,
    inspect,
    listener,
    read_message,
)

SILENT_CLIENT_MS = 2000  # a connection that says nothing is dropped after this


class _Client(QObject):
    """One connection: read its line without blocking, answer `ok`, close."""

    done = Signal(object, str)  # (self, contact text)

    def __init__(self, conn: socket.socket, parent: QObject) -> None:
        super().__init__(parent)
        self.conn = conn
        self.buffer = b""
        conn.setblocking(False)
        self.notifier = QSocketNotifier(conn.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self._read)
        QTimer.singleShot(SILENT_CLIENT_MS, self, self.close)

    def _read(self) -> None:
        try:
            chunk = self.conn.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        self.buffer += chunk
        if b"\n" in self.buffer:
            with contextlib.suppress(OSError):
                self.conn.sendall(b"ok\n")
            line = self.buffer.split(b"\n", 1)[0]
            self.close()
            self.done.emit(self, read_message(line))
        elif not chunk or len(self.buffer) > MAX_MESSAGE:
            self.close()

    def close(self) -> None:
        if self.notifier.isEnabled():
            self.notifier.setEnabled(False)
            with contextlib.suppress(OSError):
                self.conn.close()
            self.deleteLater()


class InstanceServer(QObject):
    """Listens at the first of `paths` it can own (see close_viewer.instance.socket_paths)."""

    received = Signal(str)

    def __init__(self, paths: str | os.PathLike[str] | list[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = [os.fspath(paths)] if isinstance(paths, str | os.PathLike) else list(paths)
        self.path = self.paths[0]  # where it listens, once it does
        self._socket: socket.socket | None = None
        self._notifier: QSocketNotifier | None = None

    def listen(self) -> bool:
        """Listen at the first place that is free or holds our own leftover socket (a crashed
        window's, replaced), readable by this user only. A place another user's file or
        socket holds is passed over (with a warning in the log) for the next. False if
        another of our windows listens already, or no place can be had."""
        for index, path in enumerate(self.paths):
            if index > 0 and not ensure_private_dir(os.path.dirname(path)):
                continue
            place = inspect(path)
            if place.kind == "foreign":
                _warn(f"{path} {place.why}: listening elsewhere")
                continue
            if place.kind == "ours":
                who = listener(path)
                if who == "us":
                    return False  # another window of ours answers there
                if who == "other":
                    _warn(f"another user's process listens at {path}: listening elsewhere")
                    continue
                with contextlib.suppress(OSError):
                    os.unlink(path)
            server = self._bind(path)
            if server is not None:
                self.path = path
                self._start(server)
                return True
        return False

    @staticmethod
    def _bind(path: str) -> socket.socket | None:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        previous = os.umask(0o177)  # the socket file is created 0600
        try:
            server.bind(path)
            server.listen(8)
        except OSError:
            server.close()
            return None
        finally:
            os.umask(previous)
        return server

    def _start(self, server: socket.socket) -> None:
        server.setblocking(False)
        self._socket = server
        self._notifier = QSocketNotifier(server.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._accept)

    @property
    def listening(self) -> bool:
        return self._socket is not None

    def close(self) -> None:
        """Stop listening and remove the socket file."""
        if self._socket is None:
            return
        if self._notifier is not None:
            self._notifier.setEnabled(False)
        self._socket.close()
        self._socket = None
        with contextlib.suppress(OSError):
            os.unlink(self.path)

    def _accept(self) -> None:
        if self._socket is None:
            return
        try:
            conn, _ = self._socket.accept()
        except OSError:  # (BlockingIOError: another notification took it)
            return
        if not _peer_is_us(conn):  # (only the rep can reach the 0600 socket; checked anyway)
            conn.close()
            return
        client = _Client(conn, self)
        client.done.connect(lambda _client, text: self.received.emit(text))
