"""The history file: a real SQLite file in a temporary folder, reopened as a restart would."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from close_viewer.core import history as history_module
from close_viewer.core.history import SCHEMA_V1, SCHEMA_VERSION, History

ORG_A, ORG_B = "orga_A", "orga_B"


def test_entries_survive_a_restart_newest_first(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    first = History(path)
    first.record(ORG_A, "cont_1", "Ann", "CFO", "Acme", {"id": "cont_1", "name": "Ann"})
    first.record(ORG_A, "cont_2", "Bob", body={"id": "cont_2"})
    first.record(ORG_A, "cont_1", "Ann Lee", "CFO")  # opened again: back to the top, renamed
    first.close()
    again = History(path)
    assert [(e.contact_id, e.name, e.company) for e in again.recent(ORG_A)] == [
        ("cont_1", "Ann Lee", "Acme"),  # the company is not lost when a later record has none
        ("cont_2", "Bob", ""),
    ]
    copy = again.saved_copy(ORG_A, "cont_1")
    assert copy is not None and copy.body == {"id": "cont_1", "name": "Ann"}
    assert [e.contact_id for e in again.recent(ORG_A, "lee")] == ["cont_1"]
    assert [e.contact_id for e in again.recent(ORG_A, "acme")] == ["cont_1"]
    assert again.recent(ORG_A, "100%_") == []  # LIKE wildcards are text, not patterns
    again.record(ORG_A, "cont_3", "María José", company="Acme Iberia")
    for typed in ("maria", "MARÍA", "jose", "ia jo", "iberia", "ma"):  # any case, accents or not
        assert [e.contact_id for e in again.recent(ORG_A, typed)][:1] == ["cont_3"], typed


def test_the_read_at_open_reads_the_current_schema(tmp_path: Path) -> None:
    # The background read that warms the disk cache at open swallows errors (it must never
    # stop the app): so check here that each of its statements runs on this schema.
    path = tmp_path / "history.sqlite3"
    history = History(path)
    history.record(ORG_A, "cont_1", "Ann", "CFO", "Acme", {"id": "cont_1"})
    history.settle()
    db = sqlite3.connect(path)
    for read in history_module.WARM_READS:
        db.execute(read).fetchall()
    db.close()
    history.close()


def test_organizations_never_see_each_other(tmp_path: Path) -> None:
    h = History(tmp_path / "h.sqlite3")
    h.record(ORG_A, "cont_1", "Ann", body={"id": "cont_1"})
    h.record(ORG_B, "cont_2", "Bob", body={"id": "cont_2"})
    assert [e.contact_id for e in h.recent(ORG_A)] == ["cont_1"]
    assert h.saved_copy(ORG_B, "cont_1") is None
    assert h.recent("") == [] and h.saved_copy("", "cont_1") is None  # organization unknown: nothing


def test_the_file_is_the_owners_only(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    History(path).record(ORG_A, "cont_1", "Ann", body={"id": "cont_1"})
    for name in (path, Path(f"{path}-wal")):
        assert stat.S_IMODE(name.stat().st_mode) == 0o600


def test_copies_off_keeps_ids_and_names_and_old_copies_are_pruned(tmp_path: Path) -> None:
    h = History(tmp_path / "h.sqlite3")
    h.record(ORG_A, "cont_1", "Ann", body={"id": "cont_1"})
    h.prune(now=__import__("time").time() + 31 * 86_400)
    assert h.saved_copy(ORG_A, "cont_1") is None and h.recent(ORG_A)  # the entry stays
    h.record(ORG_A, "cont_2", "Bob", body={"id": "cont_2"})
    h.keep_copies = False
    h.drop_copies()
    h.record(ORG_A, "cont_3", "Cy", body={"id": "cont_3"})
    assert h._run("SELECT count(*) FROM saved") == [(0,)]
    assert [e.contact_id for e in h.recent(ORG_A)] == ["cont_3", "cont_2", "cont_1"]
    h.keep_copies = True
    h.record(ORG_A, "cont_4", "Huge", body={"id": "cont_4"}, rows=history_module.SAVED_COPY_MAX_ROWS + 1)
    assert h.saved_copy(ORG_A, "cont_4") is None and h.recent(ORG_A)[0].contact_id == "cont_4"


def test_clear_removes_everything_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    h = History(path)
    h.record(ORG_A, "cont_1", "Very Distinctive Name", body={"id": "cont_1", "note": "secret-ish note"})
    h.clear()
    assert h.recent(ORG_A) == []
    h.close()
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("h.sqlite3"))
    assert b"Very Distinctive Name" not in data and b"secret-ish note" not in data


def test_upgrade_from_the_first_schema(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_V1)
    db.execute("INSERT INTO entries VALUES ('orga_A', 'cont_old', 'Old Entry', 'Acme', 1700000000)")
    db.execute("INSERT INTO saved VALUES ('orga_A', 'cont_old', 1700000000, '{\"id\": \"cont_old\"}')")
    db.execute("PRAGMA user_version=1")
    db.commit()
    db.close()
    h = History(path, keep_days=100_000)
    assert h.reset_reason == "" and h.enabled
    assert [(e.contact_id, e.name, e.title) for e in h.recent(ORG_A)] == [("cont_old", "Old Entry", "")]
    assert h.saved_copy(ORG_A, "cont_old") is not None
    assert h._run("PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert [e.contact_id for e in h.recent(ORG_A, "old ent")] == ["cont_old"]  # indexed for search
    h.record(ORG_A, "cont_new", "New", "Buyer")
    assert h.recent(ORG_A)[0].title == "Buyer"


def test_a_damaged_file_is_moved_aside_and_history_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    h = History(path)
    assert h.enabled and "could not be read" in h.reset_reason
    kept = [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not")  # kept for support
    h.record(ORG_A, "cont_1", "Ann")
    assert [e.contact_id for e in History(path).recent(ORG_A)] == ["cont_1"]


def test_a_file_from_a_newer_version_is_not_touched_but_kept(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version=99")
    db.commit()
    db.close()
    h = History(path)
    assert h.enabled and h.reset_reason
    assert any(".damaged-" in p.name for p in tmp_path.iterdir())


def test_a_full_disk_turns_history_off_with_one_reason(tmp_path: Path) -> None:
    h = History(tmp_path / "h.sqlite3")
    assert h._db is not None
    pages = h._db.execute("PRAGMA page_count").fetchone()[0]
    h._db.execute(f"PRAGMA max_page_count={pages}")
    h.record(ORG_A, "cont_1", "Ann", body={"id": "cont_1", "padding": "x" * 200_000})
    assert not h.enabled and "full" in h.disabled_reason
    h.record(ORG_A, "cont_2", "Bob")  # and then nothing fails
    assert h.recent(ORG_A) == []


def test_a_folder_that_cannot_be_created_turns_history_off(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    h = History(blocker / "h.sqlite3")
    assert not h.enabled and str(tmp_path) in h.disabled_reason
    assert h.recent(ORG_A) == [] and h.saved_copy(ORG_A, "cont_1") is None


READ_ONLY_PROBE = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from close_viewer.core.history import History
h = History(Path(sys.argv[2]) / "h.sqlite3")
h.record("orga_A", "cont_1", "Ann")
print(h.enabled, "|", h.disabled_reason)
"""


def test_a_read_only_folder_turns_history_off(tmp_path: Path) -> None:
    """As a user who cannot write the folder (root can write anywhere, so the probe runs
    as `nobody` when the tests run as root, on a copy of the Qt-free core it can read)."""
    folder = Path(tempfile.mkdtemp(prefix="close-viewer-ro-"))
    try:
        package = Path(history_module.__file__).parent.parent
        code = folder / "code" / "close_viewer"
        (code / "core").mkdir(parents=True)
        shutil.copy(package / "__init__.py", code)
        for module in (package / "core").glob("*.py"):
            shutil.copy(module, code / "core")
        data = folder / "data"
        data.mkdir()
        for p in (folder, *folder.rglob("*")):
            p.chmod(0o755 if p.is_dir() else 0o644)
        if os.geteuid() == 0:
            os.chown(data, 65534, 65534)  # the probe's own folder, which it cannot write
        data.chmod(0o555)
        python = sys.executable
        preexec = None
        if os.geteuid() == 0:
            python = "/usr/bin/python3"  # the system's, which `nobody` may run
            if not os.access(python, os.X_OK):
                pytest.skip("no system python3 for the unprivileged probe")

            def preexec() -> None:  # type: ignore[misc]
                os.setgid(65534)
                os.setuid(65534)

        out = subprocess.run(
            [python, "-c", READ_ONLY_PROBE, str(folder / "code"), str(data)],
            capture_output=True,
            text=True,
            timeout=30,
            preexec_fn=preexec,
            cwd=folder,
        )
        assert out.returncode == 0, out.stderr
        enabled, reason = out.stdout.split("|", 1)
        assert enabled.strip() == "False" and "cannot be written" in reason
    finally:
        (folder / "data").chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def test_many_entries_stay_bounded(tmp_path: Path) -> None:
    h = History(tmp_path / "h.sqlite3")
    for n in range(120):
        h.record(ORG_A, f"cont_{n:03d}", f"Person {n}")
    recent = h.recent(ORG_A)
    assert len(recent) == 50 and recent[0].contact_id == "cont_119"


@pytest.mark.parametrize("bad", [b"", b"SQLite format 3\x00" + b"\xff" * 200])
def test_empty_or_truncated_files_never_stop_the_app(tmp_path: Path, bad: bytes) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(bad)
    h = History(path)
    h.record(ORG_A, "cont_1", "Ann")
    assert [e.contact_id for e in h.recent(ORG_A)] == ["cont_1"]


def _deep(levels: int) -> dict[str, object]:
    """A body nested `levels` deep (json.loads takes about 990)."""
    inner: object = []
    for _ in range(levels):
        inner = [inner]
    return {"id": "cont_deep", "name": "Deep", "notes": inner}


def test_a_contact_too_deep_or_not_json_is_not_saved_and_never_raises(tmp_path: Path) -> None:
    said: list[str] = []
    h = History(tmp_path / "h.sqlite3", log=said.append)
    h.record(ORG_A, "cont_deep", "Deep", body={"id": "cont_deep", "note": "an old copy"})
    circular: dict[str, object] = {"id": "cont_loop"}
    circular["self"] = circular
    for contact_id, body in (
        ("cont_deep", _deep(985)),  # json.dumps hit the recursion limit here
        ("cont_loop", circular),
        ("cont_set", {"id": "cont_set", "tags": {"a", "b"}}),  # not JSON at all
    ):
        h.record(ORG_A, contact_id, "Odd", body=body)
        assert h.saved_copy(ORG_A, contact_id) is None  # not saved, and no stale copy left
    assert [e.contact_id for e in h.recent(ORG_A)] == ["cont_set", "cont_loop", "cont_deep"]
    assert len(said) == 3 and all("was not kept" in line for line in said)
    assert not any("Odd" in line or "an old copy" in line for line in said)  # never its content
    assert h.enabled


def test_a_deep_copy_saved_earlier_is_not_read_back(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    h = History(path)
    h.record(ORG_A, "cont_deep", "Deep", body={"id": "cont_deep"})
    # As an older version saved it: 985 levels, which json.loads takes.
    h._run("UPDATE saved SET body = ?", ('{"id": "cont_deep", "x": ' + "[" * 985 + "]" * 985 + "}",))
    assert h.saved_copy(ORG_A, "cont_deep") is None
    h._run("UPDATE saved SET body = ?", ("[" * 100_000 + "]" * 100_000,))  # json.loads: RecursionError
    assert h.saved_copy(ORG_A, "cont_deep") is None
    assert h.recent(ORG_A)[0].contact_id == "cont_deep" and h.enabled


KEY = "api_7Hq2LkZ9xWvB3nR8tYp4Ms6Dc1Fg.0aJe"


def test_the_key_echoed_in_contact_data_is_never_stored(tmp_path: Path) -> None:
    from close_viewer.core.credentials import secret_forms

    path = tmp_path / "h.sqlite3"
    h = History(path)
    h.secrets = lambda: secret_forms(KEY)  # as the window hands in every key it holds
    body = {
        "id": "cont_1",
        "name": f"Echo {KEY}",
        "notes": [{"text": f"key={KEY}"}, {"nested": {"deeper": f"\u201c{KEY}\u201d"}}],
        f"field_{KEY}": 1,
    }
    h.record(ORG_A, "cont_1", f"Echo {KEY}", f"title {KEY}", f"Co {KEY}", body)
    h.set_company(ORG_A, "cont_1", f"Later {KEY}")
    copy = h.saved_copy(ORG_A, "cont_1")
    assert copy is not None and copy.body["name"] == "Echo •••"
    assert copy.body["notes"][0] == {"text": "key=•••"}
    assert h.recent(ORG_A)[0].name == "Echo •••"
    h.close()
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("h.sqlite3"))
    for form in (KEY, KEY.replace(".", "\\u002e")):
        assert form.encode() not in data
    assert b"Echo" in data  # (the file was read)


def test_the_write_ahead_log_stays_small(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    h = History(path)
    wal = Path(f"{path}-wal")
    biggest = 0
    for n in range(120):  # 120 lookups of contacts with 100 KB saved copies: 12 MB written
        h.record(ORG_A, f"cont_{n}", f"Person {n}", body={"id": f"cont_{n}", "notes": "x" * 100_000})
        h.settle()  # (the background checkpoint has run, as between a rep's lookups)
        biggest = max(biggest, wal.stat().st_size)
    assert biggest < 4_000_000, biggest  # it reached 16-26 MB in a session
    assert h.saved_copy(ORG_A, "cont_119") is not None
