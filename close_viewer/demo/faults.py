"""How the demo server misbehaves, by contact id: Close's error answers, rate limits, slow,
broken and hostile servers (for the tests, and to try the app's messages by hand)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from typing import Any

API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class Fault:
    """How the server misbehaves for one contact id.

    `failures`: how many requests fail before the sample contact is served
    (None: every request fails).
    """

    status: int = 200
    body: Any = None  # dict/list -> JSON; bytes -> sent as is; None -> empty
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    failures: int | None = None
    delay: float = 0.0
    drop: bool = False
    no_length: bool = False
    drip: float = 0.0  # seconds between single bytes of the body
    compress: bool = True  # gzip the body when the client accepts it (as Close does)


GZIP_FROM = 1024  # bytes: smaller answers are sent as they are, as web servers do
NORMAL_RATE = "limit=100, remaining=99, reset=1"  # Close's RateLimit header on an ordinary answer
_RATE_BODY = {"error": {"message": "API call count exceeded for this period", "rate_reset": 0.2}}
_BIG = {"id": "cont_huge", "padding": "x" * (3 * 1024 * 1024)}

FAULTS: dict[str, Fault] = {
    "cont_fault400": Fault(400, {"error": "Invalid value for _fields."}),
    "cont_fault400nested": Fault(400, {"error": {"message": "The request could not be understood."}}),
    "cont_fault400fields": Fault(
        400, {"errors": ["Request is invalid."], "field-errors": {"_fields": "Unknown field 'nickname'."}}
    ),
    "cont_fault402": Fault(402, {"error": "Your trial has ended. Please upgrade to continue."}),
    "cont_fault403": Fault(403, {"error": "You don't have permission to view this contact."}),
    "cont_fault405": Fault(405, {"error": "Method not allowed."}, {"Allow": "GET"}),
    "cont_fault415": Fault(415, {"error": "Unsupported media type."}),
    "cont_fault500": Fault(500, {"error": "Internal server error."}),
    "cont_fault503": Fault(503, b"<html><body>Service Unavailable</body></html>", content_type="text/html"),
    "cont_flaky502": Fault(502, b"Bad Gateway", content_type="text/plain", failures=2),
    "cont_flaky503": Fault(503, {"error": "Try again."}, {"Retry-After": "0.1"}, failures=1),
    "cont_flaky504": Fault(504, b"", content_type="text/plain", failures=1),
    # Close's own 429: RateLimit (read first) and Retry-After (whole seconds) together.
    "cont_ratelimitheader": Fault(
        429, _RATE_BODY, {"ratelimit": "limit=100, remaining=0, reset=0.2", "Retry-After": "1"}, failures=1
    ),
    "cont_ratelimitretryafter": Fault(429, None, {"Retry-After": "1"}, failures=1),
    "cont_ratelimitresetheader": Fault(429, None, {"RateLimit-Reset": "0.2"}, failures=1),
    "cont_ratelimitnested": Fault(429, _RATE_BODY, failures=1),
    "cont_ratelimittoplevel": Fault(429, {"error": "Rate limit exceeded", "rate_reset": 0.2}, failures=1),
    "cont_ratelimitbare": Fault(429, None, content_type="text/plain", failures=1),
    "cont_ratelimitalways": Fault(
        429, _RATE_BODY, {"ratelimit": "limit=100, remaining=0, reset=0.3", "Retry-After": "1"}
    ),
    "cont_ratelimitlong": Fault(
        429, None, {"ratelimit": "limit=100, remaining=0, reset=45", "Retry-After": "45"}
    ),
    "cont_slow": Fault(200, failures=None, delay=5.0),
    "cont_notjson": Fault(200, b"<html><body>Please log in</body></html>", content_type="text/html"),
    "cont_truncated": Fault(200, b'{"id": "cont_truncated", "emails": [{"email": "a@'),
    "cont_badshape": Fault(200, {"id": "cont_badshape", "emails": {"email": "a@example.com"}}),
    "cont_huge": Fault(200, _BIG, compress=False),  # its Content-Length says it is too large
    "cont_hugestream": Fault(200, _BIG, no_length=True),  # 14 KB of gzip that inflate to 3 MB
    "cont_gzipcut": Fault(
        200,
        gzip.compress(json.dumps({"id": "cont_gzipcut", "padding": "x" * 2000}).encode())[:-12],
        {"Content-Encoding": "gzip"},
        compress=False,
    ),
    "cont_drop": Fault(drop=True),
    # Hostile or broken servers: the app must report each in plain words and stay usable.
    "cont_ratelimithuge": Fault(429, {"error": {"message": "Slow down", "rate_reset": 10**400}}),
    "cont_redirectbad": Fault(302, None, {"Location": "http://[::1"}),
    "cont_redirectloop": Fault(302, None, {"Location": f"{API_PREFIX}/contact/cont_redirectloop/"}),
    "cont_forgedid": Fault(200, {"id": "cont_Forged\n2026-01-01 INFO fake log line"}),
    "cont_drip": Fault(200, {"id": "cont_drip", "padding": "x" * 200}, drip=0.1),
    # 985 levels: json.loads takes it, json.dumps and any recursive walk of it then fail.
    "cont_deep": Fault(200, b'{"id": "cont_deep", "notes": ' + b"[" * 985 + b"]" * 985 + b"}"),
    "cont_echokey": Fault(400, None),  # answers with the API key it was sent, in every form
}
