"""Command line, QApplication, demo mode: what `close-viewer` runs.

Kept light on purpose: only what the first frame needs is imported before the
window is on screen. the HTTP stack and keyring load in worker threads afterwards;
logging, the crash handler and the window icon are set up once the window is
whole (after the start-up lookup's answer, when there is one).
"""

from __future__ import annotations

import os
import sys
from types import SimpleNamespace
from typing import TYPE_CHECKING

from close_viewer import APP_ID, APP_NAME, APP_SLUG, ORG_NAME, __version__
from close_viewer.core.config import API_KEY_ENV, BASE_URL_ENV, resolve_base_url
from close_viewer.core.errors import InvalidBaseUrl

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QWidget

    from close_viewer.ui.main_window import MainWindow
    from close_viewer.ui.settings import AppSettings


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from close_viewer.demo.catalogue import demo_help

    parser = argparse.ArgumentParser(
        prog=APP_SLUG,
        description=f"{APP_NAME}: look up one Close contact.",
        epilog=demo_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "contact", nargs="?", default="", help="a contact id (cont_…) or a Close contact link"
    )
    parser.add_argument("--base-url", help="Close API address (default: $CLOSE_API_BASE_URL or Close's API)")
    parser.add_argument("--fields", default="", help="only these contact fields, comma-separated (_fields)")
    parser.add_argument("--demo", action="store_true", help="use a built-in demo server and sample contacts")
    parser.add_argument(
        "--new-window",
        action="store_true",
        help="open a window of its own, even if one is running (by default the running one looks up CONTACT)",
    )
    parser.add_argument("--diagnose", action="store_true", help="print versions, paths and keychain backend")
    parser.add_argument(
        "--check-keychain", action="store_true", help="with --diagnose: store, read and delete a test entry"
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return parser


def parse_args(argv: list[str] | None) -> SimpleNamespace:
    """Read the command line.

    The usual forms are read directly; anything else (--help, --version, a mistake)
    goes to argparse, which prints help or a precise error. Building an argparse
    parser costs about 5 ms (its messages go through gettext), a few percent of the
    time to the first frame, for a command line that is almost always one id.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    found = SimpleNamespace(
        contact="",
        base_url=None,
        fields="",
        demo=False,
        diagnose=False,
        check_keychain=False,
        new_window=False,
    )
    index = 0
    while index < len(args):
        arg = args[index]
        name, has_value, value = arg.partition("=")
        if arg in ("--demo", "--diagnose", "--check-keychain", "--new-window"):
            setattr(found, arg[2:].replace("-", "_"), True)
        elif name in ("--base-url", "--fields") and (has_value or index + 1 < len(args)):
            if not has_value:
                index += 1
                value = args[index]
            setattr(found, name[2:].replace("-", "_"), value)
        elif not arg.startswith("-") and not found.contact:
            found.contact = arg
        else:
            return SimpleNamespace(**vars(build_parser().parse_args(args)))
        index += 1
    return found


def data_dir() -> Path:
    from pathlib import Path

    from PySide6.QtCore import QStandardPaths

    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(location or Path.home() / f".{APP_SLUG}")


def _after_start(window: MainWindow) -> None:
    """Set-up the first frame does not need. Each step works even if an earlier one failed."""
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication

    from close_viewer.logs import info, setup_logging
    from close_viewer.resources import resource_path
    from close_viewer.ui.crash import install_crash_handler

    folder = data_dir()
    try:
        log_path: Path | None = setup_logging(folder)
    except OSError:
        log_path = None
        window.show_notice(
            "No log file",
            f"The app could not write its log in {folder}; it works normally, but problems "
            "cannot be recorded for support. Check that the folder is writable.",
        )
    install_crash_handler(log_path)
    if sys.platform != "win32":
        quit_on_sigterm(QApplication.instance())
    icon = QIcon()
    for png in sorted(resource_path("icons", "hicolor").glob(f"*/apps/{APP_ID}.png")):
        icon.addFile(str(png))  # PNGs, not the SVG: no SVG plugin needed in the bundle
    QGuiApplication.setWindowIcon(icon)
    info("Started %s %s", APP_NAME, __version__)


def _listen_for_others(window: MainWindow, paths: list[str]) -> None:
    """Be the one window: a later `close-viewer CONTACT` hands CONTACT to this one."""
    from close_viewer.logs import info
    from close_viewer.ui.instance_server import InstanceServer

    server = InstanceServer(paths, window)
    server.received.connect(window.bring_forward)
    window.closed.connect(server.close)
    if not server.listen():
        info("Another window already listens at %s: this one does not", paths[0])


_signal_pipe: list[object] = []  # keeps the wake-up sockets and notifier alive


def quit_on_sigterm(app: QObject | None) -> None:
    """Close windows (saving settings, stopping threads) on SIGTERM, as at logout, and on
    SIGINT (Ctrl+C in a terminal), instead of raising KeyboardInterrupt in a slot."""
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier
    from PySide6.QtWidgets import QApplication

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    signal.signal(signal.SIGTERM, lambda *_: None)  # the wake-up byte does the work
    signal.signal(signal.SIGINT, lambda *_: None)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def on_signal() -> None:
        reader.recv(64)
        QApplication.closeAllWindows()

    notifier.activated.connect(on_signal)
    _signal_pipe[:] = [reader, writer, notifier]


def stop_quit_on_sigterm() -> None:
    """Undo quit_on_sigterm when main() returns (it may run inside a longer-lived process)."""
    import signal

    if not _signal_pipe:
        return
    reader, writer, notifier = _signal_pipe
    _signal_pipe.clear()
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    notifier.setEnabled(False)  # type: ignore[attr-defined]
    reader.close()  # type: ignore[attr-defined]
    writer.close()  # type: ignore[attr-defined]


STARTUP_PROBE_ENV = "CLOSE_VIEWER_STARTUP_PROBE"


def _probe_startup(window: QWidget) -> None:
    """For the start-up benchmark (also of the frozen app): print the moment of the first
    paint and the peak memory so far, then close. Same measure as tests/perf.py's bare window."""
    import resource
    import time

    from PySide6.QtCore import QTimer

    from close_viewer.ui.startup import at_first_paint

    def report() -> None:
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"PAINT {time.monotonic()} {rss}", flush=True)
        QTimer.singleShot(0, window.close)

    def answered(title: str) -> None:  # the title now names the contact (the header shows it)
        window.windowTitleChanged.disconnect(answered)
        print(f"ANSWER {time.monotonic()} {title}", flush=True)

    def whole(_contact: object) -> None:  # the whole contact: tables, summary, activity tab
        print(f"WHOLE {time.monotonic()}", flush=True)
        QTimer.singleShot(0, window.close)

    def shown(contact: object) -> None:  # every contact, for the hand-off benchmark
        print(f"SHOWN {time.monotonic()} {getattr(contact, 'id', '')}", flush=True)

    if os.environ.get(STARTUP_PROBE_ENV) == "answer":  # start to answer, for `close-viewer CONTACT`
        window.windowTitleChanged.connect(answered)
        window.contact_shown.connect(whole)
    elif os.environ.get(STARTUP_PROBE_ENV) == "watch":  # stays open, says when each contact shows
        window.contact_shown.connect(shown)
    else:
        at_first_paint(window, report)


def choose_base_url(cli_value: str | None, settings: AppSettings) -> tuple[str, tuple[str, str] | None]:
    """The API address to use, and a notice for the window when it is not the one asked for.

    --base-url typed in a terminal: an invalid one raises InvalidBaseUrl (said on stderr,
    exit 2). CLOSE_API_BASE_URL (a double-clicked app has no terminal): an invalid one is
    kept, so that every request refuses it before sending anything, and the window says
    what is wrong with it. An invalid saved one: Close's own address, and the window says so."""
    try:
        return resolve_base_url(cli_value, saved=settings.base_url), None
    except InvalidBaseUrl as problem:
        if cli_value:
            raise  # the rep's own input now: say so on the command line
        from_env = os.environ.get(BASE_URL_ENV, "").strip()
        if from_env:
            return from_env, (
                "API address not usable",
                f"{BASE_URL_ENV} names an API address this app will not use: {problem.message} "
                f"{problem.hint} Nothing is sent until it is corrected and the app restarted.",
            )
        if not settings.base_url:
            raise
    settings.base_url = ""  # a bad saved address must not keep the app from starting
    return resolve_base_url(None, saved=""), (
        "API address reset",
        "The API address saved last time was not valid, so Close's own address "
        "is used. Start with --base-url to choose another.",
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.diagnose:
        from close_viewer.diagnose import report

        text, ok = report(args.base_url, args.check_keychain)
        print(text)
        return 0 if ok else 1
    from close_viewer.instance import hand_off_any, socket_paths

    instance_paths = None if args.new_window else socket_paths(demo=args.demo)
    if instance_paths is not None and hand_off_any(instance_paths, args.contact):
        return 0  # the running window looks it up
    from PySide6.QtCore import QCoreApplication, QEventLoop
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationName(APP_SLUG)
    QCoreApplication.setApplicationVersion(__version__)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    QGuiApplication.setApplicationDisplayName(APP_NAME)
    QGuiApplication.setDesktopFileName(APP_ID)
    scheme = os.environ.get("CLOSE_VIEWER_COLOR_SCHEME", "").lower()
    if scheme in ("light", "dark"):
        from close_viewer.ui.palette import force_color_scheme

        force_color_scheme(app, scheme)

    from close_viewer.ui.main_window import MainWindow, StartOptions
    from close_viewer.ui.startup import after_next_paint

    fields = tuple(f.strip() for f in args.fields.split(",") if f.strip())
    server = None
    notices: list[tuple[str, str]] = []
    try:
        if args.demo:
            from close_viewer.demo import DEMO_API_KEY, DEMO_CONTACT_ID, DemoServer

            server = DemoServer().start()
            options = StartOptions(
                base_url=server.base_url,
                contact=args.contact or DEMO_CONTACT_ID,
                fields=fields,
                session_key=DEMO_API_KEY,
                session_key_source="demo mode",
                use_keychain=False,
                extra_title="demo",
                history_path=str(data_dir() / "history-demo.sqlite3"),  # never mixed with a real one
            )
        else:
            from close_viewer.ui.settings import AppSettings

            settings = AppSettings()
            env_key = os.environ.get(API_KEY_ENV, "").strip() or None
            base_url, notice = choose_base_url(args.base_url, settings)
            if notice:
                notices.append(notice)
            if args.base_url:
                settings.base_url = base_url  # remembered for the next start
            options = StartOptions(
                base_url=base_url,
                contact=args.contact,
                fields=fields,
                session_key=env_key,
                session_key_source=API_KEY_ENV if env_key else "",
                history_path=str(data_dir() / "history.sqlite3"),
            )
    except InvalidBaseUrl as exc:
        sys.stderr.write(f"{APP_SLUG}: {exc}\n")
        return 2

    window = MainWindow(options)
    for title, message in notices:
        window.show_notice(title, message)
    if os.environ.get(STARTUP_PROBE_ENV) in ("1", "answer", "watch"):
        _probe_startup(window)

    # Once the whole window is built and painted: nothing here may hold back the first
    # paint or the start-up lookup's answer.
    started: list[bool] = []

    def start_once() -> None:
        if not started:
            started.append(True)
            _after_start(window)

    def once_built() -> None:
        after_next_paint(window, start_once)
        if instance_paths is not None:
            after_next_paint(window, lambda: _listen_for_others(window, instance_paths))

    window.ready.connect(once_built)
    window.closed.connect(start_once)  # closed sooner: what was logged so far is still written
    window.show()
    try:
        if existing is None:
            return app.exec()
        loop = QEventLoop()
        window.closed.connect(loop.quit)
        loop.exec()
        return 0
    finally:
        stop_quit_on_sigterm()
        if server is not None:
            server.stop()
