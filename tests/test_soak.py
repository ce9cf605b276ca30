"""Soak: the app's own signal paths, thousands of times, must not leak references to True.

PySide6-Essentials 6.12.0 on Python < 3.12 drops one reference to `True` on every
`Signal.emit` made from Python; `True` starts with a few hundred, so after about 500
lookups or sorts the interpreter aborts ("bool_dealloc: deallocating True or False").
pyproject.toml keeps that combination out; this test fails (or crashes) if it comes back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from close_viewer.core.model import Contact
from close_viewer.demo import DEMO_CONTACT_ID
from tests.conftest import MakeWindow
from tests.test_window import STATUSES

LOOKUPS = 700
SORTS = 3000


def test_lookups_and_sorts_do_not_leak_true(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    shown: list[object] = []
    window.contact_shown.connect(shown.append)
    window.error_shown.connect(shown.append)
    before = sys.getrefcount(True)
    for n in range(LOOKUPS):
        window.contact_edit.setText(DEMO_CONTACT_ID if n % 2 else STATUSES)
        with qtbot.waitSignals([window.contact_shown], raising=True, timeout=10_000):
            window.fetch()
    assert len(shown) == LOOKUPS
    assert all(isinstance(item, Contact) for item in shown)
    calls = window.findChild(QTableView, "callsView")
    for n in range(SORTS):
        calls.sortByColumn(n % 3, Qt.SortOrder.AscendingOrder if n % 2 else Qt.SortOrder.DescendingOrder)
    after = sys.getrefcount(True)
    # A leak of one per emission would have taken thousands; allow small noise from caches.
    assert after >= before - 50, (before, after)
