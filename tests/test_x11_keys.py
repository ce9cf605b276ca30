"""Keys as X11 binds them: in a real X window (Xvfb, xcb), where a line edit claims keys
that the offscreen platform leaves alone (Ctrl+E is "end of line" there)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.slow_helpers import xvfb
from tests.test_app_process import app_env

pytestmark = pytest.mark.slow

PROBE = textwrap.dedent(
    """
    from PySide6.QtCore import QEvent, QSettings, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit, QTableView

    from close_viewer.demo import DEMO_API_KEY, DemoServer
    from close_viewer.ui.main_window import MainWindow, StartOptions
    from close_viewer.ui.settings import AppSettings

    app = QApplication([])
    with DemoServer() as server:
        options = StartOptions(base_url=server.base_url, session_key=DEMO_API_KEY, session_key_source="test",
                               use_keychain=False)
        window = MainWindow(options, settings=AppSettings(QSettings("s.ini", QSettings.Format.IniFormat)))
        window.show()
        while not window.is_ready:
            app.processEvents()
        plain = QLineEdit()
        for field in (plain, window.contact_edit, window.key_edit):
            event = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
            event.ignore()
            QApplication.sendEvent(field, event)
            print("claimed" if event.isAccepted() else "free")
        window.activateWindow()
        QTest.qWaitForWindowActive(window, 5000)  # window shortcuts need the active window
        print("active", window.isActiveWindow())
        window.contact_edit.setFocus()
        QTest.keyClick(window.contact_edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        app.processEvents()
        print("recent list", window.findChild(QTableView, "recentContacts").isVisible())
        window.close()
    """
)


def test_ctrl_e_opens_the_recent_list_from_the_text_fields(tmp_path: Path) -> None:
    with xvfb() as display:
        result = subprocess.run(
            [sys.executable, "-c", PROBE],
            env=app_env(tmp_path, QT_QPA_PLATFORM="xcb", DISPLAY=display),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "claimed",
        "free",
        "free",
    ]  # a bare line edit takes Ctrl+E; the window's fields do not
    assert lines[3:] == ["active True", "recent list True"]
