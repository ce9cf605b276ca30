"""`close-viewer CONTACT` with a key at hand: the contact is asked for right after the first
paint, before the rest of the window is built; its answer shows in the header and title
first, then in full. Whatever happens to that lookup, the window ends up whole and usable."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from close_viewer import logs
from close_viewer.core.model import Contact
from close_viewer.demo import DEMO_CONTACT_ID, DemoServer
from close_viewer.ui import main_window
from close_viewer.ui.main_window import MainWindow
from close_viewer.ui.startup import _FirstPaint
from tests.conftest import MakeWindow
from tests.test_recent import MARIA, AlteredFetcher, _dead_url, _deep, _open_and_close
from tests.test_window import STATUSES, lookup, rows


def test_the_contact_is_named_before_the_rest_of_the_window_is_built(
    qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer, tmp_path: Path
) -> None:
    titles: list[tuple[str, bool, str, str]] = []

    def watch(window: MainWindow) -> None:
        window.windowTitleChanged.connect(
            lambda title: titles.append(
                (title, window.is_ready, window.header.name_label.text(), window.tabs.tabText(0))
            )
        )

    history = tmp_path / "history.sqlite3"
    window = make_window(contact=DEMO_CONTACT_ID, history_path=history, before_show=watch)
    # The title and the header named her while the rest of the window was still to be built
    # (its tabs, still empty, claim no count).
    assert titles[0] == (MARIA, False, MARIA, "Emails")
    assert window.tabs.tabText(0) == "Emails (3)"
    # The contact was the first thing asked; the key's check (GET /me/) came after it.
    assert demo_server.seen[0].path == f"/api/v1/contact/{DEMO_CONTACT_ID}/"
    qtbot.waitUntil(lambda: any(s.path == "/api/v1/me/" for s in demo_server.seen), timeout=5000)
    # Then the whole contact: tables, recent contacts, the card.
    assert window.contact is not None and window.contact.id == DEMO_CONTACT_ID
    assert any("@" in cell for row in rows(window, "emailsView") for cell in row)
    qtbot.waitUntil(lambda: window.header.card is not None, timeout=5000)
    assert window.keeper is not None
    assert [entry.name for entry in window.keeper.recent()] == [MARIA]
    assert window.fetch_button.text() == "Fetch"
    assert isinstance(lookup(qtbot, window, STATUSES), Contact)  # and it goes on as usual


def test_a_failed_start_up_lookup_shows_the_saved_copy_and_says_why(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    history = tmp_path / "data" / "history.sqlite3"
    _open_and_close(qtbot, make_window, history, DEMO_CONTACT_ID)
    window = make_window(contact=DEMO_CONTACT_ID, history_path=history, base_url=_dead_url())
    qtbot.waitUntil(lambda: window.error_banner.isVisible(), timeout=10_000)
    assert window.is_ready
    assert window.header.name_label.text() == MARIA
    assert window.header.stale_label.text().endswith("· not refreshed")
    assert "Showing the saved copy of" in window.error_banner.message


def test_a_wrong_key_at_start_is_said_in_the_window(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(key="not-a-valid-key-1234", contact=DEMO_CONTACT_ID)
    qtbot.waitUntil(lambda: window.error_banner.isVisible(), timeout=10_000)
    assert "did not accept this API key" in window.error_banner.message
    assert window.contact is None
    assert window.is_ready


def test_a_slow_start_up_lookup_builds_the_window_and_can_be_cancelled(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window(contact="cont_slow")  # returns once the window is built
    assert window.fetch_button.text() == "Cancel"
    assert window.progress.isVisible()
    assert window.statusBar().currentMessage() == "Looking up cont_slow…"
    with qtbot.waitSignal(window.fetcher.cancelled, timeout=1000):
        qtbot.keyClick(window.contact_edit, Qt.Key.Key_Escape)
    assert window.fetch_button.text() == "Fetch"
    assert isinstance(lookup(qtbot, window, DEMO_CONTACT_ID), Contact)


def test_closing_during_the_start_up_lookup_stops_its_thread(
    qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_window, "EARLY_WAIT_MS", 60_000)  # however slow this machine, still early
    window = make_window(contact="cont_slow", built=False)
    qtbot.waitUntil(lambda: bool(demo_server.seen))  # the lookup is in flight
    assert not window.is_ready
    window.close()
    assert not window.fetcher._thread.isRunning()
    window._early_wait_over()  # the head start's timer, if it fires now, builds nothing
    assert not window.is_ready


def test_closing_as_the_early_answer_shows_builds_nothing_more(qtbot: QtBot, make_window: MakeWindow) -> None:
    answered: list[str] = []

    def close_on_answer(window: MainWindow) -> None:
        def close(title: str) -> None:
            answered.append(title)
            window.close()

        window.windowTitleChanged.connect(close)

    window = make_window(contact=DEMO_CONTACT_ID, before_show=close_on_answer, built=False)
    qtbot.waitUntil(lambda: answered == [MARIA], timeout=10_000)
    qtbot.waitUntil(lambda: not window.findChildren(_FirstPaint), timeout=5000)  # its paint watch fired
    assert not window.is_ready  # the rest was not built for a closed window…
    assert not window.fetcher._thread.isRunning()  # …and no thread was left running


def test_a_record_made_before_the_log_is_set_up_is_written_scrubbed_with_its_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logs, "_path", [])
    monkeypatch.setattr(logs, "_pending", [])
    logs.register_secret("early-secret-key-0042")
    then = time.time() - 3600  # made an hour before the log was set up
    with monkeypatch.context() as clock:
        clock.setattr(logs.time, "time", lambda: then)
        logs.info("Loaded contact %s with early-secret-key-0042", "cont_early")
    path = logs.setup_logging(tmp_path)
    (line,) = [ln for ln in path.read_text(encoding="utf-8").splitlines() if "cont_early" in ln]
    assert line.startswith(time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(then)))
    assert line.endswith("Loaded contact cont_early with •••")
    assert "early-secret-key-0042" not in line
    assert logs._pending == []


def test_a_start_up_contact_too_deep_to_save_still_finishes_the_window(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, demo_server: DemoServer
) -> None:
    """`close-viewer cont_x` with a key: the early answer is shown from inside window
    building; its history record hit the recursion limit there, and the window was never
    finished (no `ready`: no log, no crash handler, no hand-off socket)."""
    readies: list[bool] = []
    history = tmp_path / "history.sqlite3"
    window = make_window(
        contact=DEMO_CONTACT_ID,
        history_path=history,
        fetcher=AlteredFetcher(notes_deep=_deep(985)),
        before_show=lambda w: w.ready.connect(lambda: readies.append(True)),
        built=False,
    )
    qtbot.waitUntil(lambda: readies == [True], timeout=10_000)
    assert window.contact is not None and window.contact.id == DEMO_CONTACT_ID
    assert window.tabs.tabText(0) == "Emails (3)"
    qtbot.waitUntil(lambda: window.header.card is not None, timeout=5000)
    assert window.keeper is not None and [e.name for e in window.keeper.recent()] == [MARIA]
    assert window.keeper.saved_copy(DEMO_CONTACT_ID) is None
