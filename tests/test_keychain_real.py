"""The API key in a real Secret Service (gnome-keyring in a private D-Bus session), once.

Marked slow: .ci/run installs gnome-keyring and dbus and runs these after the fast suite.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.slow_helpers import ROOT, in_secret_service

pytestmark = pytest.mark.slow

ROUND_TRIP = """
import sys
sys.path.insert(0, sys.argv[1])
from close_viewer.core.keychain import KeyStore
store = KeyStore()
print("backend:", store.backend_name())
store.save("k3y-for-the-real-keychain")
print("read:", store.load() == "k3y-for-the-real-keychain")
store.forget()
print("after forget:", store.load())
store.forget()  # forgetting twice is fine
print("done")
"""


def test_key_round_trip_through_secret_service_from_source(tmp_path: Path) -> None:
    result = in_secret_service([sys.executable, "-c", ROUND_TRIP, str(ROOT)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "backend: keyring.backends.SecretService.Keyring" in result.stdout
    assert "read: True" in result.stdout
    assert "after forget: None" in result.stdout
    assert "k3y-for-the-real-keychain" not in result.stdout + result.stderr


def test_window_remembers_key_in_secret_service(tmp_path: Path) -> None:
    """The app's own path: the window saves the key after Close accepted it, and reads it back."""
    script = f"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, {str(ROOT)!r})
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from close_viewer.demo import DEMO_API_KEY, DEMO_CONTACT_ID, DemoServer
from close_viewer.ui.main_window import MainWindow, StartOptions
from close_viewer.ui.settings import AppSettings
import keyring

def run_until(done, seconds=20):
    import time
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "timed out"
        app.processEvents()

with DemoServer() as server:
    settings = AppSettings(QSettings({str(tmp_path / "s.ini")!r}, QSettings.Format.IniFormat))
    window = MainWindow(StartOptions(base_url=server.base_url, use_keychain=True), settings=settings)
    window.show()
    run_until(lambda: window.is_ready)
    window.key_edit.setText(DEMO_API_KEY)
    window.contact_edit.setText(DEMO_CONTACT_ID)
    window.fetch()
    run_until(lambda: keyring.get_password("close-viewer", "api-key") == DEMO_API_KEY)
    window.close()
    second = MainWindow(StartOptions(base_url=server.base_url, use_keychain=True), settings=settings)
    second.show()
    run_until(lambda: second.key_edit.text() == DEMO_API_KEY)
    print("backend:", type(keyring.get_keyring()).__module__)
    print("remembered across windows")
    second.close()
"""
    result = in_secret_service([sys.executable, "-c", script], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "backend: keyring.backends.SecretService" in result.stdout
    assert "remembered across windows" in result.stdout
