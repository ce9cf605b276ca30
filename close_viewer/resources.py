"""Find the files under `resources/`, whether running from a checkout, a wheel or a frozen bundle."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    here = Path(__file__).resolve().parent
    candidates = [
        here / "resources",  # installed wheel: resources/ is shipped inside the package
        here.parent / "resources",  # source checkout or editable install
    ]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.insert(0, Path(frozen_root) / "close_viewer" / "resources")
    for candidate in candidates:
        if (candidate / "contacts").is_dir():
            return candidate
    raise FileNotFoundError("resources/ folder not found next to the close_viewer package")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
