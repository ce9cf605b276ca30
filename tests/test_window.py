"""The main window against the demo server over real sockets, offscreen."""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QTableView
from pytestqt.qtbot import QtBot

from close_viewer.core import errors
from close_viewer.core.model import Contact
from close_viewer.demo import DEMO_API_KEY, DEMO_CONTACT_ID, DemoServer
from close_viewer.ui.fetcher import Fetcher
from close_viewer.ui.main_window import MainWindow
from close_viewer.ui.table_models import Role
from tests.conftest import MakeWindow, MemoryKeyring

SECRET = "k3y-under-test-0123456789abcdef"
STATUSES = "cont_9Yc2Wq7LmXk4RtPz1NbV3H"


def lookup(qtbot: QtBot, window: MainWindow, text: str) -> object:
    window.contact_edit.setText(text)
    results: list[object] = []
    window.contact_shown.connect(results.append)
    window.error_shown.connect(results.append)
    qtbot.keyClick(window.contact_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: len(results) >= 1, timeout=10_000
    )  # (a wrong key may also be reported by its check)
    window.contact_shown.disconnect(results.append)
    window.error_shown.disconnect(results.append)
    return results[-1]


def rows(window: MainWindow, name: str) -> list[list[str]]:
    view = window.findChild(QTableView, name)
    model = view.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_names_not_ids_arrive_after_the_contact(
    qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QPushButton

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    window = make_window()
    qtbot.waitUntil(lambda: window.signed_in_label.text() == "Signed in as Jane Doe · Acme Inc.")
    lookup(qtbot, window, DEMO_CONTACT_ID)
    qtbot.waitUntil(lambda: window.header.card is not None, timeout=5000)
    header_text = " ".join(label.text() for label in window.header.findChildren(QLabel))
    assert "Acme Iberia S.L. · Customer" in header_text
    assert "by Jane Doe" in header_text  # created_by, from GET /user/
    assert "by a former user" in header_text  # updated_by: GET /user/{id}/ answered 404
    assert "user_" not in header_text and "orga_" not in header_text and "lead_" not in header_text
    paths = [s.path for s in demo_server.seen]
    assert "/api/v1/lead/lead_Vx3Qm9KpT2sLw7RbNz4HcYd/" in paths and "/api/v1/user/" in paths
    window.findChild(QPushButton, "openInCloseButton").click()
    assert opened == ["https://app.close.com/lead/lead_Vx3Qm9KpT2sLw7RbNz4HcYd/"]
    details = rows(window, "customFieldsView")
    assert details == [
        ["Segment", "Enterprise"],
        ["Languages", "Spanish, English"],
        ["Account owner", "Tomás Ortega"],
        ["Renewal date", "31 Mar 2027"],
        ["Seats", "1,250"],
    ]
    assert window.tabs.tabText(5) == "Details (5)"

    # Cached for the session: a second lookup of the contact makes no card request at all.
    def card_requests() -> int:
        return sum(
            1 for s in demo_server.seen if "/lead/" in s.path or "/user/" in s.path or "schema" in s.path
        )

    before = card_requests()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    qtbot.waitUntil(lambda: window.header.card is not None, timeout=5000)
    assert card_requests() == before
    assert window.header.lead_label.text() == "Acme Iberia S.L. · Customer"


def test_a_wrong_key_is_reported_before_any_lookup(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(key=SECRET)
    qtbot.waitUntil(lambda: window.error_banner.isVisible(), timeout=5000)
    assert window.error_banner.title == "API key not accepted"
    assert window.contact is None


def test_happy_path(qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer) -> None:
    window = make_window()
    result = lookup(qtbot, window, f"  https://app.close.com/lead/lead_x/contact/{DEMO_CONTACT_ID}/ ")
    assert isinstance(result, Contact)
    header = window.findChild(QLabel, "contactName")
    assert header.text() == "María José Fernández-Łukasiewicz"
    header_text = " ".join(label.text() for label in window.header.findChildren(QLabel))
    assert "Head of Procurement" in header_text
    assert DEMO_CONTACT_ID in header_text
    assert "Europe/Madrid · their time now" in header_text
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert tabs[:5] == ["Emails (3)", "Phones (3)", "Recent calls (9)", "Subscriptions (5)", "Links (3)"]
    emails = rows(window, "emailsView")
    assert [r[0] for r in emails] == [
        "mj.fernandez@acme-iberia.es",
        "mariajose.fl@gmail.com",
        "procurement@acme-iberia.es",
    ]
    assert emails[1][2] == "Unsubscribed"
    assert rows(window, "phonesView")[1][3] == "SMS blocked"
    calls = window.findChild(QTableView, "callsView").model()
    assert calls.rowCount() == 9
    assert calls.index(0, 2).data(Role.BADGE) == ("call", "created")  # the latest call first
    subs = rows(window, "subscriptionsView")
    assert subs[1][:4] == ["Renewal reminders 2026", "Paused", "Paused", "Workflow paused"]
    assert not window.error_banner.isVisible()
    assert f"/api/v1/contact/{DEMO_CONTACT_ID}/" in [s.path for s in demo_server.seen]
    assert window.fetch_button.text() == "Fetch"


@pytest.mark.parametrize(
    ("typed", "title", "words"),
    [
        ("cont_doesNotExist42", "Contact not found", "There is no contact cont_doesNotExist42"),
        ("cont_fault400", "Close rejected the request", "Invalid value for _fields."),
        ("cont_fault402", "Plan does not allow this", "Your trial has ended"),
        ("cont_fault403", "No access", "not allowed to see contact"),
        ("cont_fault405", "Request not supported", "HTTP 405"),
        ("cont_fault500", "Close had a problem", "HTTP 500"),
        ("cont_ratelimitlong", "Too many requests", "Wait 45 seconds"),
        ("cont_notjson", "Unreadable answer", "not valid JSON"),
        ("cont_badshape", "Unexpected contact data", "emails should be a list"),
        ("cont_drop", "Cannot reach Close", "connection to 127.0.0.1"),
        ("cont_abc/../x", "Not a contact id", "not a valid contact id"),
    ],
)
def test_error_banner(qtbot: QtBot, make_window: MakeWindow, typed: str, title: str, words: str) -> None:
    window = make_window()
    result = lookup(qtbot, window, typed)
    assert isinstance(result, errors.CloseViewerError)
    assert window.error_banner.isVisible()
    assert window.error_banner.title == title
    assert words in window.error_banner.message
    assert window.contact_edit.text() == typed  # what the user typed stays
    assert window.fetch_button.isEnabled() and window.fetch_button.text() == "Fetch"


def test_wrong_key_banner(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(key=SECRET)
    lookup(qtbot, window, DEMO_CONTACT_ID)
    assert window.error_banner.title == "API key not accepted"
    assert "Check that you pasted the whole key" in window.error_banner.message
    assert SECRET not in window.error_banner.message


def test_timeout_banner(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(fetcher=Fetcher(client_options={"timeout": (2.0, 0.3)}))
    lookup(qtbot, window, "cont_slow")
    assert window.error_banner.title == "Close did not answer"
    assert "0.3 seconds" in window.error_banner.message


def test_failed_refresh_keeps_what_is_shown(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    before = rows(window, "callsView")
    lookup(qtbot, window, "cont_fault500")
    assert window.error_banner.isVisible()
    assert rows(window, "callsView") == before
    assert window.findChild(QLabel, "contactName").text() == "María José Fernández-Łukasiewicz"
    stale = window.findChild(QLabel, "staleBadge")
    assert stale.isVisible() and "Not refreshed" in stale.text()
    assert "Still showing María José" in window.error_banner.message
    # A later success clears both marks.
    lookup(qtbot, window, STATUSES)
    assert not window.error_banner.isVisible() and not stale.isVisible()


def test_superseded_lookup_is_dropped(qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer) -> None:
    window = make_window()
    shown: list[object] = []
    window.contact_shown.connect(shown.append)
    window.error_shown.connect(shown.append)
    answered: list[int] = []  # job ids the worker answered, dropped or not
    window.fetcher._worker.succeeded.connect(lambda job_id, _: answered.append(job_id))
    window.fetcher._worker.failed.connect(lambda job_id, _: answered.append(job_id))
    window.contact_edit.setText("cont_slow")
    qtbot.keyClick(window.contact_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(s.path.endswith("/cont_slow/") for s in demo_server.seen))
    assert window.fetch_button.text() == "Cancel"
    window.contact_edit.setText(STATUSES)
    qtbot.keyClick(window.contact_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=3000)  # well before the slow one's 5 s
    assert isinstance(shown[0], Contact) and shown[0].id == STATUSES
    # The worker answers in order: the superseded lookup's (cancelled) answer came first,
    # and was dropped rather than shown.
    qtbot.waitUntil(lambda: len(answered) == 2)
    assert answered[0] < answered[1]
    assert len(shown) == 1
    assert not window.error_banner.isVisible()


def test_fetcher_drops_results_of_old_jobs(qtbot: QtBot, demo_server: DemoServer) -> None:
    from close_viewer.core.credentials import ApiKey
    from close_viewer.ui.fetcher import Fetcher

    fetcher = Fetcher()
    got: list[object] = []
    fetcher.finished.connect(got.append)
    fetcher.failed.connect(got.append)
    first = fetcher.fetch(demo_server.base_url, DEMO_CONTACT_ID, ApiKey(DEMO_API_KEY))
    second = fetcher.fetch(demo_server.base_url, STATUSES, ApiKey(DEMO_API_KEY))
    assert second == first + 1
    # The worker may still answer the first job; the fetcher must only pass on the second.
    fetcher._on_succeeded(first, "stale result")
    qtbot.waitUntil(lambda: len(got) == 1, timeout=5000)
    assert isinstance(got[0], Contact) and got[0].id == STATUSES
    fetcher.shutdown()


def test_escape_cancels(qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer) -> None:
    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    window.contact_edit.setText("cont_slow")
    qtbot.keyClick(window.contact_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.progress.isVisible())
    with qtbot.waitSignal(window.fetcher.cancelled, timeout=1000):
        qtbot.keyClick(window.contact_edit, Qt.Key.Key_Escape)
    assert not window.progress.isVisible()
    assert window.fetch_button.text() == "Fetch"
    assert not window.error_banner.isVisible()
    assert window.findChild(QLabel, "contactName").text() == "María José Fernández-Łukasiewicz"
    # The app is still usable right away.
    assert isinstance(lookup(qtbot, window, STATUSES), Contact)


def test_keyboard_shortcuts(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    window.tabs.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 2
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.contact_edit
    with qtbot.waitSignal(window.contact_shown, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_F5)
    with qtbot.waitSignal(window.contact_shown, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)


def test_widgets_have_names_for_tests_and_accessibility(make_window: MakeWindow) -> None:
    window = make_window()
    for name in [
        "apiKeyEdit",
        "contactEdit",
        "fetchButton",
        "contactHeader",
        "contactTabs",
        "emailsView",
        "phonesView",
        "callsView",
        "subscriptionsView",
        "errorBanner",
    ]:
        widget = window.findChild(object, name)
        assert widget is not None, name
        assert widget.accessibleName(), name
    assert not window.error_banner.isVisible()
    assert window.key_edit.echoMode() == window.key_edit.EchoMode.Password
    window.show_key.click()
    assert window.key_edit.echoMode() == window.key_edit.EchoMode.Normal


def test_copy_one_value_or_the_row(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    view = window.findChild(QTableView, "emailsView")
    view.selectRow(1)
    view.setCurrentIndex(view.model().index(1, 0))
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "mariajose.fl@gmail.com"  # the value alone
    assert window.statusBar().currentMessage() == "Copied"
    menu = view.context_menu(view.model().index(1, 0))
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert list(actions) == ["Copy", "Copy row", "Write an email"]
    actions["Copy row"].trigger()
    assert QApplication.clipboard().text() == "mariajose.fl@gmail.com\tHome\tUnsubscribed"
    menu.deleteLater()


@pytest.mark.parametrize(
    ("view_name", "row", "url"),
    [
        ("emailsView", 0, "mailto:mj.fernandez@acme-iberia.es"),
        ("phonesView", 0, "tel:+34911234567"),
        ("linksView", 0, "https://www.acme-iberia.es"),
    ],
)
def test_activating_a_row_opens_its_link(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch, view_name: str, row: int, url: str
) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda u: opened.append(u.toString()) or True)
    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    view = window.findChild(QTableView, view_name)
    index = view.model().index(row, 0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    assert opened == []  # a single click only selects
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened == [url]


def test_a_link_that_cannot_be_opened_is_copied(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QDesktopServices

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda u: False)
    window = make_window()
    window.open_link("mailto:someone@example.com")
    assert window.error_banner.title == "Could not open the link"
    assert QApplication.clipboard().text() == "mailto:someone@example.com"


def test_missing_keychain_keeps_working(
    qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    window = make_window(key=None, use_keychain=True)
    qtbot.waitUntil(lambda: window.notice_banner.isVisible())
    assert "only until you close the app" in window.notice_banner.message
    assert not window.remember.isEnabled()
    window.key_edit.setText(DEMO_API_KEY)
    assert isinstance(lookup(qtbot, window, DEMO_CONTACT_ID), Contact)
    assert window.notice_banner.title == "No system keychain"  # said once, still there, no error


def test_key_is_remembered_in_keychain_only(
    qtbot: QtBot,
    make_window: MakeWindow,
    memory_keyring: MemoryKeyring,
    settings_path: Path,
    log_dir: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    window = make_window(key=None, use_keychain=True)
    window.key_edit.setText(SECRET)
    lookup(qtbot, window, DEMO_CONTACT_ID)  # wrong key: must not be saved
    assert memory_keyring.store == {}
    window.key_edit.setText(DEMO_API_KEY)
    window.remember.setChecked(True)
    lookup(qtbot, window, DEMO_CONTACT_ID)
    qtbot.waitUntil(lambda: memory_keyring.store.get(("close-viewer", "api-key")) == DEMO_API_KEY)
    window.close()
    texts = settings_path.read_text(encoding="utf-8", errors="replace")
    texts += "".join(p.read_text(encoding="utf-8") for p in log_dir.glob("*.log"))
    out, err = capfd.readouterr()
    texts += out + err
    assert "Loaded contact" in texts  # the log was written
    for secret in (SECRET, DEMO_API_KEY):
        assert secret not in texts
    assert "last_contact" in texts


def test_key_loaded_from_keychain_and_contact_fetched(
    qtbot: QtBot, make_window: MakeWindow, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.store[("close-viewer", "api-key")] = DEMO_API_KEY
    window = make_window(key=None, use_keychain=True, contact=DEMO_CONTACT_ID)
    qtbot.waitUntil(lambda: window.contact is not None, timeout=5000)
    assert window.key_edit.text() == DEMO_API_KEY
    window.remember.setChecked(False)
    qtbot.waitUntil(lambda: memory_keyring.store == {})


def test_crash_dialog_and_log_never_hold_the_key(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    import threading

    from PySide6.QtWidgets import QMessageBox

    from close_viewer.logs import register_secret, setup_logging
    from close_viewer.ui.crash import install_crash_handler

    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box) or 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    log_path = setup_logging(tmp_path / "crash")
    install_crash_handler(log_path)
    register_secret(SECRET)
    try:
        raise RuntimeError(f"something broke while holding {SECRET}")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: len(shown) == 1)  # posted to the GUI thread's event loop
    (box,) = shown
    assert "Something unexpected went wrong" in box.text()
    assert str(log_path) in box.informativeText()
    assert "something broke" in box.detailedText() and SECRET not in box.detailedText()
    logged = log_path.read_text(encoding="utf-8")
    assert "RuntimeError: something broke while holding •••" in logged
    assert SECRET not in logged


def test_main_reuses_the_running_application_and_returns_when_closed(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`close_viewer.main(argv)` inside an app that already runs Qt: it returns 0 once its window closes."""
    import close_viewer
    from close_viewer.ui.main_window import MainWindow

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr("sys.excepthook", __import__("sys").excepthook)  # main installs its own
    seen: list[str] = []

    def close_when_loaded() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows and windows[0].contact is not None:
            seen.append(windows[0].contact.id)
            windows[0].close()
        else:
            QTimer.singleShot(20, close_when_loaded)

    QTimer.singleShot(0, close_when_loaded)
    assert close_viewer.main(["--demo"]) == 0
    assert seen == [DEMO_CONTACT_ID]
