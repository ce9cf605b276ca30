"""One window per user: a second `close-viewer [CONTACT]` hands its argument to the
running window and exits.

The running window listens on a Unix socket only its user can reach (see
`ui/instance_server.py`): `$XDG_RUNTIME_DIR/close-viewer.sock` (a per-user folder), or
`/tmp/close-viewer-<uid>.sock` (0600); demo mode has its own (`…-demo.sock`). A second
start connects to it with the standard library's `socket`, sends CONTACT as one line of
UTF-8 and waits for the window's `ok`. No socket file, nobody listening, or no answer,
and it starts its own window. A socket file left behind by a crashed instance answers
nothing: the next window to start removes it and listens in its place.

This runs before Qt loads, on every start: with no socket file it imports nothing.
Only what the rep typed crosses the socket, never the API key.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from close_viewer import APP_SLUG

if TYPE_CHECKING:
    import socket

MAX_MESSAGE = 8192
CONTACT_LIMIT = 2000  # characters of CONTACT passed on
CONNECT_TIMEOUT = 0.25  # seconds to reach a running window
ANSWER_TIMEOUT = 2.0  # seconds for its `ok` (a window still starting up may take a moment)


def socket_path(demo: bool = False) -> str:
    suffix = "-demo" if demo else ""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isdir(runtime):
        return os.path.join(runtime, f"{APP_SLUG}{suffix}.sock")
    user = os.getuid() if hasattr(os, "getuid") else os.getlogin()
    return os.path.join(os.environ.get("TMPDIR") or "/tmp", f"{APP_SLUG}-{user}{suffix}.sock")


def message(contact: str) -> bytes:
    """CONTACT as the one line that crosses the socket."""
    return " ".join(contact[:CONTACT_LIMIT].split()).encode("utf-8", "replace") + b"\n"


def read_message(line: bytes) -> str:
    """The contact text of one hand-off line ("" for anything unreadable)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    return " ".join(text.split())[:CONTACT_LIMIT]


def _connect(path: str | os.PathLike[str]) -> socket.socket:
    """A connection to the window listening at `path`; OSError if none answers."""
    import socket

    family = getattr(socket, "AF_UNIX", None)
    if family is None:
        raise OSError("this system has no Unix sockets")  # no hand-off: each start its own window
    conn = socket.socket(family, socket.SOCK_STREAM)
    try:
        conn.settimeout(CONNECT_TIMEOUT)
        conn.connect(os.fspath(path))
    except OSError:
        conn.close()
        raise
    return conn


def hand_off(path: str | os.PathLike[str], contact: str, timeout: float = ANSWER_TIMEOUT) -> bool:
    """Give `contact` to the window listening at `path`; True once it said `ok`."""
    if not os.path.exists(path):
        return False  # no window (the usual start): nothing more to load or try
    try:
        with _connect(path) as conn:
            conn.settimeout(timeout)
            conn.sendall(message(contact))
            answer = b""
            while not answer.endswith(b"\n") and len(answer) < 16:
                chunk = conn.recv(16)
                if not chunk:
                    break
                answer += chunk
    except OSError:  # nobody listening (a crashed instance's file), or too slow
        return False
    return answer.strip() == b"ok"


def is_alive(path: str | os.PathLike[str]) -> bool:
    """Whether a window listens at `path` (a leftover socket file refuses the connection)."""
    try:
        _connect(path).close()
    except OSError:
        return False
    return True
