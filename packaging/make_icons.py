"""Render the one icon source (resources/icons/close-viewer.svg) to every format the bundles need.

    python packaging/make_icons.py

Writes resources/icons/hicolor/<N>x<N>/apps/<app id>.png for the freedesktop sizes,
resources/icons/close-viewer.ico (Windows, PNG entries) and close-viewer.icns (macOS).
The outputs are committed; this script is the truth. Uses Qt's own SVG renderer, so
it needs nothing beyond the app's dependencies.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

from close_viewer import APP_ID  # noqa: E402

ICONS = ROOT / "resources" / "icons"
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
)


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def write_ico(path: Path, pngs: dict[int, bytes]) -> None:
    """ICO with PNG-compressed entries (supported since Windows Vista)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in pngs.items():
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    path.write_bytes(header + entries + blobs)


def write_icns(path: Path, pngs: dict[bytes, bytes]) -> None:
    body = b"".join(kind + struct.pack(">I", 8 + len(png)) + png for kind, png in pngs.items())
    path.write_bytes(b"icns" + struct.pack(">I", 8 + len(body)) + body)


def main() -> None:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841  (Qt needs one for painting)
    renderer = QSvgRenderer(str(ICONS / "close-viewer.svg"))
    if not renderer.isValid():
        raise SystemExit("the SVG icon could not be read")
    for size in HICOLOR_SIZES:
        folder = ICONS / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{APP_ID}.png").write_bytes(render(renderer, size))
    scalable = ICONS / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    (scalable / f"{APP_ID}.svg").write_bytes((ICONS / "close-viewer.svg").read_bytes())
    write_ico(ICONS / "close-viewer.ico", {size: render(renderer, size) for size in ICO_SIZES})
    write_icns(ICONS / "close-viewer.icns", {kind: render(renderer, size) for kind, size in ICNS_TYPES})
    print(f"icons written under {ICONS}")


if __name__ == "__main__":
    main()
