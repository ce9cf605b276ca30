"""An invalid CLOSE_API_BASE_URL (a double-clicked app has no terminal): the window opens,
says what is wrong with the address, and sends nothing; --base-url typed in a terminal is
still refused there (tests/test_app_process.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from close_viewer.app import choose_base_url
from close_viewer.core import errors as e
from close_viewer.core.config import BASE_URL_ENV, DEFAULT_BASE_URL
from close_viewer.demo import DemoServer
from close_viewer.ui.settings import AppSettings
from tests.conftest import MakeWindow
from tests.test_window import lookup


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))


def test_an_invalid_address_from_the_environment_is_kept_and_explained(
    monkeypatch: pytest.MonkeyPatch, settings: AppSettings
) -> None:
    monkeypatch.setenv(BASE_URL_ENV, "http://api.close.com/api/v1")
    base_url, notice = choose_base_url(None, settings)
    assert base_url == "http://api.close.com/api/v1"  # refused by every request, before sending
    assert notice is not None
    title, message = notice
    assert title == "API address not usable"
    assert BASE_URL_ENV in message and "unencrypted" in message
    assert settings.base_url == ""  # never remembered


def test_typed_on_the_command_line_it_is_still_refused_there(settings: AppSettings) -> None:
    with pytest.raises(e.InvalidBaseUrl):
        choose_base_url("http://api.close.com/api/v1", settings)


def test_a_bad_saved_address_falls_back_to_closes_own(
    monkeypatch: pytest.MonkeyPatch, settings: AppSettings
) -> None:
    monkeypatch.delenv(BASE_URL_ENV, raising=False)
    settings.base_url = "ftp://nowhere"
    base_url, notice = choose_base_url(None, settings)
    assert base_url == DEFAULT_BASE_URL and notice is not None and notice[0] == "API address reset"


def test_the_window_with_that_address_says_why_and_sends_nothing(
    qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer
) -> None:
    # The demo server's own address with a password in it: valid but for the password, so a
    # request that went out anyway would reach the demo server and be seen there.
    refused = demo_server.base_url.replace("http://", "http://rep:pw@")
    window = make_window(base_url=refused)
    error = lookup(qtbot, window, "cont_Fz3Carlos8Fernandez2Q")
    assert isinstance(error, e.InvalidBaseUrl)
    assert "user name or password" in window.error_banner._message.text()
    assert demo_server.seen == []
    assert window.contact_edit.isEnabled()  # usable: the rep can read why, and quit


def test_notices_wait_their_turn_instead_of_replacing_each_other(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    """At start the address notice and the keychain notice came together, and the second
    replaced the first: the rep never learnt why nothing could be looked up."""
    window = make_window()
    banner = window.notice_banner
    banner.show_message("API address not usable", "CLOSE_API_BASE_URL names an address …")
    banner.show_message("No system keychain", "The key is kept until you close the app.")
    assert banner.title == "API address not usable"
    assert banner._title.text().endswith("(1 more notice)")
    banner.dismiss()
    assert banner.isVisible() and banner.title == "No system keychain"
    banner.dismiss()
    assert not banner.isVisible()
