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

from close_viewer.instance import MAX_MESSAGE, is_alive, read_message

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
    received = Signal(str)

    def __init__(self, path: str | os.PathLike[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = os.fspath(path)
        self._socket: socket.socket | None = None
        self._notifier: QSocketNotifier | None = None

    def listen(self) -> bool:
        """Listen at `path`, readable by this user only; a file left there by a crashed
        window is replaced. False if another window listens there already, or it cannot."""
        if os.path.exists(self.path):
            if is_alive(self.path):
                return False
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        previous = os.umask(0o177)  # the socket file is created 0600
        try:
            server.bind(self.path)
            server.listen(8)
        except OSError:
            server.close()
            return False
        finally:
            os.umask(previous)
        server.setblocking(False)
        self._socket = server
        self._notifier = QSocketNotifier(server.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._accept)
        return True

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
        client = _Client(conn, self)
        client.done.connect(lambda _client, text: self.received.emit(text))
