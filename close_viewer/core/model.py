"""The contact as immutable typed classes, and the one tolerant parser that builds it.

Field names and enums follow `GET /contact/{id}/` of the Close API. The parser
accepts what Close may send (missing fields in a `_fields` response, nulls,
unknown enum values, unknown and custom fields) and refuses a wrong shape with
a ContactParseError naming the field path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, Generic, TypeVar, overload

from close_viewer.core.errors import ContactParseError
from close_viewer.core.statuses import (  # noqa: F401  (re-exported)
    CALL_STATUSES,
    SEQUENCE_STATUSES,
    STATUS_REASONS,
    SUBSCRIPTION_STATUSES,
)

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Email:
    email: str
    type: str = ""
    is_unsubscribed: bool = False


@dataclass(frozen=True, slots=True)
class Phone:
    phone: str
    phone_formatted: str = ""
    type: str = ""
    country: str | None = None
    outbound_sms_blocked: bool = False
    tz_ids: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        return self.phone_formatted or self.phone


@dataclass(frozen=True, slots=True)
class RecentCall:
    id: str
    status: str = ""
    duration: int | None = None
    finish_timestamp: datetime | None = None
    dialer_id: str | None = None


@dataclass(frozen=True, slots=True)
class Subscription:
    subscription_id: str
    sequence_id: str = ""
    sequence_name: str = ""
    sequence_status: str = ""
    subscription_status: str = ""
    subscription_status_reason: str | None = None
    contact_email: str | None = None
    initial_email_id: str | None = None
    start_date: datetime | None = None
    date_created: datetime | None = None


@dataclass(frozen=True, slots=True)
class ContactUrl:
    url: str
    type: str = ""


@dataclass(frozen=True, slots=True)
class IntegrationLink:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Contact:
    id: str
    name: str | None = None
    display_name: str = ""
    title: str | None = None
    lead_id: str | None = None
    organization_id: str = ""
    timezone: str | None = None
    timezone_source: str | None = None
    created_by: str | None = None
    updated_by: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    lead_suggestions_operation_id: str | None = None
    emails: Sequence[Email] = ()
    phones: Sequence[Phone] = ()
    recent_calls: Sequence[RecentCall] = ()
    subscriptions: Sequence[Subscription] = ()
    urls: Sequence[ContactUrl] = ()
    integration_links: Sequence[IntegrationLink] = ()
    # Fields the typed model does not know (custom.cf_... among them), as sent.
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY, compare=False)

    @property
    def shown_name(self) -> str:
        return self.display_name or self.name or "(no name)"

    @property
    def custom_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.extra.items() if k.startswith("custom.")}


# --- parsing ---------------------------------------------------------------

_T = TypeVar("_T")


class Rows(Sequence[_T], Generic[_T]):
    """Rows checked when the contact is parsed, built into objects when first read.

    Every field of every row is checked (and its dates parsed) up front, so a wrong
    shape still fails the parse. But building ~10,000 frozen dataclass instances was
    three quarters of a large contact's parse time, while a table reads only the
    rows it shows (sorting reads them all, once). Compares equal to a tuple of the
    same rows.
    """

    __slots__ = ("_built", "_cls", "_values")

    def __init__(self, cls: Callable[..., _T], values: list[tuple[Any, ...]]) -> None:
        self._cls = cls
        self._values = values
        self._built: list[_T | None] = [None] * len(values)

    def __len__(self) -> int:
        return len(self._values)

    @overload
    def __getitem__(self, index: int) -> _T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[_T, ...]: ...

    def __getitem__(self, index: int | slice) -> _T | tuple[_T, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        item = self._built[index]
        if item is None:
            item = self._built[index] = self._cls(*self._values[index])
        return item

    def __iter__(self) -> Iterator[_T]:
        for index in range(len(self._values)):
            yield self[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Rows, tuple, list)):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Rows({len(self)} × {getattr(self._cls, '__name__', 'row')})"


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


_KNOWN = frozenset(
    (
        "id name display_name title lead_id organization_id timezone timezone_source "
        "created_by updated_by date_created date_updated lead_suggestions_operation_id "
        "emails phones recent_calls subscriptions urls integration_links"
    ).split()
)


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
        extra=MappingProxyType({k: v for k, v in data.items() if k not in _KNOWN}),
    )
