"""The one tolerant parser that builds a Contact from the JSON Close sends.

It accepts what Close may send (missing fields in a `_fields` response, nulls,
unknown enum values, unknown and custom fields) and refuses a wrong shape with a
ContactParseError naming the field path, e.g. `recent_calls[9000].duration`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, TypeVar

from close_viewer.core.errors import ContactParseError
from close_viewer.core.model import (
    CONTACT_FIELDS,
    Contact,
    ContactUrl,
    Email,
    IntegrationLink,
    Phone,
    RecentCall,
    Rows,
    Subscription,
)

_T = TypeVar("_T")
_FRACTION = re.compile(r"\.(\d+)")


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _fail(path: str, expected: str, value: object) -> ContactParseError:
    return ContactParseError(path, f"should be {expected} but is {_kind(value)}")


def _str(obj: Mapping[str, Any], key: str, path: str, default: str = "") -> str:
    value = obj.get(key)
    if value is None:
        return default
    if isinstance(value, str):
        return value
    raise _fail(f"{path}{key}", "text", value)


def _opt_str(obj: Mapping[str, Any], key: str, path: str) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise _fail(f"{path}{key}", "text", value)


def _bool(obj: Mapping[str, Any], key: str, path: str) -> bool:
    value = obj.get(key)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise _fail(f"{path}{key}", "true/false", value)


def _int(obj: Mapping[str, Any], key: str, path: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(f"{path}{key}", "a number", value)
    if value != value or value in (float("inf"), float("-inf")):
        raise ContactParseError(f"{path}{key}", "is not a finite number")
    return int(value)


def parse_datetime(text: str) -> datetime:
    """ISO 8601 with or without fraction, `Z`/offset or none (read as UTC) -> aware datetime."""
    value = text.strip()
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        # Python 3.10 only takes 3 or 6 fraction digits: pad or trim to 6.
        value = _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], value, count=1)
        parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def _datetime(obj: Mapping[str, Any], key: str, path: str) -> datetime | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _fail(f"{path}{key}", "a date and time", value)
    try:
        return parse_datetime(value)
    except (ValueError, IndexError):
        raise ContactParseError(f"{path}{key}", f"is not a date and time ({value[:40]!r})") from None


class _Slow(Exception):
    """A row the fast path does not handle: rebuild it with the checking path."""


_FAST_ERRORS = (_Slow, KeyError, TypeError, ValueError, AttributeError, IndexError)


def _fast_datetime(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise _Slow
    return moment


def _items(
    obj: Mapping[str, Any],
    key: str,
    path: str,
    build: Callable[[Mapping[str, Any], str], _T],
    fast: Callable[[Any], tuple[Any, ...]] | None = None,
    cls: Callable[..., _T] | None = None,
) -> Sequence[_T]:
    """A list of rows. The fast path takes well-formed rows as Close sends them; on any
    surprise the whole list is rebuilt by the checking path, which tolerates what it
    should and names the field of what it cannot."""
    value = obj.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _fail(f"{path}{key}", "a list", value)
    if fast is not None and cls is not None:
        try:
            return Rows(cls, list(map(fast, value)))
        except _FAST_ERRORS:
            pass
    out = []
    for index, item in enumerate(value):
        item_path = f"{path}{key}[{index}]"
        if not isinstance(item, dict):
            raise _fail(item_path, "an object", item)
        out.append(build(item, item_path + "."))
    return tuple(out)


def _email(obj: Mapping[str, Any], p: str) -> Email:
    return Email(
        email=_str(obj, "email", p),
        type=_str(obj, "type", p),
        is_unsubscribed=_bool(obj, "is_unsubscribed", p),
    )


def _phone(obj: Mapping[str, Any], p: str) -> Phone:
    tz_ids = obj.get("tz_ids")
    if tz_ids is None:
        tz_ids = []
    if not isinstance(tz_ids, list):
        raise _fail(f"{p}tz_ids", "a list", tz_ids)
    for index, tz in enumerate(tz_ids):
        if not isinstance(tz, str):
            raise _fail(f"{p}tz_ids[{index}]", "text", tz)
    return Phone(
        phone=_str(obj, "phone", p),
        phone_formatted=_str(obj, "phone_formatted", p),
        type=_str(obj, "type", p),
        country=_opt_str(obj, "country", p),
        outbound_sms_blocked=_bool(obj, "outbound_sms_blocked", p),
        tz_ids=tuple(tz_ids),
    )


def _call(obj: Mapping[str, Any], p: str) -> RecentCall:
    return RecentCall(
        id=_str(obj, "id", p),
        status=_str(obj, "status", p),
        duration=_int(obj, "duration", p),
        finish_timestamp=_datetime(obj, "finish_timestamp", p),
        dialer_id=_opt_str(obj, "dialer_id", p),
    )


def _fast_call(
    o: dict[str, Any], _iso: Callable[[str], datetime] = datetime.fromisoformat
) -> tuple[Any, ...]:
    # The hottest loop of a large contact (10,000 calls): everything inline.
    call_id, status, duration, finished, dialer = (
        o["id"],
        o["status"],
        o["duration"],
        o["finish_timestamp"],
        o["dialer_id"],
    )
    if (
        type(call_id) is not str
        or type(status) is not str
        or type(duration) is not int
        or type(finished) is not str
        or (dialer is not None and type(dialer) is not str)
    ):
        raise _Slow
    moment = _iso(finished)
    if moment.tzinfo is None:
        raise _Slow
    return (call_id, status, duration, moment, dialer)


def _fast_subscription(o: dict[str, Any]) -> tuple[Any, ...]:
    texts = (
        o["subscription_id"],
        o["sequence_id"],
        o["sequence_name"],
        o["sequence_status"],
        o["subscription_status"],
    )
    optional = (o["subscription_status_reason"], o["contact_email"], o["initial_email_id"])
    start, created = o["start_date"], o["date_created"]
    for text in texts:
        if type(text) is not str:
            raise _Slow
    for text in optional:
        if text is not None and type(text) is not str:
            raise _Slow
    if type(created) is not str or (start is not None and type(start) is not str):
        raise _Slow
    return (*texts, *optional, _fast_datetime(start) if start else None, _fast_datetime(created))


def _fast_email(o: dict[str, Any]) -> tuple[Any, ...]:
    email, kind, unsubscribed = o["email"], o["type"], o["is_unsubscribed"]
    if type(email) is not str or type(kind) is not str or type(unsubscribed) is not bool:
        raise _Slow
    return (email, kind, unsubscribed)


def _fast_phone(o: dict[str, Any]) -> tuple[Any, ...]:
    phone, formatted, kind, country = o["phone"], o["phone_formatted"], o["type"], o["country"]
    blocked, tz_ids = o["outbound_sms_blocked"], o["tz_ids"]
    if (
        type(phone) is not str
        or type(formatted) is not str
        or type(kind) is not str
        or (country is not None and type(country) is not str)
        or type(blocked) is not bool
        or type(tz_ids) is not list
        or not all(type(tz) is str for tz in tz_ids)
    ):
        raise _Slow
    return (phone, formatted, kind, country, blocked, tuple(tz_ids))


def _subscription(obj: Mapping[str, Any], p: str) -> Subscription:
    return Subscription(
        subscription_id=_str(obj, "subscription_id", p),
        sequence_id=_str(obj, "sequence_id", p),
        sequence_name=_str(obj, "sequence_name", p),
        sequence_status=_str(obj, "sequence_status", p),
        subscription_status=_str(obj, "subscription_status", p),
        subscription_status_reason=_opt_str(obj, "subscription_status_reason", p),
        contact_email=_opt_str(obj, "contact_email", p),
        initial_email_id=_opt_str(obj, "initial_email_id", p),
        start_date=_datetime(obj, "start_date", p),
        date_created=_datetime(obj, "date_created", p),
    )


def _url(obj: Mapping[str, Any], p: str) -> ContactUrl:
    return ContactUrl(url=_str(obj, "url", p), type=_str(obj, "type", p))


def _link(obj: Mapping[str, Any], p: str) -> IntegrationLink:
    return IntegrationLink(name=_str(obj, "name", p), url=_str(obj, "url", p))


def parse_contact(data: object, fast: bool = True) -> Contact:
    """Build a Contact from decoded JSON, or raise ContactParseError naming the field.

    `fast=False` skips the fast path for rows (tests compare the two)."""
    if not isinstance(data, dict):
        raise _fail("", "an object", data)
    p = ""
    return Contact(
        id=_str(data, "id", p),
        name=_opt_str(data, "name", p),
        display_name=_str(data, "display_name", p),
        title=_opt_str(data, "title", p),
        lead_id=_opt_str(data, "lead_id", p),
        organization_id=_str(data, "organization_id", p),
        timezone=_opt_str(data, "timezone", p),
        timezone_source=_opt_str(data, "timezone_source", p),
        created_by=_opt_str(data, "created_by", p),
        updated_by=_opt_str(data, "updated_by", p),
        date_created=_datetime(data, "date_created", p),
        date_updated=_datetime(data, "date_updated", p),
        lead_suggestions_operation_id=_opt_str(data, "lead_suggestions_operation_id", p),
        emails=_items(data, "emails", p, _email, _fast_email if fast else None, Email),
        phones=_items(data, "phones", p, _phone, _fast_phone if fast else None, Phone),
        recent_calls=_items(data, "recent_calls", p, _call, _fast_call if fast else None, RecentCall),
        subscriptions=_items(
            data, "subscriptions", p, _subscription, _fast_subscription if fast else None, Subscription
        ),
        urls=_items(data, "urls", p, _url),
        integration_links=_items(data, "integration_links", p, _link),
        extra=MappingProxyType({k: v for k, v in data.items() if k not in CONTACT_FIELDS}),
        raw=data,
    )
