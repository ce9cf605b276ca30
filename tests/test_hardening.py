"""Regression tests for the hardening issue: hostile servers, hostile text, broken environments.

Each test here failed before its fix (see the issue's note for the list).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableView
from pytestqt.qtbot import QtBot

from close_viewer.core import errors as e
from close_viewer.core.api import CloseClient
from close_viewer.core.api.wire import proxies_for as _proxies_for
from close_viewer.core.cancel import CancelToken
from close_viewer.core.config import validate_base_url
from close_viewer.core.contact_ref import parse_contact_ref
from close_viewer.core.credentials import ApiKey, redact, secret_forms
from close_viewer.core.model import Contact
from close_viewer.demo import DEMO_API_KEY, DEMO_CONTACT_ID, DemoServer
from close_viewer.ui.fetcher import Fetcher
from tests.conftest import MakeWindow, MemoryKeyring
from tests.test_window import lookup

# --- the client against hostile servers ------------------------------------------------


def test_absurd_rate_limit_wait_is_reported_not_slept(demo_server: DemoServer, demo_key: ApiKey) -> None:
    with pytest.raises(e.RateLimited) as caught:
        CloseClient(demo_server.base_url).fetch_contact("cont_ratelimithuge", demo_key)
    assert "a day or more" in caught.value.hint
    assert len(demo_server.seen) == 1  # not retried after a "sleep"


@pytest.mark.parametrize("contact_id", ["cont_redirectbad", "cont_redirectloop"])
def test_redirects_are_reported_not_followed(
    demo_server: DemoServer, demo_key: ApiKey, contact_id: str
) -> None:
    with pytest.raises(e.UnexpectedRedirect) as caught:
        CloseClient(demo_server.base_url).fetch_contact(contact_id, demo_key)
    assert "redirect (HTTP 302)" in caught.value.message
    assert len(demo_server.seen) == 1  # one authenticated request, not 31


def test_answer_for_another_contact_is_refused(demo_server: DemoServer, demo_key: ApiKey) -> None:
    with pytest.raises(e.BadResponse) as caught:
        CloseClient(demo_server.base_url).fetch_contact("cont_forgedid", demo_key)
    assert "different contact than cont_forgedid" in caught.value.message
    assert "fake log line" not in str(caught.value)


def test_a_dripping_server_cannot_outlast_the_deadline(demo_server: DemoServer, demo_key: ApiKey) -> None:
    # The body drips one byte per 0.1 s for ~20 s: never a 0.5 s silence, so the read
    # timeout alone never fires. Without the deadline this would return the contact.
    client = CloseClient(demo_server.base_url, timeout=(1.0, 0.5))
    with pytest.raises(e.RequestTimedOut) as caught:
        client.fetch_contact("cont_drip", demo_key)
    assert "complete answer within 1.5 seconds" in caught.value.message


@pytest.fixture
def blackhole() -> Iterator[str]:
    """A loopback port whose accept queue is full: connecting to it hangs (SYNs are dropped)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    yield f"http://127.0.0.1:{port}/api/v1"
    for sock in [*fillers, server]:
        sock.close()


def test_cancel_releases_a_lookup_stuck_connecting(
    qtbot: QtBot, blackhole: str, demo_server: DemoServer
) -> None:
    """Cancel during connect frees the worker at once: the next lookup does not wait for
    the 60 s connect timeout of the first."""
    fetcher = Fetcher(client_options={"timeout": (60.0, 60.0)})
    got: list[object] = []
    fetcher.finished.connect(got.append)
    fetcher.failed.connect(got.append)
    fetcher.fetch(blackhole, DEMO_CONTACT_ID, ApiKey(DEMO_API_KEY))
    with qtbot.waitSignal(fetcher.cancelled, timeout=1000):
        fetcher.cancel()
    with qtbot.waitSignal(fetcher.finished, timeout=10_000):
        fetcher.fetch(demo_server.base_url, DEMO_CONTACT_ID, ApiKey(DEMO_API_KEY))
    assert isinstance(got[-1], Contact)
    fetcher.shutdown()  # returns: the stuck connect no longer holds the thread


def test_token_cancel_wakes_a_blocked_send(blackhole: str, demo_key: ApiKey) -> None:
    client = CloseClient(blackhole, timeout=(60.0, 60.0))
    token = CancelToken()
    timer = threading.Timer(0.2, token.cancel)
    timer.start()
    with pytest.raises(e.FetchCancelled):
        client.fetch_contact(DEMO_CONTACT_ID, demo_key, cancel=token)
    timer.join()


# --- what is sent, and to whom ----------------------------------------------------------


class _RecordingProxy:
    """A TCP listener that records whether anything connected to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.0)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def contacted(self) -> bool:
        try:
            conn, _ = self.sock.accept()
        except BlockingIOError:
            return False
        conn.close()
        return True


def test_proxies_from_the_environment_never_see_loopback_or_plain_http(
    monkeypatch: pytest.MonkeyPatch, demo_server: DemoServer, demo_key: ApiKey
) -> None:
    proxy = _RecordingProxy()
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    contact = CloseClient(demo_server.base_url).fetch_contact(DEMO_CONTACT_ID, demo_key)
    assert contact.id == DEMO_CONTACT_ID  # --demo works behind a proxy
    assert not proxy.contacted()
    proxy.sock.close()
    # https to Close goes through the proxy the environment names; plain http never does.
    assert _proxies_for("https://api.close.com/api/v1") == {"https": proxy.url, "all": proxy.url}
    assert _proxies_for("http://localhost:8000/api/v1") == {}


def test_netrc_never_replaces_the_typed_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_server: DemoServer
) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text(f"machine 127.0.0.1 login {DEMO_API_KEY} password x\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(e.AuthenticationFailed):  # the typed (wrong) key is what was sent
        CloseClient(demo_server.base_url).fetch_contact(DEMO_CONTACT_ID, ApiKey("typed-wrong-key"))
    assert demo_server.seen[-1].authorization == ApiKey("typed-wrong-key").authorization()


NON_ASCII_KEY = "clé-ключ-秘密-0123456789"


def test_a_non_ascii_key_echoed_by_the_server_is_redacted() -> None:
    key = ApiKey(NON_ASCII_KEY)
    with DemoServer(api_key=NON_ASCII_KEY) as server, pytest.raises(e.BadRequest) as caught:
        CloseClient(server.base_url).fetch_contact("cont_echokey", key)
    shown = f"{caught.value} {caught.value!r} {caught.value.message}"
    assert "Invalid key •••" in shown
    for form in secret_forms(NON_ASCII_KEY):
        assert form not in shown
    for fragment in ("ключ", "秘密", "\\u043a", "\\u043A", "Ð"):
        assert fragment not in shown


@given(st.text(min_size=4, max_size=30))
def test_redact_removes_every_form(secret: str) -> None:
    text = " | ".join(sorted(secret_forms(secret)))
    assert secret not in redact(text, ApiKey(secret))


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://user:hunter2pw@example.com/", "user name or password"),
        ("https://user:hunter2pw@api.close.com/api/v1", "user name or password"),
        ("https://api.close.com/api/v1?token=hunter2pw", "“?” or “#”"),
        ("https://api.close.com/api/v1#hunter2pw", "“?” or “#”"),
        ("gopher://hunter2pw", "not a web address"),
        ("https://api.close.com:99999/hunter2pw", "not a web address"),
    ],
)
def test_base_url_problems_never_repeat_the_address(url: str, words: str) -> None:
    with pytest.raises(e.InvalidBaseUrl) as caught:
        validate_base_url(url)
    assert words in str(caught.value)
    assert "hunter2pw" not in str(caught.value)


def test_diagnose_never_prints_a_password_from_the_base_url() -> None:
    from close_viewer.diagnose import report

    text, _ = report("ftp://user:hunter2pw@example.com/")
    assert "base url: invalid" in text
    assert "hunter2pw" not in text


# --- the keychain -----------------------------------------------------------------------


class _ExitingKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self, exc: BaseException) -> None:
        super().__init__()
        self.exc = exc

    def get_password(self, service: str, username: str) -> str | None:
        raise self.exc

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.exc

    def delete_password(self, service: str, username: str) -> None:
        raise self.exc


@pytest.mark.parametrize("kind", [SystemExit, KeyboardInterrupt, RuntimeError])
def test_a_keychain_that_raises_anything_is_reported_without_the_key(
    qtbot: QtBot, capfd: pytest.CaptureFixture[str], kind: type[BaseException]
) -> None:
    from close_viewer.ui.keychain_worker import KeychainWorker

    secret = "keychain-secret-0123456789"
    keyring.set_keyring(_ExitingKeyring(kind(f"backend echoed {secret}")))
    worker = KeychainWorker()
    with qtbot.waitSignal(worker.unavailable, timeout=5000) as blocker:
        worker.save(secret)
    message = blocker.args[0]
    assert "kept only until you close the app" in message
    assert kind.__name__ not in message  # plain words, no exception class names
    out, err = capfd.readouterr()
    assert secret not in out + err + message


def test_a_key_from_the_environment_is_never_saved(
    qtbot: QtBot, make_window: MakeWindow, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old test of this path turned the keychain off; here it is on and Remember is wanted."""
    from close_viewer.ui.keychain_worker import KeychainWorker

    saves: list[str] = []
    monkeypatch.setattr(KeychainWorker, "save", lambda self, secret: saves.append(secret))
    window = make_window(key=DEMO_API_KEY, use_keychain=True)  # as from CLOSE_API_KEY
    window.settings.remember_key = True
    assert isinstance(lookup(qtbot, window, DEMO_CONTACT_ID), Contact)
    window.remember.setChecked(True)  # even if something checks it, nothing is saved
    assert isinstance(lookup(qtbot, window, DEMO_CONTACT_ID), Contact)
    assert saves == []
    assert memory_keyring.store == {}
    assert not window.remember.isEnabled()
    assert "Not saved" in window.remember.text() and "it is not saved" in window.remember.toolTip()


# --- input and formatting never raise -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "https://app.close.com]/lead/lead_x/contact/cont_abc/",
        "https://[app.close.com/contact/cont_abc/",
        "https://app.close.com\uff0fcontact\uff0fcont_abc",
    ],
)
def test_broken_links_are_not_a_contact_id(text: str) -> None:
    with pytest.raises(e.InvalidContactInput):
        parse_contact_ref(text)


@given(st.text(max_size=200))
def test_contact_input_parsing_never_raises_anything_else(text: str) -> None:
    try:
        result = parse_contact_ref(text)
    except e.InvalidContactInput:
        return
    assert result.startswith("cont_")


@given(st.text(max_size=300))
def test_header_time_zone_never_raises(zone: str) -> None:
    from close_viewer.ui.header import ContactHeader

    contact = Contact(id="cont_x", timezone=zone)
    text = ContactHeader._timezone_text(contact)
    assert isinstance(text, str)


# --- the window with hostile text ----------------------------------------------------------


def test_markup_from_the_server_is_shown_as_plain_text(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    contact = lookup(qtbot, window, "cont_HostileMarkup")
    assert isinstance(contact, Contact)
    name = window.findChild(QLabel, "contactName")
    assert name.textFormat() == Qt.TextFormat.PlainText
    assert name.text().startswith('<img src="/dev/zero">')
    for label in window.header.plain_labels():
        assert label.textFormat() == Qt.TextFormat.PlainText
    emails = window.findChild(QTableView, "emailsView").model()
    tooltip = emails.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;bold&lt;/b&gt;" in tooltip and "<b>" not in tooltip
    lookup(qtbot, window, "cont_fault400")
    assert window.error_banner._message.textFormat() == Qt.TextFormat.PlainText
    assert window.error_banner._title.textFormat() == Qt.TextFormat.PlainText


def test_a_megabyte_name_is_elided(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    contact = lookup(qtbot, window, "cont_HostileHugeName")
    assert isinstance(contact, Contact) and len(contact.shown_name) == 1_000_000
    assert len(window.findChild(QLabel, "contactName").text()) <= 120
    assert len(window.windowTitle()) < 200


def test_line_breaks_and_bidi_overrides_never_reach_title_clipboard_or_log(
    qtbot: QtBot, make_window: MakeWindow, log_dir: Path
) -> None:
    from PySide6.QtWidgets import QApplication

    window = make_window()
    lookup(qtbot, window, "cont_HostileBidi")
    title = window.windowTitle()
    assert "Eve" in title and "\u202e" not in title and "\n" not in title
    view = window.findChild(QTableView, "emailsView")
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert "\n" not in QApplication.clipboard().text()
    lookup(qtbot, window, "cont_forgedid")
    logged = (log_dir / "close-viewer.log").read_text(encoding="utf-8")
    assert "\u202e" not in logged
    assert not any(line.startswith("2026-01-01 INFO fake") for line in logged.splitlines())


def test_a_time_zone_that_is_a_folder_still_shows_the_contact(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    contact = lookup(qtbot, window, "cont_BadTimezone")
    assert isinstance(contact, Contact)
    assert window.header.timezone_label.text() == "America"
    assert window.findChild(QLabel, "contactName").text() == "Tz Folder"


def test_an_unexpected_exception_in_the_worker_ends_the_busy_state(
    qtbot: QtBot, make_window: MakeWindow, log_dir: Path
) -> None:
    # A timeout of None makes the client raise TypeError: nothing the app expects.
    window = make_window(fetcher=Fetcher(client_options={"timeout": None}))
    result = lookup(qtbot, window, DEMO_CONTACT_ID)
    assert isinstance(result, e.UnexpectedError)
    assert window.error_banner.title == "Something went wrong"
    assert str(log_dir / "close-viewer.log") in window.error_banner.message
    assert not window.progress.isVisible() and window.fetch_button.text() == "Fetch"
    assert "TypeError" in (log_dir / "close-viewer.log").read_text(encoding="utf-8")


def test_crash_in_a_python_thread_shows_the_dialog_from_the_gui_thread(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from PySide6.QtCore import QThread
    from PySide6.QtWidgets import QApplication, QMessageBox

    from close_viewer.ui.crash import install_crash_handler

    built_in: list[bool] = []
    monkeypatch.setattr(
        QMessageBox,
        "exec",
        lambda box: built_in.append(QThread.currentThread() is QApplication.instance().thread()) or 0,
    )
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_crash_handler(None)

    def boom() -> None:
        raise OverflowError("a 401-digit number")

    worker = threading.Thread(target=boom)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: built_in == [True])


def test_a_connect_that_hangs_is_worded_as_one(blackhole: str, demo_key: ApiKey) -> None:
    with pytest.raises(e.RequestTimedOut) as caught:
        CloseClient(blackhole, timeout=(0.3, 5.0)).fetch_contact(DEMO_CONTACT_ID, demo_key)
    assert caught.value.message == "Could not connect to 127.0.0.1 within 0.3 seconds."
