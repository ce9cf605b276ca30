"""Build the double-clickable Linux app: one command, from a clean virtual environment.

    python packaging/build.py

1. creates build/venv with only this project (installed as a wheel) and PyInstaller;
2. runs PyInstaller on packaging/close-viewer.spec (one folder, windowed);
3. stages the bundle with install.sh / uninstall.sh, the .desktop entry, the AppStream
   metainfo and the icons, all generated from the names in close_viewer/__init__.py;
4. writes dist/close-viewer-<version>-linux-x86_64.tar.gz and prints the unpacked size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
DIST = ROOT / "dist"
PYINSTALLER = "pyinstaller==6.22.3"
# Libraries the spec leaves out because only unused plugins need them.
TRIMMED_LIBS = (
    "libgdk",
    "libgtk",
    "libcairo",
    "libpango",
    "libatk",
    "libfribidi",
    "libkrb5",
    "libgssapi",
    "libepoxy",
    "libXcomposite",
    "libXcursor",
    "libXdamage",
    "libXinerama",
    "libXrandr",
    "libXi.",
    "libatspi",
)


def app_meta() -> dict[str, str]:
    source = (ROOT / "close_viewer" / "__init__.py").read_text(encoding="utf-8")
    found = dict(re.findall(r'^(APP_NAME|APP_SLUG|APP_ID|__version__) = "([^"]+)"', source, re.M))
    return {
        "APP_NAME": found["APP_NAME"],
        "SLUG": found["APP_SLUG"],
        "APP_ID": found["APP_ID"],
        "VERSION": found["__version__"],
        "DATE": dt.date.today().isoformat(),
    }


def fill(template: Path, values: dict[str, str]) -> str:
    text = template.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    if "@" in re.sub(r"[\w.+-]+@[\w.-]+", "", text) and re.search(r"@[A-Z_]+@", text):
        raise SystemExit(f"unfilled placeholder in {template}")
    return text


def write_windows_version(meta: dict[str, str]) -> Path:
    """The version resource the spec embeds in close-viewer.exe (Windows builds only; on paper here)."""
    numbers = (*(int(n) for n in meta["VERSION"].split(".")[:3]), 0)
    text = f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}),
  kids=[
    StringFileInfo([StringTable('040904B0', [
      StringStruct('ProductName', '{meta["APP_NAME"]}'),
      StringStruct('FileDescription', '{meta["APP_NAME"]}'),
      StringStruct('FileVersion', '{meta["VERSION"]}'),
      StringStruct('ProductVersion', '{meta["VERSION"]}'),
      StringStruct('InternalName', '{meta["SLUG"]}'),
      StringStruct('OriginalFilename', '{meta["SLUG"]}.exe')])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""
    path = BUILD / "windows-version.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def check_libraries(bundle: Path) -> None:
    """Every shared library and plugin left in the bundle finds what it links to."""
    internal = bundle / "_internal"
    env = {"LD_LIBRARY_PATH": f"{internal}:{internal / 'PySide6' / 'Qt' / 'lib'}", "PATH": "/usr/bin:/bin"}
    missing = []
    for path in sorted(internal.rglob("*.so*")):
        if path.is_symlink() or not path.is_file():
            continue
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
        for line in out.splitlines():
            name = line.split()[0]
            # Qt's own libraries must all be here; the rest (libwayland-*, libGL) the system provides.
            if "not found" in line and (name.startswith("libQt6") or name.startswith(TRIMMED_LIBS)):
                missing.append(f"{path.relative_to(bundle)}: {name}")
    if missing:
        raise SystemExit("libraries missing from the bundle:\n" + "\n".join(missing))


def run(*command: str | Path) -> None:
    print("+", " ".join(map(str, command)), flush=True)
    subprocess.run([str(c) for c in command], check=True, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--reuse-venv", action="store_true", help="keep build/venv if it exists (faster rebuilds)"
    )
    args = parser.parse_args()
    meta = app_meta()
    arch = platform.machine() or "x86_64"
    name = f"{meta['SLUG']}-{meta['VERSION']}-linux-{arch}"

    env_dir = BUILD / "venv"
    if env_dir.exists() and not args.reuse_venv:
        shutil.rmtree(env_dir)
    if not env_dir.exists():
        venv.create(env_dir, with_pip=True, clear=True)
    python = env_dir / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", "--upgrade", "pip")
    run(python, "-m", "pip", "install", "-q", ".", PYINSTALLER)  # a wheel of this project, not editable

    if sys.platform == "win32":
        write_windows_version(meta)
    work, bundle_parent = BUILD / "pyinstaller", BUILD / "bundle"
    for folder in (work, bundle_parent):
        shutil.rmtree(folder, ignore_errors=True)
    run(
        python,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--workpath",
        work,
        "--distpath",
        bundle_parent,
        ROOT / "packaging" / "close-viewer.spec",
    )
    bundle = bundle_parent / meta["SLUG"]
    check_libraries(bundle)

    stage = BUILD / "stage" / name
    shutil.rmtree(stage.parent, ignore_errors=True)
    shutil.copytree(bundle, stage / "app", symlinks=True)
    linux = ROOT / "packaging" / "linux"
    # Qt names the X11 window class after the executable: close-viewer.
    desktop = dict(meta, EXEC=meta["SLUG"], WM_CLASS=meta["SLUG"])
    (stage / "share" / "applications").mkdir(parents=True)
    (stage / "share" / "metainfo").mkdir(parents=True)
    (stage / "share" / "applications" / f"{meta['APP_ID']}.desktop").write_text(
        fill(linux / "app.desktop.in", desktop)
    )
    (stage / "share" / "metainfo" / f"{meta['APP_ID']}.metainfo.xml").write_text(
        fill(linux / "app.metainfo.xml.in", meta)
    )
    shutil.copytree(ROOT / "resources" / "icons" / "hicolor", stage / "share" / "icons" / "hicolor")
    for script in ("install.sh", "uninstall.sh"):
        target = stage / script
        target.write_text(fill(linux / script, meta))
        target.chmod(0o755)

    DIST.mkdir(exist_ok=True)
    archive = DIST / f"{name}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(stage, arcname=name)
    print(f"bundle: {bundle} ({size_of(bundle) / 1e6:.1f} MB unpacked)")
    print(f"archive: {archive} ({archive.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    sys.exit(main())
