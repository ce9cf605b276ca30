"""When to ask again: Close's rate-limit waits and the back-off for a busy server.

The waits run in the transport's own loop on the request's CancelToken, so a cancel or a
newer lookup wakes them at once (urllib3's own `Retry` sleeps cannot be interrupted, so
the wire never retries by itself)."""

from __future__ import annotations

import email.utils
import math
import re
import time
from collections.abc import Mapping

MAX_RETRIES = 3  # per request, for 429 and 502/503/504 together
MAX_TOTAL_WAIT = 10.0  # seconds spent waiting between retries, at most
LONGEST_WAIT = 86400.0  # a wait Close asks for is read up to a day; longer is "a day"
LONGEST_SLEPT = 60.0  # a single wait longer than this is reported, not slept
BACKOFF = (0.25, 0.5, 1.0)
RETRY_5XX = frozenset((502, 503, 504))

_RATELIMIT_RESET = re.compile(r"reset\s*=\s*([0-9]*\.?[0-9]+)")


def _seconds(value: object) -> float | None:
    """A non-negative number of seconds, capped at a day; None if it is not one.

    Header and body values are the server's: a 401-digit integer overflows float(),
    "nan" and "inf" parse; none of them may reach a sleep or a message unbounded."""
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        if isinstance(value, int) and value > 0:
            return LONGEST_WAIT  # too large for a float: certainly longer than a day
        return None
    if math.isnan(seconds) or seconds < 0:
        return None
    return min(seconds, LONGEST_WAIT)


def rate_limit_wait(headers: Mapping[str, str], body: object) -> float | None:
    """How long Close asks us to wait, from any of the forms it has used; None if it does not say.

    Close's documented form is the `RateLimit` header (`limit=…, remaining=…, reset=…`);
    `Retry-After` (seconds or an HTTP date), `RateLimit-Reset` and a `rate_reset` in the
    body are read too."""
    match = _RATELIMIT_RESET.search(headers.get("ratelimit", "") or headers.get("RateLimit", ""))
    if match:
        return _seconds(match.group(1))
    for name in ("Retry-After", "RateLimit-Reset"):
        value = headers.get(name)
        if value is None:
            continue
        seconds = _seconds(value.strip())
        if seconds is None:  # Retry-After may be an HTTP date
            try:
                when = email.utils.parsedate_to_datetime(value)
                seconds = _seconds(max(0.0, when.timestamp() - time.time()))
            except (TypeError, ValueError):
                seconds = None
        if seconds is not None:
            return seconds
    if isinstance(body, dict):
        for holder in (body.get("error"), body):
            if isinstance(holder, dict) and "rate_reset" in holder:
                return _seconds(holder["rate_reset"])
    return None


def wait_words(seconds: float) -> str:
    """A wait in a rep's words: "12 seconds", "3 minutes", "2 hours", "a day or more"."""
    whole = max(1, math.ceil(min(seconds, LONGEST_WAIT)))
    if whole < 90:
        return f"{whole} second{'s' if whole != 1 else ''}"
    if whole < 90 * 60:
        return f"{math.ceil(whole / 60)} minutes"
    if whole < LONGEST_WAIT:
        return f"{math.ceil(whole / 3600)} hours"
    return "a day or more"


def is_retried(status: int) -> bool:
    """Statuses worth asking again for: rate limited, or a busy or restarting server."""
    return status == 429 or status in RETRY_5XX


def next_wait(status: int, attempt: int, headers: Mapping[str, str], body: object) -> float:
    """Seconds to wait before asking again after a retried `status` (see `is_retried`)."""
    if status == 429:
        delay = rate_limit_wait(headers, body)
        return 1.0 if delay is None else delay
    delay = rate_limit_wait(headers, None)
    return BACKOFF[min(attempt, len(BACKOFF) - 1)] if delay is None else delay


def gives_up(attempt: int, waited: float, step: float, max_retries: int, max_total_wait: float) -> bool:
    """True when another wait of `step` seconds would go past what one request may spend."""
    return attempt >= max_retries or waited + step > max_total_wait or step > LONGEST_SLEPT
