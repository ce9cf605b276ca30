"""The summary above the tabs, in words: can I email or call this person now, are they in a
sequence, what happened on the last call. No Qt; never raises on odd data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from close_viewer.core import formatting
from close_viewer.core.model import Contact, Email, Phone, RecentCall, Rows, Subscription

WORK_START, WORK_END = 9, 18  # a reasonable time to call: 9:00 to 18:00 there, Monday to Friday


@dataclass(frozen=True)
class Summary:
    email: str  # the best address to write to ("" if none)
    email_note: str  # "Do not email: unsubscribed", or ""
    email_uri: str  # mailto:… for Write ("" when unsubscribed or not a valid address)
    phone: str  # the best number, as shown
    phone_uri: str  # tel:+…
    call_note: str  # "Their time: Tue 10:14 · a good time to call", or why not
    sequence: str
    last_call: str
    last_call_status: str  # raw status for the badge


def best_email(contact: Contact) -> tuple[str, str]:
    emails = contact.emails
    subscribed: list[Email] = (
        emails.where("is_unsubscribed", False)[:1]
        if isinstance(emails, Rows)
        else [e for e in emails if not e.is_unsubscribed][:1]
    )
    if subscribed:
        return subscribed[0].email, ""
    if emails:
        return emails[0].email, "Do not email: unsubscribed"
    return "", "No email address"


def _zone(contact: Contact, phone: Phone | None) -> str:
    if contact.timezone:
        return contact.timezone
    return phone.tz_ids[0] if phone is not None and phone.tz_ids else ""


def local_time_note(zone_name: str, now: datetime | None = None) -> str:
    """'Their time: Tue 10:14 · a good time to call', or why it is not; '' without a zone."""
    if not zone_name:
        return ""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        there = (now or datetime.now(timezone.utc)).astimezone(ZoneInfo(zone_name))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ""
    when = there.strftime("%a %H:%M")
    if there.weekday() >= 5:
        return f"Their time: {when} · weekend there"
    if WORK_START <= there.hour < WORK_END:
        return f"Their time: {when} · a good time to call"
    return f"Their time: {when} · outside working hours there"


def _active(subs: object) -> list[Subscription]:
    if isinstance(subs, Rows):  # a large contact: build only the active ones
        return subs.where("subscription_status", "active")
    return [s for s in subs if s.subscription_status == "active"]  # type: ignore[attr-defined]


def _sequence_text(contact: Contact) -> str:
    active = _active(contact.subscriptions)
    if active:
        sub = active[0]
        since = f" since {sub.start_date.day} {sub.start_date:%b}" if sub.start_date else ""
        more = f" (and {len(active) - 1} more)" if len(active) > 1 else ""
        return f"In sequence “{sub.sequence_name or 'unnamed'}”{since}{more}"
    subs = contact.subscriptions
    if not subs:
        return "Not in any sequence"
    if isinstance(subs, Rows):
        found = subs.latest("date_created")
        last = found if found is not None else subs[0]
    else:
        epoch = datetime.min.replace(tzinfo=timezone.utc)
        last = max(subs, key=lambda s: s.date_created or s.start_date or epoch)
    why = formatting.humanize(last.subscription_status_reason) or formatting.humanize(
        last.subscription_status
    )
    name = last.sequence_name or "unnamed"
    return f"Not in an active sequence · last: “{name}”, {why.lower() if why else 'ended'}"


def _last_call(contact: Contact, now: datetime | None) -> tuple[str, str]:
    found = contact.recent_calls
    call: RecentCall | None
    if isinstance(found, Rows):  # a large contact: 10,000 calls are not built for one line
        call = found.latest("finish_timestamp")
    else:
        calls = [c for c in found if c.finish_timestamp is not None]
        call = max(calls, key=lambda c: c.finish_timestamp) if calls else None  # type: ignore[arg-type, return-value]
    if call is None:
        return "No recent calls", ""
    parts = [formatting.relative(call.finish_timestamp, now)]
    if call.duration:
        parts.append(formatting.duration(call.duration))
    return " · ".join(parts), call.status


def summarize(contact: Contact, now: datetime | None = None) -> Summary:
    email, email_note = best_email(contact)
    phone: Phone | None = contact.phones[0] if contact.phones else None
    last_call, status = _last_call(contact, now)
    return Summary(
        email=email,
        email_note=email_note,
        email_uri=formatting.mailto_uri(email) if email and not email_note else "",
        phone=(phone.phone_formatted or phone.phone) if phone is not None else "",
        phone_uri=formatting.tel_uri(phone.phone if phone is not None else ""),
        call_note=local_time_note(_zone(contact, phone), now) if phone is not None else "No phone number",
        sequence=_sequence_text(contact),
        last_call=last_call,
        last_call_status=status,
    )
