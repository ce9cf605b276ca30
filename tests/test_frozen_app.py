"""The double-clickable app, proved without a person: build the archive, install it, run the
frozen executable in a real X window against a local server, and read the keychain from it.

Marked slow (it builds the bundle): .ci/run runs it after the fast suite.
"""

from __future__ import annotations

import base64
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from close_viewer import APP_ID, APP_SLUG
from close_viewer.demo import DEMO_API_KEY, DEMO_CONTACT_ID, DemoServer
from tests.slow_helpers import built_archive, in_secret_service, need, unpack, xvfb

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield unpack(built_archive(), tmp_path_factory.mktemp("archive"))


def test_archive_layout_and_metadata_validate(package: Path) -> None:
    need("appstreamcli", "desktop-file-validate")
    assert (package / "app" / APP_SLUG).is_file()
    desktop = package / "share" / "applications" / f"{APP_ID}.desktop"
    metainfo = package / "share" / "metainfo" / f"{APP_ID}.metainfo.xml"
    assert (
        subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True).stdout == ""
    )
    check = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    text = desktop.read_text()
    assert f"Icon={APP_ID}\n" in text and f"StartupWMClass={APP_SLUG}\n" in text and "%u" in text
    assert (package / "share" / "icons" / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png").is_file()


def test_install_and_uninstall_for_the_current_user(package: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}
    env.pop("XDG_DATA_HOME", None)
    subprocess.run(["sh", str(package / "install.sh")], check=True, env=env, capture_output=True)
    installed = {p for p in home.rglob("*") if p.is_file() or p.is_symlink()}
    launcher = home / ".local" / "bin" / APP_SLUG
    desktop = home / ".local" / "share" / "applications" / f"{APP_ID}.desktop"
    assert launcher.is_symlink() and os.access(launcher, os.X_OK)
    assert f"Exec={home}/.local/lib/{APP_SLUG}/{APP_SLUG} %u" in desktop.read_text()
    assert (home / ".local" / "share" / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png").is_file()
    version = subprocess.run(
        [str(launcher), "--version"], capture_output=True, text=True, env=env, timeout=60
    )
    assert re.search(r"Close Contact Viewer \d+\.\d+\.\d+", version.stdout + version.stderr)
    (home / "keep-me").write_text("the user's own file")
    subprocess.run(
        ["sh", str(home / ".local" / "lib" / APP_SLUG / "uninstall.sh")],
        check=True,
        env=env,
        capture_output=True,
    )
    # The desktop's shared caches (refreshed by both scripts) are not the app's files.
    shared_caches = {"mimeinfo.cache", "icon-theme.cache"}
    left = {p for p in home.rglob("*") if (p.is_file() or p.is_symlink()) and p.name not in shared_caches}
    assert left == {home / "keep-me"}, sorted(map(str, left))
    assert installed  # something was installed, and all of it is gone


def test_frozen_app_fetches_and_renders_in_a_real_window(package: Path, tmp_path: Path) -> None:
    need("xdotool", "import", "convert", "xprop")
    app = package / "app" / APP_SLUG
    with DemoServer() as server, xvfb() as display:
        env = {
            **os.environ,
            "DISPLAY": display,
            "HOME": str(tmp_path),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "CLOSE_API_KEY": DEMO_API_KEY,
        }
        env.pop("QT_QPA_PLATFORM", None)
        process = subprocess.Popen(
            [str(app), "--base-url", server.base_url, DEMO_CONTACT_ID],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            window = subprocess.run(
                ["xdotool", "search", "--sync", "--onlyvisible", "--class", APP_SLUG],
                capture_output=True,
                text=True,
                env=env,
                timeout=60,
            ).stdout.split()[0]
            log = tmp_path / "data" / "close-viewer" / "close-viewer" / "close-viewer.log"
            deadline = time.monotonic() + 30
            while f"Loaded contact {DEMO_CONTACT_ID}" not in (log.read_text() if log.exists() else ""):
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the frozen app did not load the contact"
                time.sleep(0.1)
            # It fetched: the server saw the request, with the key as Basic auth.
            expected = "Basic " + base64.b64encode(f"{DEMO_API_KEY}:".encode()).decode()
            assert any(
                s.path == f"/api/v1/contact/{DEMO_CONTACT_ID}/" and s.authorization == expected
                for s in server.seen
            )
            # It rendered: the window shows the contact, and the screen is not blank.
            title = subprocess.run(
                ["xdotool", "getwindowname", window], capture_output=True, text=True, env=env
            )
            assert title.stdout.startswith("María José Fernández-Łukasiewicz")
            wm_class = subprocess.run(
                ["xprop", "-id", window, "WM_CLASS"], capture_output=True, text=True, env=env
            )
            assert f'"{APP_SLUG}"' in wm_class.stdout  # matches StartupWMClass in the .desktop file
            shot = tmp_path / "frozen.png"
            spread = 0.0
            deadline = time.monotonic() + 10
            while spread <= 0.05 and time.monotonic() < deadline:  # until the frame reaches the X server
                subprocess.run(["import", "-window", window, str(shot)], check=True, env=env, timeout=30)
                measured = subprocess.run(
                    ["convert", str(shot), "-format", "%[fx:standard_deviation]", "info:"],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                spread = float(measured)
            assert spread > 0.05, f"screenshot looks blank (standard deviation {spread})"
        finally:
            process.send_signal(signal.SIGTERM)  # as at logout: the app closes its window cleanly
            out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Traceback" not in err and "QThread" not in err
    assert DEMO_API_KEY not in out + err


def test_frozen_app_uses_the_real_secret_service(package: Path, tmp_path: Path) -> None:
    app = package / "app" / APP_SLUG
    result = in_secret_service(
        [str(app), "--diagnose", "--check-keychain"], tmp_path, env={"QT_QPA_PLATFORM": "offscreen"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "frozen: yes" in result.stdout
    assert "keyring backend: keyring.backends.SecretService.Keyring" in result.stdout
    assert "keychain round trip: ok" in result.stdout
