"""Where the history file may be written: never through a link, never in a folder that
another user owns or can change. No Qt.

A link at `history.sqlite3` (to another app's database, or to nowhere) would make SQLite
chmod, create or rewrite its target; a folder others can write to lets them delete the
history and put a link in its place. Both turn history off with one plain notice
(`UnsafePlace`'s message) and nothing is created, chmod-ed or written there. A link at
`-wal`/`-shm` (SQLite's side files, remade at every open) that the rep owns, in the rep's
own folder, is simply removed: nothing of the rep's is lost, and history is not off at
every start with no way out.

Ownership is compared with `our_uid()`, a function so that a test can stand in for another
owner (tests run as root, who owns everything they make). Without POSIX owners (Windows)
only the link checks apply.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

SIDE_FILES = ("-wal", "-shm")
PRIVATE_FILE = 0o600
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def our_uid() -> int | None:
    """The rep's user id; None where the system has no such thing."""
    return os.geteuid() if hasattr(os, "geteuid") else None


class UnsafePlace(Exception):
    """History must not be written here; the message says why and what to do, for the rep."""


def _foreign(st: os.stat_result) -> bool:
    uid = our_uid()
    return uid is not None and st.st_uid != uid


def check_folder(folder: Path) -> None:
    """The folder must belong to the rep and be writable by nobody else (OSError if it
    cannot be made or read: history is then off as "cannot be written")."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = folder.stat()
    if our_uid() is None:
        return
    if _foreign(st):
        raise UnsafePlace(f"the folder {folder} belongs to another user, so the app writes no history there")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafePlace(
            f"other users can change the folder {folder}. Make it yours alone "
            f"(chmod 700 '{folder}') to turn recent contacts back on"
        )


def check_file(path: Path, log: Callable[[str], None]) -> None:
    """The history file is a regular file of the rep's, or absent; a link left at a side
    file that the rep owns is removed (SQLite remakes it)."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        pass
    else:
        if stat.S_ISLNK(st.st_mode):
            raise UnsafePlace(
                f"the history file {path} is a link to another place, so nothing is written "
                "through it. Remove the link to turn recent contacts back on"
            )
        if not stat.S_ISREG(st.st_mode) or _foreign(st):
            raise UnsafePlace(
                f"{path} is not a history file of yours. Move it away to turn recent contacts back on"
            )
    for suffix in SIDE_FILES:
        side = Path(f"{path}{suffix}")
        try:
            st = side.lstat()
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(st.st_mode) and not _foreign(st):
            side.unlink()  # the link itself, never its target
            log(f"Removed a link left at the history's side file {side.name}")
        elif stat.S_ISLNK(st.st_mode) or not stat.S_ISREG(st.st_mode) or _foreign(st):
            raise UnsafePlace(
                f"{side} is not a file of yours, so nothing is written through it. Remove it to "
                "turn recent contacts back on"
            )


def create_private(path: Path) -> None:
    """Create the history file 0600 if it is absent, or make it 0600; never through a link."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _NOFOLLOW | _CLOEXEC, PRIVATE_FILE)
    except FileExistsError:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)  # ELOOP (OSError) for a link
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or _foreign(st):
            raise UnsafePlace(f"{path} is not a history file of yours")
        if stat.S_IMODE(st.st_mode) != PRIVATE_FILE and hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)


def make_side_files_private(path: Path) -> None:
    """SQLite's side files hold the same data: 0600 too (never following a link)."""
    for suffix in SIDE_FILES:
        with contextlib.suppress(OSError):
            fd = os.open(f"{path}{suffix}", os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC)
            try:
                st = os.fstat(fd)
                if stat.S_ISREG(st.st_mode) and not _foreign(st) and hasattr(os, "fchmod"):
                    os.fchmod(fd, PRIVATE_FILE)
            finally:
                os.close(fd)


def prepare(path: Path, log: Callable[[str], None]) -> None:
    """Check the folder and the files, then create the file: UnsafePlace or OSError if not."""
    check_folder(path.parent)
    check_file(path, log)
    create_private(path)
