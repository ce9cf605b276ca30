"""Text for the screen that does not need Qt: durations, relative times, status words."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import quote

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


# A call's outcome from what Close documents for a call (`status`, one of CallStatus, with
# `direction` and `duration`); `disposition` is not in Close's OpenAPI (Close warns such
# fields may change), so it only adds detail to a completed call, or stands in with no status.
_CALL_STATUS_OUTCOMES = {
    "created": "Not connected",
    "in-progress": "In progress",
    "cancel": "Cancelled",
    "busy": "Busy",
    "failed": "Failed",
    "timeout": "Timed out",
}
_DISPOSITION_HINTS = {
    "answered": "Answered",
    "vm-answer": "Went to voicemail",
    "vm-left": "Left a voicemail",
    "no-answer": "No answer",
    "busy": "Busy",
    "blocked": "Blocked",
    "error": "Failed",
    "abandoned": "Abandoned",
}
_COMPLETED_HINTS = frozenset({"answered", "vm-answer", "vm-left"})  # what a completed call can be


_PHONE_SEPARATORS = frozenset(" -.()/\u00a0")
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
# The characters RFC 5322 allows unquoted in the part before the @ (quoted ones are refused).
_ATEXT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.")
# Labels of letters, digits and hyphens (IDNs arrive here as punycode), at least two of them.
_DOMAIN = re.compile(r"(?=.{1,253}\Z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}")


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


def call_outcome(status: str | None, seconds: int | None, direction: str = "", disposition: str = "") -> str:
    """A call's outcome in words, read from the documented fields first: `status` decides,
    `direction` tells a missed call from an unanswered one, `duration` a connected call from
    a completed one without talk; `disposition` (undocumented) is only a hint."""
    status = (status or "").strip().lower()
    hint = (disposition or "").strip().lower()
    inbound = (direction or "").strip().lower() in ("inbound", "incoming")
    if status == "no-answer":
        return "Missed call" if inbound else "No answer"
    if status in _CALL_STATUS_OUTCOMES:
        return _CALL_STATUS_OUTCOMES[status]
    if status == "completed":
        if hint in _COMPLETED_HINTS:
            return _DISPOSITION_HINTS[hint]
        return "Connected" if seconds else "Completed"
    if status:
        return humanize(status)  # a status Close added since: its own words
    return _DISPOSITION_HINTS.get(hint) or humanize(hint)


def tel_uri(number: str | None) -> str:
    """`+34 911 23 45 67` -> `tel:+34911234567`: the E.164 number and nothing else (no
    extension, parameter or query the server wrote); empty when it is not an international
    number."""
    text = (number or "").strip()[:64]
    # Only the number itself: digits and the separators people write, up to anything else
    # (";ext=", "?", ",", "p", a letter), which is never handed to the dialer.
    end = 0
    while end < len(text) and (text[end].isdecimal() or text[end] in _PHONE_SEPARATORS or text[end] == "+"):
        end += 1
    digits = "".join(c for c in text[:end] if c.isascii() and c.isdigit())
    if not text.startswith("+") or not 2 <= len(digits) <= 15:
        return ""
    import phonenumbers  # here, not at start-up: its import is paid at the first call

    try:
        parsed = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return ""
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return f"tel:{e164}" if _E164.fullmatch(e164) else ""


def mailto_uri(address: str | None) -> str:
    """`mailto:` for one syntactically valid address, percent-encoded, with no query: the
    server's text never adds a header (`?bcc=`, `&attach=`) or a second address. Empty for
    anything else (the row then has no Write action)."""
    text = (address or "").strip()
    if len(text) > 254 or text.count("@") != 1:
        return ""
    local, domain = text.split("@")
    if not local or len(local) > 64 or not all(c in _ATEXT or c.isalnum() for c in local):
        return ""
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return ""
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return ""
    if not _DOMAIN.fullmatch(ascii_domain):
        return ""
    return "mailto:" + quote(local, safe="+") + "@" + ascii_domain


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
