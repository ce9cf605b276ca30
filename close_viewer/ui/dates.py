"""Dates as the user reads them: in their time zone, with the locale's month names and clock."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, QLocale


def local_datetime(moment: datetime | None, this_year_short: bool = False) -> str:
    """A datetime in the user's time zone: localised month name and time format
    (without the year, if `this_year_short` and it is this year)."""
    if moment is None:
        return ""
    qt = QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000))
    locale = QLocale()
    short = this_year_short and qt.date().year() == QDateTime.currentDateTime().date().year()
    date = locale.toString(qt.date(), "d MMM" if short else "d MMM yyyy")
    return f"{date}, {locale.toString(qt.time(), QLocale.FormatType.ShortFormat)}"
