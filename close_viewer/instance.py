"""One window per user: a second `close-viewer [CONTACT]` hands its argument to the
running window and exits.

The running window listens on a Unix socket only its user can reach (see
`ui/instance_server.py`): `$XDG_RUNTIME_DIR/close-viewer.sock` (a per-user folder), or
`/tmp/close-viewer-<uid>.sock` (0600); demo mode has its own (`…-demo.sock`). A second
start connects to it with the standard library's `socket`, sends CONTACT as one line of
UTF-8 and waits for the window's `ok`. No socket file, nobody listening, or no answer,
and it starts its own window. A socket file left behind by a crashed instance answers
nothing: the next window to start removes it and listens in its place.

Only the rep may answer. Before sending, the socket file must be a socket owned by the
rep (`lstat`: S_ISSOCK, st_uid), and the process listening on it must run as the rep
(SO_PEERCRED, on Linux; elsewhere the file's owner is all there is to check). Anything
else (another user's socket or file at the path, a listener of another user) gets no
contact: this start opens a window of its own and logs a warning.

A file another user leaves at the path (in /tmp, with no XDG_RUNTIME_DIR) must not turn
the hand-off off: the window then listens at the second place, a socket in a private
folder beside the first (`close-viewer-<uid>.d`, made 0700, used only if it is a real
folder owned by the rep that nobody else can write to), and later starts look there
after the first place. `socket_paths` lists both, in that order.

This runs before Qt loads, on every start: with no socket file it imports nothing.
Only what the rep typed crosses the socket, never the API key.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING, NamedTuple

from close_viewer import APP_SLUG

if TYPE_CHECKING:
    import socket

MAX_MESSAGE = 8192
CONTACT_LIMIT = 2000  # characters of CONTACT passed on
CONNECT_TIMEOUT = 0.25  # seconds to reach a running window
ANSWER_TIMEOUT = 2.0  # seconds for its `ok` (a window still starting up may take a moment)


def our_uid() -> int | None:
    """The rep's user id (None where there is none); a function, so a test can stand in
    for another owner."""
    return os.geteuid() if hasattr(os, "geteuid") else None


def _warn(text: str) -> None:
    from close_viewer.logs import info  # written once this start's window sets up its log

    info("One-window hand-off: %s", text)


def socket_path(demo: bool = False) -> str:
    suffix = "-demo" if demo else ""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isdir(runtime):
        return os.path.join(runtime, f"{APP_SLUG}{suffix}.sock")
    user = os.getuid() if hasattr(os, "getuid") else os.getlogin()
    return os.path.join(os.environ.get("TMPDIR") or "/tmp", f"{APP_SLUG}-{user}{suffix}.sock")


def private_dir(path: str) -> str:
    """The rep's own folder beside `path`, for when something else holds `path`."""
    user = our_uid() if our_uid() is not None else os.getlogin()
    return os.path.join(os.path.dirname(path), f"{APP_SLUG}-{user}.d")


def socket_paths(demo: bool = False) -> list[str]:
    """Where a window listens: the usual place, then the private folder's socket."""
    first = socket_path(demo)
    return [first, os.path.join(private_dir(first), f"{APP_SLUG}{'-demo' if demo else ''}.sock")]


def ensure_private_dir(folder: str) -> bool:
    """Make `folder` (0700) if absent; True only if it is a real folder of the rep's that
    no one else can write to (never a link)."""
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        _warn(f"cannot make {folder} ({exc.strerror})")
        return False
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    uid = our_uid()
    if not stat.S_ISDIR(st.st_mode) or (uid is not None and st.st_uid != uid) or st.st_mode & 0o077:
        _warn(f"{folder} is not a private folder of this user's: not used")
        return False
    return True


class Place(NamedTuple):
    """What is at a socket path: "absent", "ours" (a socket of the rep's) or "foreign"."""

    kind: str
    why: str = ""


def inspect(path: str | os.PathLike[str]) -> Place:
    """Look at the path itself (never through a link)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return Place("absent")
    except OSError as exc:
        return Place("foreign", f"cannot be read ({exc.strerror})")
    if not stat.S_ISSOCK(st.st_mode):
        return Place("foreign", "is not a socket")
    uid = our_uid()
    if uid is not None and st.st_uid != uid:
        return Place("foreign", f"belongs to user {st.st_uid}")
    return Place("ours")


def peer_uid(conn: socket.socket) -> int | None:
    """The user id of the process at the other end (Linux); None where it cannot be asked."""
    import socket
    import struct

    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i")))
    return int(uid)


def _peer_is_us(conn: socket.socket) -> bool:
    uid, peer = our_uid(), peer_uid(conn)
    return uid is None or peer is None or peer == uid


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
    """Give `contact` to the rep's window listening at `path`; True once it said `ok`."""
    place = inspect(path)
    if place.kind == "absent":
        return False  # no window (the usual start): nothing more to load or try
    if place.kind == "foreign":
        _warn(f"{os.fspath(path)} {place.why}: nothing sent, this start opens its own window")
        return False
    try:
        with _connect(path) as conn:
            if not _peer_is_us(conn):
                _warn(f"the process at {os.fspath(path)} is another user's: nothing sent")
                return False
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


def hand_off_any(paths: list[str], contact: str) -> bool:
    """Give `contact` to the rep's window at the first of `paths` that takes it."""
    return any(hand_off(path, contact) for path in paths)


def listener(path: str | os.PathLike[str]) -> str:
    """Who listens at `path`: "nobody" (a leftover file), "us", or "other" (another user's
    process behind a socket file of ours)."""
    try:
        conn = _connect(path)
    except OSError:
        return "nobody"
    with conn:
        return "us" if _peer_is_us(conn) else "other"


def is_alive(path: str | os.PathLike[str]) -> bool:
    """Whether a window listens at `path` (a leftover socket file refuses the connection)."""
    try:
        _connect(path).close()
    except OSError:
        return False
    return True
