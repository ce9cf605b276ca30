"""Shared fixtures. Qt runs offscreen: set here, before any test imports Qt."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest

from close_viewer.core.credentials import ApiKey
from close_viewer.demo import DEMO_API_KEY, DemoServer


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
