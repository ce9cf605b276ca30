"""The app as a process: start-up imports, command line, closing mid-lookup."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from close_viewer.demo import DEMO_API_KEY, DEMO_CONTACT_ID, DemoServer

ROOT = Path(__file__).resolve().parent.parent


def app_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of an app run: offscreen, settings and log under tmp_path, no key unless given."""
    environ = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    environ.pop("CLOSE_API_KEY", None)
    return {**environ, **extra}


def run_python(code: str, tmp_path: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    environ = app_env(tmp_path)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=environ,
        timeout=timeout,
        cwd=tmp_path,
    )


def test_window_module_does_not_import_network_or_keychain(tmp_path: Path) -> None:
    result = run_python(
        """
        import sys
        import close_viewer.app, close_viewer.ui.main_window
        # What the first frame must not wait for: the network stack, the keychain, and
        # the modules only later steps need. (PySide itself loads logging and argparse.)
        later = ("http.client", "ssl", "certifi", "keyring", "http.server", "close_viewer.core.model",
            "close_viewer.core.parser", "close_viewer.core.api", "close_viewer.core.refs",
            "phonenumbers", "close_viewer.ui.lookup", "close_viewer.ui.search_results",
                 "close_viewer.ui.table_models", "close_viewer.ui.fetcher", "zoneinfo", "requests",
                 "urllib3", "hashlib", "close_viewer.core.names")
        heavy = sorted(m for m in later if m in sys.modules)
        print("heavy:", heavy)
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "heavy: []" in result.stdout


def test_a_window_closed_at_its_first_paint_exits_cleanly(tmp_path: Path) -> None:
    # The start-up benchmark's probe closes the window as it first paints, before the second
    # build step: that step used to start the fetch thread anyway, and the process aborted
    # at exit ("QThread: Destroyed while thread is still running", exit 134).
    result = subprocess.run(
        [sys.executable, "-m", "close_viewer", "--new-window"],
        capture_output=True,
        text=True,
        env=app_env(tmp_path, CLOSE_VIEWER_STARTUP_PROBE="1", XDG_RUNTIME_DIR=str(tmp_path)),
        cwd=tmp_path,
        timeout=60,
    )
    assert result.stdout.startswith("PAINT ")
    assert result.returncode == 0, result.stderr
    assert "QThread" not in result.stderr


def test_version(tmp_path: Path) -> None:
    result = run_python("import close_viewer, sys; sys.exit(close_viewer.main(['--version']))", tmp_path)
    assert result.returncode == 0
    assert "Close Contact Viewer 0.1.0" in result.stdout


def test_an_invalid_base_url_from_the_environment_opens_the_window_with_a_notice(tmp_path: Path) -> None:
    """No terminal to read stderr on a double-clicked start: the window opens and says why,
    instead of exit 2 (every lookup is then refused before sending: test_base_url_notice.py)."""
    process = start_reporting_app(tmp_path, CLOSE_API_BASE_URL="http://api.close.com/api/v1")
    state = read_state(process)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "API address not usable" in state["notices"]
    assert "Traceback" not in err


def test_plain_http_base_url_is_refused(tmp_path: Path) -> None:
    result = run_python(
        "import close_viewer, sys; sys.exit(close_viewer.main(['--base-url', 'http://api.close.com/api/v1']))",
        tmp_path,
    )
    assert result.returncode == 2
    assert "unencrypted" in result.stderr


CLOSE_WHILE_FETCHING = """
    import os, sys
    from PySide6.QtCore import QTimer
    import close_viewer
    from close_viewer.ui import main_window

    original_show = main_window.MainWindow.show

    def show(self):
        original_show(self)

        def close_when_told():
            # The test creates close-now once the server holds the request.
            if self.is_ready and self.fetcher.busy and os.path.exists("close-now"):
                print("closing while fetching", flush=True)
                self.close()
            else:
                QTimer.singleShot(10, close_when_told)

        QTimer.singleShot(0, close_when_told)

    main_window.MainWindow.show = show
    sys.exit(close_viewer.main(sys.argv[1:]))
"""


def test_close_while_fetching_exits_cleanly(tmp_path: Path) -> None:
    # The server holds every answer back for 60 s: the app must not wait for it.
    with DemoServer(latency=60) as server:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                textwrap.dedent(CLOSE_WHILE_FETCHING),
                "--base-url",
                server.base_url,
                DEMO_CONTACT_ID,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=app_env(tmp_path, CLOSE_API_KEY=DEMO_API_KEY),
        )
        try:
            deadline = time.monotonic() + 30

            def asked() -> bool:
                return any(s.path.endswith(f"/{DEMO_CONTACT_ID}/") for s in server.seen)

            while not asked() and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.02)  # waiting for the request to arrive, not measuring anything
            assert asked()
            (tmp_path / "close-now").touch()
            out, err = process.communicate(timeout=30)  # a hang guard, not a speed check
        finally:
            process.kill()
    assert "closing while fetching" in out
    assert process.returncode == 0, err
    assert "QThread" not in err
    assert "Traceback" not in err
    assert DEMO_API_KEY not in out + err
    logs = list((tmp_path / "data").rglob("*.log"))
    assert logs, "the app writes a log file under the user's data dir"
    for log in logs:
        assert DEMO_API_KEY not in log.read_text(encoding="utf-8")
    for settings in (tmp_path / "config").rglob("*"):
        if settings.is_file():
            assert DEMO_API_KEY not in settings.read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["cont_abc"],
        ["--demo"],
        ["--demo", "cont_abc"],
        ["--base-url", "http://127.0.0.1:5/api/v1", "cont_abc"],
        ["--base-url=http://127.0.0.1:5/api/v1", "--fields=id,name", "cont_abc"],
        ["cont_abc", "--fields", "id,emails", "--demo"],
    ],
)
def test_quick_command_line_reading_matches_argparse(argv: list[str]) -> None:
    from close_viewer.app import build_parser, parse_args

    assert vars(parse_args(argv)) == vars(build_parser().parse_args(argv))


def test_unusual_command_lines_go_to_argparse() -> None:
    from close_viewer.app import parse_args

    with pytest.raises(SystemExit):
        parse_args(["--no-such-option"])
    with pytest.raises(SystemExit):
        parse_args(["cont_a", "cont_b"])  # one contact at a time


REPORT_WHEN_READY = """
    import json, os, signal, sys
    from PySide6.QtCore import QTimer
    import close_viewer
    from close_viewer import app as app_module
    from close_viewer.ui import main_window

    original_show = main_window.MainWindow.show

    def show(self):
        original_show(self)

        def report():
            if not (self.is_ready and app_module._signal_pipe):
                QTimer.singleShot(10, report)
                return
            from close_viewer.ui import crash
            state = {
                "notice": self.notice_banner.isVisible() and self.notice_banner.title,
                "notices": self.notice_banner.titles,
                "notice_message": self.notice_banner.message,
                "crash_handler": bool(crash._reporter) and sys.excepthook is not sys.__excepthook__,
                "base_url": self.options.base_url,
            }
            print("STATE " + json.dumps(state), flush=True)
            if os.environ.get("WAIT_FOR_SIGNAL") != "1":
                self.close()

        QTimer.singleShot(0, report)

    main_window.MainWindow.show = show
    sys.exit(close_viewer.main(sys.argv[1:]))
"""


def start_reporting_app(tmp_path: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(REPORT_WHEN_READY), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=app_env(tmp_path, **env),
    )


def read_state(process: subprocess.Popen[str]) -> dict[str, object]:
    import json

    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("STATE "):
            return dict(json.loads(line[6:]))
    raise AssertionError(f"no state: {process.communicate()[1]}")


def test_an_unwritable_log_folder_still_gives_a_working_window(tmp_path: Path) -> None:
    (tmp_path / "data-is-a-file").write_text("not a folder")
    process = start_reporting_app(tmp_path, "--demo", XDG_DATA_HOME=str(tmp_path / "data-is-a-file"))
    state = read_state(process)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "No log file" in state["notices"]  # (after "Recent contacts are off", same cause)
    assert state["crash_handler"] is True  # installed anyway, and the SIGTERM hook too
    assert "Traceback" not in err


def test_an_invalid_saved_base_url_gives_a_window_with_a_notice(tmp_path: Path) -> None:
    from close_viewer import APP_SLUG, ORG_NAME

    config = tmp_path / "config" / ORG_NAME
    config.mkdir(parents=True)
    (config / f"{APP_SLUG}.conf").write_text("[api]\nbase_url=ftp://user:hunter2pw@example.com\n")
    process = start_reporting_app(tmp_path, DEMO_CONTACT_ID)
    state = read_state(process)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert state["notices"] == ["API address reset"]
    assert state["base_url"] == "https://api.close.com/api/v1"
    assert "hunter2pw" not in out + err + str(state)
    assert "hunter2pw" not in (config / f"{APP_SLUG}.conf").read_text()  # the bad address is dropped


def test_ctrl_c_closes_the_app_cleanly(tmp_path: Path) -> None:
    import signal

    process = start_reporting_app(tmp_path, "--demo", WAIT_FOR_SIGNAL="1")
    read_state(process)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    log = next((tmp_path / "data").rglob("close-viewer.log")).read_text(encoding="utf-8")
    assert "Unexpected error" not in log


def test_help_lists_the_demo_ids(tmp_path: Path) -> None:
    result = run_python("import close_viewer, sys; sys.exit(close_viewer.main(['--help']))", tmp_path)
    assert result.returncode == 0
    for contact_id in (
        "cont_4bA7x2Kq9TzRmW1vLp8NcY",
        "cont_LargeDemo10kCalls",
        "cont_9Yc2Wq7LmXk4RtPz1NbV3H",
    ):
        assert contact_id in result.stdout
    assert "cont_2Nq8Wx5KmLz7RtPc3VbY9J" in result.stdout and "sparse" in result.stdout
    assert "cont_fault500" in result.stdout and "fail on purpose" in result.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "cont_LargeDemo10kCalls" in readme and "cont_ratelimithuge" in readme
