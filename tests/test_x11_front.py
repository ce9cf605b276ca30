"""A second `close-viewer CONTACT` brings the running window to the front, in a real X
window (Xvfb, xcb, no window manager): with another app's window focused and on top, the
hand-off raises the app's window above it, showing the contact handed over.

Keyboard focus is requested too (QWidget.activateWindow) but not asserted: X11 ignores a
focus request whose timestamp is older than the last focus change, and under a desktop's
window manager its focus-stealing policy decides (it may mark the window as wanting
attention instead)."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from close_viewer.instance import is_alive
from tests.slow_helpers import need, xvfb
from tests.test_app_process import app_env
from tests.test_instance import CARLOS, _log, _run, _start, _wait

pytestmark = pytest.mark.slow


def _x(display: str, *args: str) -> str:
    result = subprocess.run(
        ["xdotool", *args], env={"DISPLAY": display}, capture_output=True, text=True, timeout=30, check=True
    )
    return result.stdout.strip()


def _stacking(display: str) -> list[str]:
    """Top-level window ids, bottom to top (xwininfo lists the root's children top first)."""
    command = ["xwininfo", "-root", "-children"]
    out = subprocess.run(command, env={"DISPLAY": display}, capture_output=True, text=True, check=True).stdout
    ids = [str(int(line.split()[0], 16)) for line in out.splitlines() if line.strip().startswith("0x")]
    return ids[::-1]


def test_a_hand_off_brings_the_running_window_to_the_front(tmp_path: Path) -> None:
    need("xdotool", "xmessage", "xwininfo")
    (tmp_path / "run").mkdir(mode=0o700)
    with xvfb() as display:
        env = app_env(tmp_path, QT_QPA_PLATFORM="xcb", DISPLAY=display, XDG_RUNTIME_DIR=str(tmp_path / "run"))
        app = _start(env, "--demo")
        other = subprocess.Popen(["xmessage", "-name", "otherapp", "another app"], env={"DISPLAY": display})
        try:
            _wait(lambda: is_alive(tmp_path / "run" / "close-viewer-demo.sock"))
            windows = _x(display, "search", "--sync", "--name", "María").split()
            note = _x(display, "search", "--sync", "--name", "otherapp").split()[0]
            _x(display, "windowraise", note)
            _x(display, "windowfocus", "--sync", note)
            assert _x(display, "getwindowfocus") == note
            assert all(_stacking(display).index(note) > _stacking(display).index(w) for w in windows)

            second = _run(env, "--demo", CARLOS)
            assert second.returncode == 0, second.stderr
            _wait(lambda: f"Loaded contact {CARLOS}" in _log(tmp_path))
            window = windows[0]
            _wait(lambda: _stacking(display).index(window) > _stacking(display).index(note), timeout=10)
            assert "Carlos" in _x(display, "getwindowname", window)
        finally:
            other.terminate()
            other.wait(timeout=10)
            app.send_signal(signal.SIGTERM)
            app.wait(timeout=20)
