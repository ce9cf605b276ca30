"""Shared by the slow tests: the built bundle, a private X screen, a Secret Service session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def need(*tools: str) -> None:
    """The slow tests run in CI, where .ci/run installs these: a missing tool is a failure, not a skip."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.fail(f"missing tools {missing}: install them as .ci/run does")


def built_archive() -> Path:
    """dist/close-viewer-<version>-linux-<arch>.tar.gz, built now unless CLOSE_VIEWER_ARCHIVE names one."""
    given = os.environ.get("CLOSE_VIEWER_ARCHIVE")
    if given:
        return Path(given)
    subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], check=True, cwd=ROOT)
    archives = sorted((ROOT / "dist").glob("close-viewer-*-linux-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    assert archives, "packaging/build.py wrote no archive"
    return archives[-1]


def unpack(archive: Path, into: Path) -> Path:
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    (top,) = [p for p in into.iterdir() if p.is_dir()]
    return top


@contextmanager
def xvfb() -> Iterator[str]:
    """A private X screen; yields its DISPLAY."""
    need("Xvfb")
    for number in range(150, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            break
    display = f":{number}"
    server = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1280x860x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            assert time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.05)
        yield display
    finally:
        server.terminate()
        server.wait(timeout=10)


SECRET_SERVICE = """
set -e
echo -n 'ci-keyring-password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
exec "$@"
"""


def in_secret_service(command: list[str], home: Path, env: dict[str, str] | None = None):
    """Run `command` in a private D-Bus session with an unlocked gnome-keyring (a real Secret Service)."""
    need("dbus-run-session", "gnome-keyring-daemon")
    environ = {**os.environ, **(env or {}), "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
    environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", SECRET_SERVICE, "sh", *command],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
    )
