#!/usr/bin/env python3
"""Set up and run Close Contact Viewer from a checkout, on a machine with only python3 and git.

    python3 run.py app --demo      # install what is missing, then start the app
    python3 run.py test            # install what is missing, then run the tests (python -m pytest)

What it does, each step only when needed:
1. The system libraries Qt needs (Debian/Ubuntu package names, below): installed with
   apt-get when running as root or with password-less sudo; otherwise the exact
   `sudo apt-get install …` line is printed and nothing else happens. For the tests,
   also `openssl` (one test makes a certificate with it).
2. A virtual environment in .venv (python3-venv is installed the same way if missing),
   with the project installed in it (editable; `[dev]` extras for the tests).
3. Before starting the app: `ldd` on Qt's platform plugin, so a missing library is named
   plainly instead of Qt aborting with a message that blames the wrong one.

Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"

# What Qt's libraries load on Linux: GL/EGL, fonts, D-Bus, GLib, xkbcommon (also offscreen),
# and what the xcb platform plugin needs for a real window.
QT_PACKAGES = (
    "libegl1 libgl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0 "
    "fonts-dejavu-core libxcb1 libx11-6 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 "
    "libxcb-image0 libxcb-render-util0 libxcb-xkb1 libxcb-shape0 libxcb-randr0 libxcb-xfixes0 "
    "libxcb-shm0 libxcb-sync1 libxcb-render0 libxcb-glx0 libxkbcommon-x11-0"
).split()
VENV_PACKAGES = ["python3-venv"]
TEST_PACKAGES = ["openssl"]  # the https test makes its own certificate with it
# Library file (as ldd names it) -> the Debian/Ubuntu package that ships it.
LIBRARY_PACKAGES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
}


def say(message: str) -> None:
    print(f"run.py: {message}", file=sys.stderr, flush=True)


def _dpkg_missing(packages: list[str]) -> list[str]:
    """Packages dpkg does not list as installed (all of them if dpkg is not there)."""
    if shutil.which("dpkg-query") is None:
        return []  # not Debian/Ubuntu: the ldd check below still names what is missing
    missing = []
    for package in packages:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
        )
        if "install ok installed" not in result.stdout:
            missing.append(package)
    return missing


def _apt_prefix() -> list[str] | None:
    """How to run apt-get here: directly as root, with sudo -n, or not at all."""
    if shutil.which("apt-get") is None:
        return None
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        return ["sudo", "-n"]
    return None


def ensure_packages(packages: list[str], why: str) -> None:
    missing = _dpkg_missing(packages)
    if not missing:
        return
    line = "sudo apt-get install -y " + " ".join(missing)
    prefix = _apt_prefix()
    if prefix is None:
        say(f"{why} needs these system packages, and this script cannot install them itself:")
        print(f"\n    {line}\n", file=sys.stderr)
        say("run that line (or ask your administrator to), then run this command again.")
        sys.exit(1)
    say(f"installing the system packages {why} needs: {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    update = subprocess.run([*prefix, "apt-get", "update", "-qq"], env=env, check=False)
    install = subprocess.run(
        [*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        env=env,
        check=False,
    )
    if update.returncode or install.returncode:
        say(f"apt-get failed; try it by hand:\n\n    {line}\n")
        sys.exit(1)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv(extras: str) -> Path:
    """.venv with the project installed (editable), reinstalled when pyproject.toml changes."""
    python = venv_python()
    if not python.exists():
        try:
            import ensurepip  # noqa: F401  (Debian ships it in python3-venv)
        except ImportError:
            ensure_packages(VENV_PACKAGES, "a virtual environment")
        say("creating the virtual environment in .venv")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{digest}-{extras or 'app'}"
    enough = [stamp, VENV / f".installed-{digest}-dev"]  # the test install has all the app needs
    if not any(path.exists() for path in enough):
        target = f".[{extras}]" if extras else "."
        say(f"installing the project into .venv ({target})")
        pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        subprocess.run([*pip, "-U", "pip"], check=True)
        subprocess.run([*pip, "-e", target], check=True, cwd=ROOT)
        for old in VENV.glob(".installed-*"):
            old.unlink()
        stamp.touch()
    return python


def missing_qt_libraries(python: Path) -> list[str]:
    """Libraries Qt's platform plugins need that the dynamic linker cannot find."""
    if not sys.platform.startswith("linux") or shutil.which("ldd") is None:
        return []
    found = subprocess.run(
        [str(python), "-c", "import PySide6, pathlib; print(pathlib.Path(PySide6.__file__).parent)"],
        capture_output=True,
        text=True,
        check=True,
    )
    plugins = Path(found.stdout.strip()) / "Qt" / "plugins" / "platforms"
    missing: set[str] = set()
    # X11 (what Qt picks on Linux desktops, Wayland ones included through XWayland) and
    # offscreen (the tests); the Wayland plugin is checked only in a Wayland session.
    names = ["libqxcb.so", "libqoffscreen.so"] + (
        ["libqwayland*.so"] if os.environ.get("WAYLAND_DISPLAY") else []
    )
    for plugin in sorted(p for name in names for p in plugins.glob(name)):
        result = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=False)
        missing |= {line.split()[0] for line in result.stdout.splitlines() if "not found" in line}
    return sorted(missing)


def check_qt(python: Path) -> None:
    missing = missing_qt_libraries(python)
    if not missing:
        return
    packages = sorted({LIBRARY_PACKAGES.get(lib, f"<package with {lib}>") for lib in missing})
    say("Qt cannot start: these libraries are missing: " + ", ".join(missing))
    print(f"\n    sudo apt-get install -y {' '.join(packages)}\n", file=sys.stderr)
    sys.exit(1)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("app", "test"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if sys.platform.startswith("linux"):
        ensure_packages(QT_PACKAGES, "Qt")
        if command == "test":
            ensure_packages(TEST_PACKAGES, "the tests")
    python = ensure_venv("dev" if command == "test" else "")
    check_qt(python)
    if command == "test":
        return subprocess.run([str(python), "-m", "pytest", *rest], cwd=ROOT, check=False).returncode
    if not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    ):
        say("there is no display (DISPLAY is not set): run this from a desktop session.")
        return 1
    return subprocess.run([str(python), "-m", "close_viewer", *rest], check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
