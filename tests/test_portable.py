"""Code that runs on a rep's Windows or macOS desktop too: no POSIX-only strftime directives
("%-d" raises ValueError on Windows), checked over the whole package's source."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from close_viewer.core.names import format_value

PACKAGE = Path(__file__).resolve().parents[1] / "close_viewer"
POSIX_ONLY = re.compile(r"%-[a-zA-Z]")  # glibc's "no padding" flag


def test_no_posix_only_date_directives_anywhere() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in PACKAGE.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if POSIX_ONLY.search(line)
    ]
    assert found == []


def test_dates_still_read_without_a_leading_zero() -> None:
    assert format_value("2024-03-05", "date", {}) == "5 Mar 2024"
    moment = datetime(2024, 3, 5, 9, 4, tzinfo=timezone.utc).isoformat()
    assert format_value(moment, "datetime", {}, zone=timezone.utc) == "5 Mar 2024, 09:04"
