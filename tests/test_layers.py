"""The layers, as the README's Layering rules state them, checked over every module's imports
(also the ones inside functions): core/ and demo/ below Qt, ui/ below app.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "close_viewer"


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("core", ("PySide6", "close_viewer.ui", "close_viewer.app", "close_viewer.demo")),
        ("demo", ("PySide6", "close_viewer.ui", "close_viewer.app")),
        ("ui", ("close_viewer.app",)),
    ],
)
def test_no_import_runs_up_the_layers(layer: str, forbidden: tuple[str, ...]) -> None:
    upward = sorted(
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in (PACKAGE / layer).rglob("*.py")
        for name in imports_of(path)
        if name.startswith(forbidden)
    )
    assert upward == []


def test_only_the_wire_imports_an_http_library() -> None:
    http = ("requests", "urllib3", "http.client")
    users = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "demo" not in path.parts and any(n.startswith(http) for n in imports_of(path))
    )
    assert users == ["core/api/error_words.py", "core/api/wire.py"]
