"""Shared fixtures. Qt runs offscreen: set here, before any test imports Qt."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from close_viewer.core.credentials import ApiKey
from close_viewer.demo import DEMO_API_KEY, DemoServer
from close_viewer.ui.fetcher import Fetcher
from close_viewer.ui.main_window import MainWindow, StartOptions
from close_viewer.ui.settings import AppSettings

MakeWindow = Callable[..., MainWindow]


@pytest.fixture
def demo_server() -> Iterator[DemoServer]:
    """A fresh Close-compatible server on 127.0.0.1 (fault counters start at zero)."""
    with DemoServer() as server:
        yield server


@pytest.fixture
def demo_key() -> ApiKey:
    return ApiKey(DEMO_API_KEY)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-memory keychain, so tests never touch the developer's real one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise keyring.errors.PasswordDeleteError("not stored")
        del self.store[(service, username)]


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    from close_viewer.logs import setup_logging

    folder = tmp_path / "data"
    setup_logging(folder)
    return folder


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def make_window(qtbot: QtBot, demo_server: DemoServer, settings_path: Path, log_dir: Path) -> MakeWindow:
    def make(
        key: str | None = DEMO_API_KEY,
        use_keychain: bool = False,
        contact: str = "",
        fetcher: Fetcher | None = None,
        history_path: Path | None = None,
        base_url: str = "",
        before_show: Callable[[MainWindow], None] | None = None,
        built: bool = True,
    ) -> MainWindow:
        """A shown window, built (unless not `built`) and with its key in place;
        `before_show(window)` is called before it is shown (to watch it from its first paint)."""
        options = StartOptions(
            base_url=base_url or demo_server.base_url,
            contact=contact,
            session_key=key,
            session_key_source="test" if key else "",
            use_keychain=use_keychain,
            history_path=str(history_path or ""),
        )
        settings = AppSettings(QSettings(str(settings_path), QSettings.Format.IniFormat))
        window = MainWindow(options, settings=settings, fetcher=fetcher)
        qtbot.addWidget(window)
        if before_show is not None:
            before_show(window)
        window.show()
        qtbot.waitExposed(window)
        if not built:
            return window
        qtbot.waitUntil(lambda: window.is_ready)
        if key:
            qtbot.waitUntil(lambda: window.key_edit.text() == key)
        return window

    return make
