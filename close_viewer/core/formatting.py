"""Text for the screen that does not need Qt: durations, relative times, status words."""

from __future__ import annotations

from datetime import datetime, timezone

# How reps say the types Close stores in lower case.
_TYPE_WORDS = {
    "url": "URL",
    "linkedin": "LinkedIn",
    "twitter": "Twitter",
    "facebook": "Facebook",
    "github": "GitHub",
    "youtube": "YouTube",
    "sms": "SMS",
    "voip": "VoIP",
}

_STATUS_WORDS = {
    "in-progress": "In progress",
    "no-answer": "No answer",
    "cancel": "Cancelled",
    "goal": "Goal met",
}


def duration(seconds: int | None) -> str:
    """h:mm:ss, as a call duration is read."""
    if seconds is None:
        return ""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def humanize(value: str | None) -> str:
    """`pending-call-timed-out` -> `Pending call timed out`; empty for None."""
    if not value:
        return ""
    if value in _STATUS_WORDS:
        return _STATUS_WORDS[value]
    text = value.replace("-", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def tel_uri(number: str | None) -> str:
    """`+34 911 23 45 67` -> `tel:+34911234567`; empty when there are no digits."""
    digits = "".join(c for c in (number or "") if c.isdigit() or c == "+")
    return f"tel:{digits}" if digits.lstrip("+") else ""


def type_word(value: str | None) -> str:
    """`office` -> `Office`, `linkedin` -> `LinkedIn`, `url` -> `URL`; empty for None."""
    if not value:
        return ""
    return _TYPE_WORDS.get(value.lower()) or humanize(value)


def relative(moment: datetime | None, now: datetime | None = None) -> str:
    """'3 days ago', 'in 2 hours', 'just now'."""
    if moment is None:
        return ""
    now = now or datetime.now(timezone.utc)
    delta = (now - moment).total_seconds()
    future = delta < 0
    delta = abs(delta)
    if delta < 45:
        return "just now"
    units = ((31_536_000, "year"), (2_592_000, "month"), (86_400, "day"), (3_600, "hour"), (60, "minute"))
    for size, unit in units:
        if delta >= size * 0.95:
            # Years and months are counted whole, as people do: 2 years 8 months is "2 years ago".
            count = max(1, int(delta // size) if unit in ("year", "month") else round(delta / size))
            words = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {words}" if future else f"{words} ago"
    return "just now"
