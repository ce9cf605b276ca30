"""The Activity tab's model: every loaded activity, filtered by type and text, newest first.

It keeps all loaded activities (`loaded`), and shows those the filter lets through.
A page that arrives while the list is in its usual order (newest first) is inserted
at the end, so the selection and the scroll position stay; otherwise the shown rows
are rebuilt in one reset. People's names come from the activity (`user_name`) or,
once the user list has arrived, from `set_names`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from close_viewer.core.activity import Activity
from close_viewer.core.formatting import relative
from close_viewer.core.names import FORMER_USER
from close_viewer.ui.dates import local_datetime
from close_viewer.ui.table_models import Column, RowTableModel

_DIRECTIONS = {"in": "↓ In", "out": "↑ Out"}


def when_text(a: Activity) -> str:
    """ "27 Nov, 11:43 (2 hours ago)": local date and time (the year when it is not this
    one), and how long ago."""
    if a.when is None:
        return ""
    return f"{local_datetime(a.when, this_year_short=True)} ({relative(a.when)})"


def _recording(a: Activity) -> str:
    return a.recording_url if a.recording_url.lower().startswith(("https://", "http://")) else ""


class ActivityModel(RowTableModel):
    NOUN = "activities"
    ROW_ID = staticmethod(lambda a: a.id)
    ACTION = ("Open the recording", _recording)
    DEFAULT_SORT = (0, Qt.SortOrder.DescendingOrder)  # newest first
    COLUMNS = (
        Column("When", when_text, lambda a: a.when, width=29),
        Column("Type", lambda a: a.kind, lambda a: a.kind.lower(), badge="activity", width=21),
        Column("In/out", lambda a: _DIRECTIONS.get(a.direction, ""), lambda a: a.direction or None, width=7),
        Column("Who", lambda a: a.user_name, lambda a: a.user_name.lower() or None, width=16),
        Column("Summary", lambda a: a.summary, lambda a: a.summary.lower() or None, width=60),
        Column("Activity id", lambda a: a.id, width=24, internal=True),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.loaded: list[Activity] = []
        self._ids: set[str] = set()
        self._types: frozenset[str] | None = None
        self._needle = ""
        self._names: Mapping[str, str] | None = None

    # --- what is loaded ------------------------------------------------------------

    def clear(self) -> None:
        self.loaded = []
        self._ids = set()
        self.set_rows([])

    def add(self, activities: Iterable[Activity]) -> int:
        """Add a page (an activity already loaded is not added twice); returns how many were new."""
        new = []
        for activity in activities:
            if activity.id and activity.id in self._ids:
                continue
            self._ids.add(activity.id)
            new.append(self._named(activity))
        if not new:
            return 0
        self.loaded.extend(new)
        shown = [a for a in new if self._passes(a)]
        last = self._rows[-1].when if self._rows else None
        timed = [a for a in shown if a.when is not None and (last is None or a.when <= last)]
        if shown and len(timed) == len(shown) and self.sorted_by == self.DEFAULT_SORT:
            # Older than everything shown (the usual case): appended, nothing else moves.
            shown = sorted(timed, key=lambda a: a.when or 0, reverse=True)  # type: ignore[arg-type, return-value]
            rows = list(self._rows)
            self.beginInsertRows(QModelIndex(), len(rows), len(rows) + len(shown) - 1)
            self._original = list(self._original) + shown
            self._rows = rows + shown
            self.endInsertRows()
        elif shown:
            self._show_passing()
        return len(new)

    # --- names ---------------------------------------------------------------------

    def set_names(self, names: Mapping[str, str] | None) -> None:
        """Users' names (id -> name) for activities Close sent without `user_name`."""
        self._names = names
        if any(not a.user_name and a.user_id for a in self.loaded):
            self.loaded = [self._named(a) for a in self.loaded]
            self._show_passing()

    def _named(self, a: Activity) -> Activity:
        if a.user_name or not a.user_id or self._names is None:
            return a
        name = self._names.get(a.user_id) or FORMER_USER
        return dataclasses.replace(a, user_name=name, search_text=f"{a.search_text} {name.lower()}")

    # --- the filter ----------------------------------------------------------------

    def set_filter(self, types: frozenset[str] | None, text: str) -> None:
        """Show only activities of `types` (None: all) whose text contains `text` (any case)."""
        needle = text.strip().lower()
        if types == self._types and needle == self._needle:
            return
        self._types, self._needle = types, needle
        self._show_passing()

    @property
    def filtered(self) -> bool:
        return self._types is not None or bool(self._needle)

    def _show_passing(self) -> None:
        """Every loaded activity the filter lets through, in one reset."""
        self.set_rows([a for a in self.loaded if self._passes(a)])

    def _passes(self, a: Activity) -> bool:
        if self._types is not None and a.type not in self._types:
            return False
        return not self._needle or a.matches(self._needle)
