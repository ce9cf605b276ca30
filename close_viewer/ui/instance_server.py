"""The running window's end of the one-window hand-off (see close_viewer.instance).

Signals: received(contact text, "" to just come to the front).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from close_viewer.instance import MAX_MESSAGE, is_alive, read_message

SILENT_CLIENT_MS = 2000  # a connection that says nothing is dropped after this


class InstanceServer(QObject):
    received = Signal(str)

    def __init__(self, path: str | os.PathLike[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Listen at `path`; a file left there by a crashed window is replaced. False if
        another window listens there already (it started at the same moment)."""
        name = os.fspath(self.path)
        if self._server.listen(name):
            return True
        if is_alive(self.path):
            return False
        QLocalServer.removeServer(name)
        return self._server.listen(name)

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def close(self) -> None:
        self._server.close()  # removes the socket file

    def _accept(self) -> None:
        while (conn := self._server.nextPendingConnection()) is not None:
            conn.readyRead.connect(lambda c=conn: self._read(c))
            conn.disconnected.connect(conn.deleteLater)
            QTimer.singleShot(SILENT_CLIENT_MS, conn, conn.abort)

    def _read(self, conn: QLocalSocket) -> None:
        if not conn.canReadLine():
            if conn.bytesAvailable() > MAX_MESSAGE:
                conn.abort()
            return
        contact = read_message(conn.readLine(MAX_MESSAGE).data())
        conn.write(b"ok\n")
        conn.flush()
        conn.disconnectFromServer()
        self.received.emit(contact)
