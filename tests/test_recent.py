"""Recent contacts in the window: a real history file in a temporary data folder, real
windows closed and opened again as restarts, the demo server (or no server: offline)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from close_viewer.core import errors
from close_viewer.core.api import CloseClient
from close_viewer.core.cancel import CancelToken
from close_viewer.core.credentials import Credential
from close_viewer.core.history import History
from close_viewer.core.model import Contact
from close_viewer.demo import DEMO_API_KEY, DEMO_CONTACT_ID, DemoServer
from close_viewer.demo.samples import ORGANIZATION
from close_viewer.ui.fetcher import Fetcher
from close_viewer.ui.main_window import MainWindow
from tests.conftest import MakeWindow
from tests.test_window import lookup, rows

MARIA = "María José Fernández-Łukasiewicz"
CARLOS = "cont_Fz3Carlos8Fernandez2Q"


def _open_and_close(qtbot: QtBot, make_window: MakeWindow, history: Path, *contacts: str) -> None:
    window = make_window(history_path=history)
    for contact_id in contacts:
        lookup(qtbot, window, contact_id)
        qtbot.waitUntil(lambda: window.header.card is not None, timeout=5000)  # the company too
    window.close()


def _dead_url() -> str:
    """An address where nothing listens: the network is gone."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/v1"


def test_recent_contacts_survive_a_restart(qtbot: QtBot, make_window: MakeWindow, tmp_path: Path) -> None:
    history = tmp_path / "data" / "history.sqlite3"
    _open_and_close(qtbot, make_window, history, CARLOS, DEMO_CONTACT_ID)
    window = make_window(history_path=history)
    qtbot.keyClick(window.contact_edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    view = window.findChild(QTableView, "recentContacts")
    qtbot.waitUntil(view.isVisible)
    assert view.hasFocus()
    listed = rows(window, "recentContacts")
    assert [r[0] for r in listed] == [MARIA, "Carlos Fernández"]  # most recent first
    assert listed[0][1:3] == ["Head of Procurement", "Acme Iberia S.L."]  # title and company, not ids
    results: list[object] = []
    window.contact_shown.connect(results.append)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # Enter opens
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert window.contact is not None and window.contact.id == CARLOS


def test_offline_a_recent_contact_opens_from_its_saved_copy(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    history = tmp_path / "data" / "history.sqlite3"
    _open_and_close(qtbot, make_window, history, DEMO_CONTACT_ID)
    window = make_window(history_path=history, base_url=_dead_url())
    window.contact_edit.setText(DEMO_CONTACT_ID)
    window.fetch()
    # At once, before any answer: the saved copy, marked.
    assert window.header.name_label.text() == MARIA
    assert window.header.stale_label.text().startswith("Saved copy from ")
    assert window.header.stale_label.text().endswith("· refreshing…")
    assert window.header.lead_label.text() == "Acme Iberia S.L."  # the company as saved
    qtbot.waitUntil(lambda: window.error_banner.isVisible(), timeout=10_000)
    assert window.header.stale_label.text().endswith("· not refreshed")
    assert window.header.name_label.text() == MARIA  # the copy stays
    assert "Showing the saved copy of" in window.error_banner.message
    assert "connect" in window.error_banner.message.lower() or "reach" in window.error_banner.message.lower()


def test_a_timeout_keeps_the_saved_copy_and_says_why(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    history = tmp_path / "data" / "history.sqlite3"
    _open_and_close(qtbot, make_window, history, DEMO_CONTACT_ID)
    with DemoServer(latency=5) as slow:  # every answer 5 s late; this window waits 0.3 s
        fetcher = Fetcher(client_options={"timeout": (2.0, 0.3)})
        window = make_window(history_path=history, base_url=slow.base_url, fetcher=fetcher)
        window.contact_edit.setText(DEMO_CONTACT_ID)
        window.fetch()
        assert window.header.stale_label.text().endswith("· refreshing…")
        qtbot.waitUntil(lambda: window.error_banner.isVisible(), timeout=10_000)
        assert window.header.name_label.text() == MARIA  # the copy stays
        assert window.header.stale_label.text().endswith("· not refreshed")
        assert "did not answer within 0.3 seconds" in window.error_banner.message
        assert "Showing the saved copy of" in window.error_banner.message
        window.close()


def test_the_fresh_contact_replaces_the_saved_copy(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    history = tmp_path / "data" / "history.sqlite3"
    _open_and_close(qtbot, make_window, history, DEMO_CONTACT_ID)
    window = make_window(history_path=history)
    marks: list[str] = []
    window.contact_shown.connect(lambda _c: marks.append(window.header.stale_label.text()))
    window.contact_edit.setText(DEMO_CONTACT_ID)
    window.fetch()
    assert window.header.stale_label.text().endswith("· refreshing…")
    qtbot.waitUntil(lambda: bool(marks), timeout=5000)
    assert window.header.stale_label.isHidden()


def test_another_organization_is_neither_listed_nor_shown(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, demo_server: DemoServer
) -> None:
    history = tmp_path / "data" / "history.sqlite3"
    other = History(history)  # another organization opened the same contact id here earlier
    other.record("orga_SomeoneElse", DEMO_CONTACT_ID, "Their Secret Name", body={"id": DEMO_CONTACT_ID})
    other.record("orga_SomeoneElse", "cont_TheirOwn", "Their Own Contact", body={"id": "cont_TheirOwn"})
    other.close()
    window = make_window(history_path=history)
    qtbot.waitUntil(lambda: window.keeper is not None and window.keeper.organization_id == ORGANIZATION["id"])
    window.show_recent()
    assert rows(window, "recentContacts") == []
    window.contact_edit.setText(DEMO_CONTACT_ID)
    window.fetch()
    assert window.header.name_label.text() != "Their Secret Name"  # no saved copy of theirs
    qtbot.waitUntil(lambda: window.contact is not None, timeout=5000)
    assert window.contact.shown_name == MARIA
    # A key Close has not placed yet (here: one it rejects) has no history at all.
    window.key_edit.setText("a-key-from-elsewhere")
    window.key_edit.editingFinished.emit()
    assert window.keeper.organization_id == ""
    window.show_recent()
    assert rows(window, "recentContacts") == []


def test_type_ahead_offers_recent_contacts_before_any_search(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, demo_server: DemoServer
) -> None:
    history = tmp_path / "data" / "history.sqlite3"
    _open_and_close(qtbot, make_window, history, DEMO_CONTACT_ID)
    window = make_window(history_path=history)
    searches_before = sum(s.path.endswith("/data/search/") for s in demo_server.seen)
    window.contact_edit.setFocus()
    qtbot.keyClicks(window.contact_edit, "Mar")  # (QTest types ASCII only)
    assert window.results.isVisible()  # at once, from the history file
    assert rows(window, "searchResults")[0][0] == MARIA
    assert sum(s.path.endswith("/data/search/") for s in demo_server.seen) == searches_before
    window.contact_edit.clear()
    window.contact_edit.textEdited.emit("")  # an empty field suggests the recent contacts
    assert window.findChild(QTableView, "recentContacts").isVisible()


def test_clear_history_and_copies_off(qtbot: QtBot, make_window: MakeWindow, tmp_path: Path) -> None:
    history = tmp_path / "data" / "history.sqlite3"
    window = make_window(history_path=history)
    lookup(qtbot, window, DEMO_CONTACT_ID)
    keep = window.findChild(QAction, "keepSavedCopiesAction")
    assert keep.isChecked()
    keep.trigger()  # File → Keep saved copies for offline use, turned off
    assert not window.settings.keep_saved_copies
    assert window.keeper is not None and window.keeper.saved_copy(DEMO_CONTACT_ID) is None
    lookup(qtbot, window, CARLOS)
    assert window.keeper.saved_copy(CARLOS) is None  # only ids and names now
    assert [e.contact_id for e in window.keeper.recent()] == [CARLOS, DEMO_CONTACT_ID]
    window.clear_history()
    window.show_recent()
    assert rows(window, "recentContacts") == []
    window.close()
    data = b"".join(p.read_bytes() for p in history.parent.iterdir() if p.name.startswith("history"))
    assert b"Carlos" not in data and MARIA.encode() not in data


def test_the_key_is_never_in_the_history_or_the_settings(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, settings_path: Path
) -> None:
    history = tmp_path / "data" / "history.sqlite3"
    _open_and_close(qtbot, make_window, history, DEMO_CONTACT_ID, CARLOS)
    files = [*history.parent.iterdir(), settings_path]
    data = b"".join(p.read_bytes() for p in files if p.is_file())
    assert MARIA.encode() in data  # the history is there…
    assert DEMO_API_KEY.encode() not in data  # …the key is not


def test_a_damaged_history_is_reset_with_one_notice_and_lookups_work(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    history = tmp_path / "data" / "history.sqlite3"
    history.parent.mkdir(parents=True, exist_ok=True)
    history.write_bytes(b"\x00garbage" * 500)
    window = make_window(history_path=history)
    assert window.notice_banner.isVisible() and window.notice_banner.title == "History was reset"
    assert lookup(qtbot, window, DEMO_CONTACT_ID).__class__.__name__ == "Contact"
    assert [e.contact_id for e in window.keeper.recent()] == [DEMO_CONTACT_ID]


def test_history_that_cannot_be_written_is_off_with_one_notice(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the data folder should be")
    window = make_window(history_path=blocker / "history.sqlite3")
    assert window.notice_banner.isVisible() and window.notice_banner.title == "Recent contacts are off"
    assert lookup(qtbot, window, DEMO_CONTACT_ID).__class__.__name__ == "Contact"
    window.show_recent()
    assert rows(window, "recentContacts") == []


def test_old_saved_copies_are_deleted_at_start(qtbot: QtBot, make_window: MakeWindow, tmp_path: Path) -> None:
    history = tmp_path / "data" / "history.sqlite3"
    old = History(history)
    old.record(ORGANIZATION["id"], DEMO_CONTACT_ID, MARIA, body={"id": DEMO_CONTACT_ID})
    old.record(ORGANIZATION["id"], CARLOS, "Carlos", body={"id": CARLOS})
    old._run("UPDATE saved SET saved_at = saved_at - 31 * 86400 WHERE contact_id = ?", (CARLOS,))
    old.close()
    window = make_window(history_path=history)  # 30 days by default
    assert window.keeper is not None
    window.keeper.set_organization(ORGANIZATION["id"])
    assert window.keeper.saved_copy(CARLOS) is None
    assert window.keeper.saved_copy(DEMO_CONTACT_ID) is not None
    assert [e.contact_id for e in window.keeper.recent()] == [CARLOS, DEMO_CONTACT_ID]  # entries stay


def test_a_server_error_keeps_the_saved_copy_and_says_why(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    from close_viewer.demo.samples import load_samples

    history = tmp_path / "data" / "history.sqlite3"
    seeded = History(history)  # opened earlier, when Close still answered for it
    body = dict(load_samples()[DEMO_CONTACT_ID], id="cont_fault500")
    seeded.record(ORGANIZATION["id"], "cont_fault500", MARIA, body=body)
    seeded.close()
    window = make_window(history_path=history)
    qtbot.waitUntil(lambda: window.keeper is not None and window.keeper.organization_id == ORGANIZATION["id"])
    window.contact_edit.setText("cont_fault500")
    window.fetch()
    assert window.header.stale_label.text().endswith("· refreshing…")
    qtbot.waitUntil(lambda: window.error_banner.isVisible(), timeout=10_000)
    assert (
        "HTTP 500" in window.error_banner.message
        and "Showing the saved copy of" in window.error_banner.message
    )
    assert window.header.stale_label.text().endswith("· not refreshed")
    assert window.header.id_label.text() == "cont_fault500"


def test_a_slow_refresh_keeps_the_saved_copy_mark(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    from close_viewer.demo.samples import load_samples

    history = tmp_path / "data" / "history.sqlite3"
    seeded = History(history)
    seeded.record(
        ORGANIZATION["id"], "cont_slow", MARIA, body=dict(load_samples()[DEMO_CONTACT_ID], id="cont_slow")
    )
    seeded.close()
    window = make_window(history_path=history)
    qtbot.waitUntil(lambda: window.keeper is not None and window.keeper.organization_id == ORGANIZATION["id"])
    window.contact_edit.setText("cont_slow")  # Close takes 5 s to answer this one
    window.fetch()
    qtbot.waitUntil(lambda: not window._previous_timer.isActive(), timeout=2000)  # past the 300 ms mark
    assert window.fetcher.busy
    assert window.header.stale_label.text().endswith("· refreshing…")  # not "Previous contact"
    window.escape()  # cancelled: no refresh is coming any more
    assert window.header.stale_label.text().endswith("· not refreshed")


def test_demo_mode_writes_nothing_about_its_key(
    qtbot: QtBot, demo_server: DemoServer, tmp_path: Path, settings_path: Path
) -> None:
    from PySide6.QtCore import QSettings

    from close_viewer.ui.main_window import StartOptions
    from close_viewer.ui.settings import AppSettings

    options = StartOptions(
        base_url=demo_server.base_url,
        session_key=DEMO_API_KEY,
        session_key_source="demo mode",
        use_keychain=False,
        history_path=str(tmp_path / "data" / "history-demo.sqlite3"),
    )
    window = MainWindow(
        options, settings=AppSettings(QSettings(str(settings_path), QSettings.Format.IniFormat))
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.is_ready)
    lookup(qtbot, window, DEMO_CONTACT_ID)
    assert window.keeper is not None and [e.contact_id for e in window.keeper.recent()] == [DEMO_CONTACT_ID]
    window.close()
    text = settings_path.read_text() if settings_path.exists() else ""
    assert "organization_of" not in text and "salt" not in text and DEMO_API_KEY not in text


def _deep(levels: int) -> object:
    inner: object = []
    for _ in range(levels):
        inner = [inner]
    return inner


class AlteredFetcher(Fetcher):
    """Fetches the contact from the demo server for real, then alters its raw answer as a
    hostile server could have (the parsed contact is left as it was)."""

    def __init__(self, **extra: object) -> None:
        super().__init__()
        self.extra = extra

    def fetch(
        self, base_url: str, contact_id: str, credential: Credential, fields: tuple[str, ...] = ()
    ) -> int:
        import dataclasses

        def work(client: CloseClient, token: CancelToken) -> object:
            contact = client.fetch_contact(contact_id, credential, list(fields), token)
            return dataclasses.replace(contact, raw={**contact.raw, **self.extra})

        return self.run(base_url, work, contact_id, "looking up the contact")


def _card_and_timeline_loaded(qtbot: QtBot, window: MainWindow, demo_server: DemoServer) -> None:
    qtbot.waitUntil(lambda: window.header.card is not None, timeout=5000)  # the card
    qtbot.waitUntil(lambda: any(s.path == "/api/v1/activity/" for s in demo_server.seen), timeout=5000)
    panel = window.tabs.activity
    assert panel is not None and panel.contact_id == DEMO_CONTACT_ID  # the timeline


def test_a_contact_too_deep_to_save_shows_with_its_card_and_timeline(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, demo_server: DemoServer
) -> None:
    history = tmp_path / "data" / "history.sqlite3"
    window = make_window(history_path=history, fetcher=AlteredFetcher(notes_deep=_deep(985)))
    contact = lookup(qtbot, window, DEMO_CONTACT_ID)  # json.dumps hit the recursion limit here
    assert window.contact is contact and window.header.name_label.text() == MARIA
    _card_and_timeline_loaded(qtbot, window, demo_server)
    assert window.keeper is not None
    organization = window.keeper.organization_id
    window.keeper.history.record(organization, "cont_direct", "Direct", body={"x": _deep(985)})  # no raise
    assert [e.name for e in window.keeper.recent()] == ["Direct", MARIA]  # remembered…
    assert window.keeper.saved_copy(DEMO_CONTACT_ID) is None  # …with no copy
    assert isinstance(lookup(qtbot, window, CARLOS), Contact)  # and the window goes on


def test_a_follow_up_that_fails_never_stops_the_contact_or_the_others(
    qtbot: QtBot,
    make_window: MakeWindow,
    tmp_path: Path,
    demo_server: DemoServer,
    log_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from close_viewer.ui.recent import HistoryKeeper

    def broken(*_args: object) -> None:
        raise RuntimeError("history broke")

    monkeypatch.setattr(HistoryKeeper, "record", broken)
    window = make_window(history_path=tmp_path / "data" / "history.sqlite3")
    shown: list[object] = []
    window.contact_shown.connect(shown.append)
    assert isinstance(lookup(qtbot, window, DEMO_CONTACT_ID), Contact)
    assert len(shown) == 1 and window.header.name_label.text() == MARIA
    _card_and_timeline_loaded(qtbot, window, demo_server)  # the steps after it still ran
    log = (log_dir / "close-viewer.log").read_text(encoding="utf-8")
    assert "Could not finish saving the contact to history: RuntimeError" in log


def test_a_deep_saved_copy_offline_leaves_no_stuck_window(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    history = tmp_path / "data" / "history.sqlite3"
    _open_and_close(qtbot, make_window, history, DEMO_CONTACT_ID)
    h = History(history)  # as an older version saved it: a custom field 985 levels deep
    copy = h.saved_copy(ORGANIZATION["id"], DEMO_CONTACT_ID)
    assert copy is not None
    deep = json.dumps(copy.body)[:-1] + ', "custom.cf_deep": ' + "[" * 985 + "]" * 985 + "}"
    h._run("UPDATE saved SET body = ?", (deep,))
    h.close()
    window = make_window(history_path=history, base_url=_dead_url())
    error = lookup(qtbot, window, DEMO_CONTACT_ID)  # offline: the copy cannot be shown safely
    assert isinstance(error, errors.CloseViewerError) and window.error_banner.isVisible()
    assert window.fetch_button.text() == "Fetch"  # not stuck: another lookup can be made
    assert isinstance(lookup(qtbot, window, DEMO_CONTACT_ID), errors.CloseViewerError)


def test_the_key_echoed_in_a_contact_is_not_in_the_history(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    history = tmp_path / "data" / "history.sqlite3"
    echo = {"name": f"Echo {DEMO_API_KEY}", "notes": [f"key: {DEMO_API_KEY}"]}
    window = make_window(history_path=history, fetcher=AlteredFetcher(**echo))
    assert isinstance(lookup(qtbot, window, DEMO_CONTACT_ID), Contact)
    assert window.keeper is not None and window.keeper.saved_copy(DEMO_CONTACT_ID) is not None
    window.close()
    data = b"".join(p.read_bytes() for p in history.parent.iterdir() if p.name.startswith("history"))
    assert b"Echo" in data  # the copy is there…
    assert DEMO_API_KEY.encode() not in data  # …the key is not
