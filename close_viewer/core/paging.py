"""Where the next page of a timeline starts, on time rather than on `_skip`.

Close caps `_skip` ("a maximum `_skip` limit which varies per resource", a 400 beyond it), so
a busy contact's older activities are asked for by time: activities at or before the moment
of the last one shown (`activity_at__lte`, with `_order_by=-activity_at`, the only date
filter Close allows with that order), past those already shown at exactly that moment
(`_skip` counts only those ties, so it stays small). No Qt; never raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ActivityCursor:
    """`before`: Close's `activity_at` of the last activity shown, as Close wrote it ("": the
    first page); `ties`: how many activities already shown have exactly that `activity_at`."""

    before: str = ""
    ties: int = 0

    def params(self) -> dict[str, str]:
        """The query parameters that ask for the page after this point."""
        if not self.before:
            return {"_skip": str(self.ties)} if self.ties else {}
        return {"activity_at__lte": self.before, **({"_skip": str(self.ties)} if self.ties else {})}

    def after(self, items: Sequence[object]) -> ActivityCursor:
        """The cursor past `items`, a page Close sent in its order (newest first)."""
        stamps = [
            item["activity_at"]
            for item in items
            if isinstance(item, dict) and isinstance(item.get("activity_at"), str) and item["activity_at"]
        ]
        if not stamps:  # nothing to page on by time (never seen from Close): step past them
            return ActivityCursor(self.before, self.ties + len(items))
        last = stamps[-1]
        ties = sum(1 for stamp in stamps if stamp == last)
        return ActivityCursor(last, ties + (self.ties if last == self.before else 0))
