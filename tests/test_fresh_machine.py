"""The README's two commands on a fresh Debian: a minimal root file system with only python3
and git (debootstrap), the project cloned into it, each command run inside it with chroot.

Slow (a few minutes: debootstrap, apt-get and pip inside), root only; run by .ci/run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.slow_helpers import ROOT, need, xvfb

pytestmark = pytest.mark.slow

MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian")
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@pytest.fixture(scope="module")
def fresh_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.fail("this proof needs root (debootstrap and chroot), as CI runs it")
    need("debootstrap", "chroot", "mount", "umount", "git")
    root = tmp_path_factory.mktemp("debian") / "root"
    subprocess.run(
        ["debootstrap", "--variant=minbase", "--include=python3,git", "bookworm", str(root), MIRROR],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.copy("/etc/resolv.conf", root / "etc" / "resolv.conf")
    host_ca = Path("/etc/ssl/certs/ca-certificates.crt")
    if host_ca.exists():  # the same trust as this machine (a TLS-inspecting proxy's CA, say)
        (root / "etc" / "ssl" / "certs").mkdir(parents=True, exist_ok=True)
        shutil.copy(host_ca, root / "etc" / "ssl" / "certs" / "host-ca.crt")
    subprocess.run(["git", "clone", "-q", str(ROOT), str(root / "root" / "app")], check=True)
    (root / "tmp" / ".X11-unix").mkdir(parents=True, exist_ok=True)
    x11 = Path("/tmp/.X11-unix")  # Xvfb's sockets, shared with the chroot
    x11.mkdir(exist_ok=True)
    x11.chmod(0o1777)
    mounts = [
        ["mount", "--bind", "/dev", str(root / "dev")],
        ["mount", "-t", "proc", "proc", str(root / "proc")],
        ["mount", "--bind", "/tmp/.X11-unix", str(root / "tmp" / ".X11-unix")],
    ]
    for mount in mounts:
        subprocess.run(mount, check=True)
    try:
        yield root
    finally:
        for mount in reversed(mounts):
            subprocess.run(["umount", "-l", mount[-1]], check=False)


def in_root(root: Path, command: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`command` in the chroot, as a fresh login would run it: a bare environment."""
    environ = {"HOME": "/root", "PATH": PATH, "LANG": "C.UTF-8", **env}
    if (root / "etc" / "ssl" / "certs" / "host-ca.crt").exists():
        environ["PIP_CERT"] = "/etc/ssl/certs/host-ca.crt"
    return subprocess.run(
        [
            "chroot",
            str(root),
            "/usr/bin/env",
            "-i",
            *(f"{k}={v}" for k, v in environ.items()),
            "sh",
            "-c",
            f"cd /root/app && {command}",
        ],
        capture_output=True,
        text=True,
        timeout=1800,
    )


def test_readme_commands_work_on_a_fresh_debian(fresh_root: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 run.py app --demo" in readme and "python3 run.py test" in readme
    assert not (fresh_root / "usr" / "lib" / "x86_64-linux-gnu" / "libxcb-icccm.so.4").exists()

    # Run the demo: installs Qt's libraries and the venv, checks the plugin, opens the window
    # on a real X screen. The probe closes it once the demo contact is on screen.
    with xvfb() as display:
        demo = in_root(
            fresh_root, "python3 run.py app --demo", DISPLAY=display, CLOSE_VIEWER_STARTUP_PROBE="answer"
        )
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "ANSWER" in demo.stdout and "María José Fernández-Łukasiewicz" in demo.stdout

    # Run the tests, exactly as the README says.
    tests = in_root(fresh_root, "python3 run.py test")
    assert tests.returncode == 0, (tests.stdout[-3000:], tests.stderr[-3000:])
    assert " passed" in tests.stdout and " failed" not in tests.stdout
