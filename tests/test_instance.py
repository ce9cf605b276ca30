"""One window: real `python -m close_viewer` processes, offscreen, each test with its own
runtime folder (so its socket), settings and log."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from close_viewer.demo import DEMO_CONTACT_ID
from close_viewer.instance import hand_off, is_alive, message, read_message, socket_path
from tests.test_app_process import ROOT, app_env

CARLOS = "cont_Fz3Carlos8Fernandez2Q"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    return app_env(tmp_path, XDG_RUNTIME_DIR=str(run))


def _log(tmp_path: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in (tmp_path / "data").rglob("close-viewer.log"))


def _wait(done: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("not within the time allowed")
        time.sleep(0.05)


def _start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "close_viewer", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


@pytest.fixture
def running(env: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A demo window that has shown its contact and listens for others."""
    first = _start(env, "--demo")
    path = Path(env["XDG_RUNTIME_DIR"]) / "close-viewer-demo.sock"
    try:
        _wait(lambda: f"Loaded contact {DEMO_CONTACT_ID}" in _log(tmp_path) and is_alive(path))
        yield first
    finally:
        if first.poll() is None:
            first.send_signal(signal.SIGTERM)
            first.wait(timeout=20)


def _run(env: dict[str, str], *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "close_viewer", *args],
        env={**env, **extra},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_second_start_hands_its_contact_to_the_running_window(
    running: subprocess.Popen[str], env: dict[str, str], tmp_path: Path
) -> None:
    second = _run(env, "--demo", CARLOS)
    assert second.returncode == 0, second.stderr
    assert second.stdout == "" and second.stderr == ""
    _wait(lambda: f"Loaded contact {CARLOS}" in _log(tmp_path))  # the running window looked it up
    assert running.poll() is None  # and is still the one window
    assert _log(tmp_path).count("Started Close Contact Viewer") == 1  # no second window started


def test_a_socket_left_by_a_crash_is_replaced(env: dict[str, str], tmp_path: Path) -> None:
    path = Path(env["XDG_RUNTIME_DIR"]) / "close-viewer-demo.sock"
    crashed = _start(env, "--demo")
    _wait(lambda: is_alive(path))
    crashed.send_signal(signal.SIGKILL)
    crashed.wait(timeout=20)
    assert path.exists() and not is_alive(path)  # left behind, answering nobody
    assert not hand_off(path, CARLOS)  # a start now must not hang or exit on it
    second = _start(env, "--demo")
    try:
        _wait(lambda: is_alive(path))  # it took the place over
        third = _run(env, "--demo", CARLOS)
        assert third.returncode == 0
        _wait(lambda: f"Loaded contact {CARLOS}" in _log(tmp_path))
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=20)
    assert not path.exists()  # a window that quits takes its socket with it


def test_new_window_opts_out_and_demo_is_its_own_instance(
    running: subprocess.Popen[str], env: dict[str, str], tmp_path: Path
) -> None:
    others = [_start(env, "--demo", "--new-window", CARLOS), _start(env)]  # the second: not demo
    try:
        _wait(lambda: _log(tmp_path).count("Started Close Contact Viewer") == 3)  # each its own window
        _wait(lambda: f"Loaded contact {CARLOS}" in _log(tmp_path))  # looked up by the new window
        assert all(p.poll() is None for p in others)  # neither handed off and left
        assert is_alive(Path(env["XDG_RUNTIME_DIR"]) / "close-viewer.sock")  # the real one listens apart
    finally:
        for p in others:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=20)


def test_the_socket_is_per_user_and_per_mode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert socket_path() == str(tmp_path / "close-viewer.sock")
    assert socket_path(demo=True) == str(tmp_path / "close-viewer-demo.sock")
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    assert Path(socket_path()).name == f"close-viewer-{os.getuid()}.sock"


def test_hand_off_messages_are_read_tolerantly(tmp_path: Path) -> None:
    assert read_message(message("  María  José\n")) == "María José"  # one line, as typed
    assert read_message(message("x" * 5000)) == "x" * 2000
    for junk in (b"", b"\xff\xfe", b"   \n"):
        assert read_message(junk) == ""
    assert not hand_off(tmp_path / "nobody.sock", "cont_abc")  # no window: start one


def test_the_socket_is_the_users_alone(running: subprocess.Popen[str], env: dict[str, str]) -> None:
    path = Path(env["XDG_RUNTIME_DIR"]) / "close-viewer-demo.sock"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
