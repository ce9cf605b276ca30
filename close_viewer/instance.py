"""One window per user: a second `close-viewer [CONTACT]` hands its argument to the
running window and exits.

The running window listens with a QLocalServer on a Unix socket only its user can
reach: `$XDG_RUNTIME_DIR/close-viewer.sock` (a per-user folder), or
`<temp>/close-viewer-<uid>.sock`; demo mode has its own (`…-demo.sock`). A second
start connects to that socket with the standard library's `socket` (the same stream
a QLocalSocket opens, without loading QtNetwork on every start), sends one JSON line
`{"contact": "…"}` and waits for the window's `ok`. No answer, or nobody listening,
and it starts its own window. A socket file left behind by a crashed instance answers
nothing: the next window to start removes it and listens in its place.

Only what the rep typed crosses the socket, never the API key.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

from close_viewer import APP_SLUG

MAX_MESSAGE = 8192
CONNECT_TIMEOUT = 0.25  # seconds to reach a running window
ANSWER_TIMEOUT = 2.0  # seconds for its `ok` (a window still starting up may take a moment)


def socket_path(demo: bool = False) -> Path:
    suffix = "-demo" if demo else ""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isdir(runtime):
        return Path(runtime) / f"{APP_SLUG}{suffix}.sock"
    user = os.getuid() if hasattr(os, "getuid") else os.getlogin()
    return Path(os.environ.get("TMPDIR") or "/tmp") / f"{APP_SLUG}-{user}{suffix}.sock"


def hand_off(path: Path, contact: str, timeout: float = ANSWER_TIMEOUT) -> bool:
    """Give `contact` to the window listening at `path`; True once it said `ok`."""
    if not hasattr(socket, "AF_UNIX") or not path.exists():
        return False
    message = json.dumps({"contact": contact[:2000]}).encode() + b"\n"
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(CONNECT_TIMEOUT)
            conn.connect(str(path))
            conn.settimeout(timeout)
            conn.sendall(message)
            answer = b""
            while not answer.endswith(b"\n") and len(answer) < 16:
                chunk = conn.recv(16)
                if not chunk:
                    break
                answer += chunk
    except OSError:  # nobody listening (a crashed instance's file), or too slow
        return False
    return answer.strip() == b"ok"


def is_alive(path: Path) -> bool:
    """Whether a window listens at `path` (a leftover socket file refuses the connection)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(CONNECT_TIMEOUT)
            conn.connect(str(path))
    except OSError:
        return False
    return True


def read_message(line: bytes) -> str:
    """The contact text of one hand-off line ("" for anything else)."""
    try:
        data = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ""
    contact = data.get("contact") if isinstance(data, dict) else None
    return contact.strip()[:2000] if isinstance(contact, str) else ""
