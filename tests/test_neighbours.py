"""Other users and other windows on the same computer: the one-window hand-off answers only
the rep, history never writes through a link or into a folder others can change, the log
is the rep's alone and holds no searched text, and Clear history reaches every window.

Real sockets, real files and links in temporary folders, real windows offscreen. Tests run
as root here, who owns everything they make: another owner is made with chown where root
can, and otherwise stood in for by the modules' `our_uid`.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTableView, QWidget
from pytestqt.qtbot import QtBot

from close_viewer import instance
from close_viewer.core import history_files
from close_viewer.core.history import History
from close_viewer.demo import DEMO_CONTACT_ID
from close_viewer.ui.instance_server import InstanceServer
from tests.conftest import MakeWindow
from tests.test_recent import CARLOS, MARIA
from tests.test_window import lookup, rows

ROOT = os.geteuid() == 0
OTHER_UID = 4242
ORG = "orga_A"


def _someone_elses(path: Path, monkeypatch: pytest.MonkeyPatch, module: object) -> None:
    """Make `path` another user's: chown as root, else pretend the rep is someone else."""
    if ROOT:
        os.lchown(path, OTHER_UID, OTHER_UID)
    else:
        monkeypatch.setattr(module, "our_uid", lambda: os.getuid() + 1)


def _log(log_dir: Path) -> str:
    return (log_dir / "close-viewer.log").read_text(encoding="utf-8")


# --- the one-window hand-off -------------------------------------------------------------


@pytest.fixture
def places(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The hand-off's places with no XDG_RUNTIME_DIR (ssh, su, containers): a shared temp
    folder, here a short private one (a socket path is at most 107 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="cv-", dir="/tmp"))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("TMPDIR", str(folder))
    try:
        paths = instance.socket_paths()
        assert paths[0] == str(folder / f"close-viewer-{os.getuid()}.sock")
        yield paths
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class Impostor(threading.Thread):
    """Listens at `path`, keeps whatever it is sent, answers `ok`: what another user's
    listener at the rep's socket path would do."""

    def __init__(self, path: str) -> None:
        super().__init__(daemon=True)
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(4)
        self.got = b""
        self.start()

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:  # closed by stop()
                return
            with conn:
                conn.settimeout(5)
                try:
                    self.got += conn.recv(4096)
                    conn.sendall(b"ok\n")
                except OSError:
                    pass

    def stop(self) -> bytes:
        self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
        self.join(10)
        return self.got


_windows: list[QWidget] = []  # kept until the session ends, as the app's window is


def _server(qtbot: QtBot, paths: list[str]) -> InstanceServer:
    """The window's end, owned by a window as in the app."""
    window = QWidget()
    _windows.append(window)
    return InstanceServer(paths, window)


def _hand_off_in_thread(paths: list[str], contact: str) -> tuple[threading.Thread, list[bool]]:
    """The second start's side, in a thread: the window's side answers in this one's loop."""
    result: list[bool] = []
    thread = threading.Thread(target=lambda: result.append(instance.hand_off_any(paths, contact)))
    thread.start()
    return thread, result


def test_a_file_at_the_socket_path_neither_gets_contacts_nor_turns_the_hand_off_off(
    qtbot: QtBot, places: list[str], monkeypatch: pytest.MonkeyPatch, log_dir: Path
) -> None:
    squatted = Path(places[0])
    squatted.write_text("left here by another user")
    if ROOT:
        os.chown(squatted, OTHER_UID, OTHER_UID)
    assert not instance.hand_off_any(places, "mj.fernandez@acme-iberia.es")  # a window of its own
    server = _server(qtbot, places)
    assert server.listen()
    assert server.path == places[1]  # it listens in its private folder instead
    assert squatted.read_text() == "left here by another user"  # and left the file alone
    folder = Path(places[1]).parent
    assert stat.S_IMODE(folder.lstat().st_mode) == 0o700
    assert stat.S_IMODE(Path(places[1]).stat().st_mode) == 0o600
    with qtbot.waitSignal(server.received, timeout=10_000) as received:
        thread, result = _hand_off_in_thread(places, CARLOS)  # a later start finds it there
    thread.join(10)
    assert received.args == [CARLOS] and result == [True]
    server.close()
    assert "is not a socket" in _log(log_dir)  # the warning, in the log


def test_a_socket_of_another_user_gets_nothing(
    places: list[str], monkeypatch: pytest.MonkeyPatch, log_dir: Path
) -> None:
    impostor = Impostor(places[0])
    _someone_elses(Path(places[0]), monkeypatch, instance)
    assert not instance.hand_off(places[0], "mj.fernandez@acme-iberia.es")
    assert impostor.stop() == b""  # it answered `ok` to nobody: nothing was sent
    assert "belongs to user" in _log(log_dir)


IMPOSTOR = """
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(4)
print("ready", flush=True)
while True:  # until the test stops it
    conn, _ = s.accept()
    conn.settimeout(5)
    try:
        got = conn.recv(4096)
        conn.sendall(b"ok\\n")
    except OSError:
        got = b""
    print("got", got, flush=True)
    conn.close()
"""


def test_a_listener_of_another_user_at_the_reps_own_socket_gets_nothing(
    qtbot: QtBot, places: list[str], monkeypatch: pytest.MonkeyPatch, log_dir: Path
) -> None:
    """The file passes (a socket of the rep's), the process behind it is another user's:
    nothing is sent to it, and the window listens in its private folder instead."""
    path = places[0]
    server = _server(qtbot, places)
    if ROOT:  # a real other user: `nobody` listens, and the socket file is then given to root
        os.chmod(Path(path).parent, 0o777)
        python = "/usr/bin/python3"
        if not os.access(python, os.X_OK):
            pytest.skip("no system python3 for the unprivileged listener")

        def as_nobody() -> None:
            os.setgid(65534)
            os.setuid(65534)

        listener = subprocess.Popen(
            [python, "-c", IMPOSTOR, path], stdout=subprocess.PIPE, text=True, preexec_fn=as_nobody
        )
        assert listener.stdout is not None and listener.stdout.readline().strip() == "ready"
        os.chown(path, 0, 0)
        try:
            assert not instance.hand_off(path, "mj.fernandez@acme-iberia.es")
            assert server.listen() and server.path == places[1]
        finally:
            listener.kill()
            out, _ = listener.communicate(timeout=10)
        assert "mj.fernandez" not in out
    else:  # not root: the peer's uid is stood in for
        impostor = Impostor(path)
        monkeypatch.setattr(instance, "peer_uid", lambda _conn: os.getuid() + 1)
        assert not instance.hand_off(path, "mj.fernandez@acme-iberia.es")
        assert server.listen() and server.path == places[1]
        assert b"mj.fernandez" not in impostor.stop()
    server.close()
    assert "is another user's" in _log(log_dir)


def test_a_private_folder_others_can_write_to_is_not_used(
    qtbot: QtBot, places: list[str], log_dir: Path
) -> None:
    Path(places[0]).write_text("in the way")
    if ROOT:
        os.chown(places[0], OTHER_UID, OTHER_UID)
    folder = Path(places[1]).parent
    folder.mkdir(mode=0o700)
    folder.chmod(0o777)  # (someone made it so)
    server = _server(qtbot, places)
    assert not server.listen()  # no place of its own: this window listens nowhere
    assert not Path(places[1]).exists()
    assert "not a private folder" in _log(log_dir)


# --- history never through a link --------------------------------------------------------


def _other_apps_database(folder: Path) -> tuple[Path, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "other-app.db"
    db = sqlite3.connect(target)
    db.execute("CREATE TABLE notes (text TEXT)")
    db.execute("INSERT INTO notes VALUES ('the other app''s data')")
    db.commit()
    db.close()
    target.chmod(0o644)
    return target, target.read_bytes()


def _untouched(target: Path, content: bytes) -> None:
    assert target.read_bytes() == content
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # not chmod-ed
    assert not Path(f"{target}-wal").exists() and not Path(f"{target}-shm").exists()  # no WAL
    db = sqlite3.connect(target)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert db.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]  # no new tables
    db.close()


def test_a_history_file_that_is_a_link_is_never_written_through(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    target, content = _other_apps_database(tmp_path / "elsewhere")
    history = tmp_path / "data" / "history.sqlite3"
    history.parent.mkdir(mode=0o700, exist_ok=True)
    history.symlink_to(target)
    window = make_window(history_path=history)
    assert window.notice_banner.isVisible() and window.notice_banner.title == "Recent contacts are off"
    assert "is a link" in window.notice_banner.message
    assert lookup(qtbot, window, DEMO_CONTACT_ID) is window.contact  # lookups work as usual
    window.close()
    _untouched(target, content)
    assert history.is_symlink()


def test_a_dangling_link_creates_nothing(tmp_path: Path) -> None:
    nowhere = tmp_path / "elsewhere" / "made-by-the-app.db"
    nowhere.parent.mkdir()
    history = tmp_path / "data" / "history.sqlite3"
    history.parent.mkdir(mode=0o700, exist_ok=True)
    history.symlink_to(nowhere)
    h = History(history)
    h.record(ORG, "cont_1", "Ann", body={"id": "cont_1"})
    assert not h.enabled and "is a link" in h.disabled_reason
    assert list(nowhere.parent.iterdir()) == []


def _made_and_closed(history: Path) -> None:
    h = History(history)
    h.settle()  # (its background read is over: nothing opens the files after this)
    h.close()


def test_a_side_file_link_of_ours_is_removed_and_history_works(tmp_path: Path) -> None:
    target, content = _other_apps_database(tmp_path / "elsewhere")
    history = tmp_path / "data" / "history.sqlite3"
    _made_and_closed(history)
    wal = Path(f"{history}-wal")
    wal.unlink(missing_ok=True)
    wal.symlink_to(target)  # this turned history off at every start, with no way out
    said: list[str] = []
    h = History(history, log=said.append)
    assert h.enabled and h.disabled_reason == ""
    h.record(ORG, "cont_1", "Ann", body={"id": "cont_1"})
    assert [e.contact_id for e in h.recent(ORG)] == ["cont_1"]
    assert not wal.is_symlink()  # SQLite's own file again
    assert said == ["Removed a link left at the history's side file history.sqlite3-wal"]
    h.close()
    _untouched(target, content)


def test_a_side_file_link_of_another_user_turns_history_off_and_says_how_to_fix_it(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, content = _other_apps_database(tmp_path / "elsewhere")
    history = tmp_path / "data" / "history.sqlite3"
    _made_and_closed(history)
    shm = Path(f"{history}-shm")
    shm.unlink(missing_ok=True)
    shm.symlink_to(target)
    if not ROOT:
        pytest.skip("only root can give a link to another user")
    os.lchown(shm, OTHER_UID, OTHER_UID)
    window = make_window(history_path=history)
    assert window.notice_banner.title == "Recent contacts are off"
    assert "history.sqlite3-shm is not a file of yours" in window.notice_banner.message
    assert "Remove it" in window.notice_banner.message
    window.close()
    assert shm.is_symlink()
    _untouched(target, content)


@pytest.mark.parametrize("how", ["another user's", "writable by others"])
def test_a_folder_others_own_or_can_change_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    if how == "another user's":
        _someone_elses(folder, monkeypatch, history_files)
    else:
        folder.chmod(0o777)
    h = History(folder / "history.sqlite3")
    h.record(ORG, "cont_1", "Ann", body={"id": "cont_1"})
    assert not h.enabled and h.recent(ORG) == []
    assert ("belongs to another user" if how == "another user's" else "chmod 700") in h.disabled_reason
    assert list(folder.iterdir()) == []  # nothing created there


# --- the log ------------------------------------------------------------------------------


def test_the_log_is_the_reps_alone_and_holds_no_searched_text(
    qtbot: QtBot, make_window: MakeWindow, log_dir: Path
) -> None:
    window = make_window()
    searched = ("zq.unlikely.person@nowhere-example.org", "Zebulon Quixotic", "+44 20 7946 0123")
    for text in searched:
        lookup(qtbot, window, text)  # no contact matches: said, and logged
    window.close()
    log = _log(log_dir)
    assert log.count("Lookup failed") == 3  # (the failures were logged)
    for text in searched:
        assert text.lower() not in log.lower()
    assert "+442079460123" not in log  # nor as searched (E.164)
    assert stat.S_IMODE((log_dir / "close-viewer.log").stat().st_mode) == 0o600
    assert stat.S_IMODE(log_dir.stat().st_mode) == 0o700


def test_an_older_log_and_folder_are_made_private(tmp_path: Path) -> None:
    from close_viewer.logs import setup_logging

    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    (folder / "close-viewer.log").write_text("an older line\n")
    (folder / "close-viewer.log").chmod(0o644)
    path = setup_logging(folder)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert path.read_text().startswith("an older line\n")  # appended to, not replaced


# --- clear history reaches every window ----------------------------------------------------


def test_clear_reaches_another_history_on_the_same_file_and_loses_no_lookup(tmp_path: Path) -> None:
    path = tmp_path / "data" / "history.sqlite3"
    first, second = History(path), History(path)  # two windows (--new-window)
    for n in range(40):
        (first if n % 2 else second).record(ORG, f"cont_{n}", f"Person {n}", body={"id": f"cont_{n}"})
    first.clear()
    assert second.recent(ORG) == [] and second.saved_copy(ORG, "cont_1") is None
    second.record(ORG, "cont_b", "After, in the second", body={"id": "cont_b"})
    first.record(ORG, "cont_a", "After, in the first", body={"id": "cont_a"})
    for h in (first, second):
        assert [e.contact_id for e in h.recent(ORG)] == ["cont_a", "cont_b"]
    for h in (first, second):
        h.settle()  # (a background checkpoint's connection would remove the -wal as files are read)
        h.close()
    again = History(path)
    assert [e.contact_id for e in again.recent(ORG)] == ["cont_a", "cont_b"]  # none lost
    assert again.saved_copy(ORG, "cont_b") is not None
    again.settle()
    again.close()
    data = b"".join(p.read_bytes() for p in path.parent.iterdir())
    assert b"Person 1" not in data  # and the cleared ones are gone from the file


def test_clear_in_one_window_reaches_a_second_window(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    history = tmp_path / "data" / "history.sqlite3"
    first = make_window(history_path=history)
    second = make_window(history_path=history)  # --new-window
    lookup(qtbot, first, DEMO_CONTACT_ID)
    lookup(qtbot, second, CARLOS)
    second.show_recent()
    assert [r[0] for r in rows(second, "recentContacts")] == ["Carlos Fernández", MARIA]
    first.clear_history()
    second.show_recent()
    view = second.findChild(QTableView, "recentContacts")
    assert view.model().rowCount() == 0  # the cleared contacts are not listed
    assert second.keeper is not None and second.keeper.saved_copy(DEMO_CONTACT_ID) is None
    lookup(qtbot, second, DEMO_CONTACT_ID)  # a lookup after the clear, in the second window
    first.show_recent()
    assert [r[0] for r in rows(first, "recentContacts")] == [MARIA]  # kept, and seen by the first
