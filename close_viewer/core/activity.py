"""A contact's activity timeline, as `GET /activity/` answers it. No Qt; tolerant.

Activity objects differ by `_type` and change over time (Close calls its description
incomplete), so nothing here is fatal: an unknown `_type` is shown by its name, a
missing field is blank, a field of the wrong type counts as missing, and every field
Close sent stays in `Activity.raw`. Only an answer that is not a page of activities at
all (no `data` list) is an error.

Server text (notes, email bodies, SMS) is kept as plain text: the window shows it in
plain-text widgets, never as HTML. HTML-only bodies are reduced to their text here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from close_viewer.core.errors import BadResponse
from close_viewer.core.formatting import call_outcome, duration, humanize
from close_viewer.core.paging import ActivityCursor
from close_viewer.core.text import one_line, plain_block, text_or_blank

PAGE_SIZE = 50
FIRST_LINES = 4_000  # characters read for a summary's first line (the line is cut to 400 later)

# `_type` -> the words on its badge (custom activities are named by their type).
KINDS = {
    "Call": "Call",
    "Email": "Email",
    "EmailThread": "Email",
    "SMS": "SMS",
    "Note": "Note",
    "Meeting": "Meeting",
    "WhatsAppMessage": "WhatsApp",
    "LeadStatusChange": "Status change",
    "OpportunityStatusChange": "Opportunity status",
    "TaskCompleted": "Task",
    "FormSubmission": "Form",
    "Created": "Created",
    "LeadMerge": "Lead merge",
    "CustomActivity": "Custom activity",
}

# The type filter: its words, and the `_type`s each choice shows (None: all).
FILTERS: tuple[tuple[str, frozenset[str] | None], ...] = (
    ("All", None),
    ("Calls", frozenset({"Call"})),
    ("Emails", frozenset({"Email", "EmailThread"})),
    ("Texts", frozenset({"SMS", "WhatsAppMessage"})),
    ("Notes", frozenset({"Note"})),
    ("Meetings", frozenset({"Meeting"})),
)

_IN = {"incoming", "inbound", "in"}
_OUT = {"outgoing", "outbound", "out"}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
HTML_LIMIT = 300_000  # characters of an HTML body read at all (its text is shown up to BLOCK_LIMIT)
TYPE_LIMIT = 80  # characters of a `_type` shown as its name
_HIDDEN = ("script", "style")  # elements whose content is not text
_BREAKS = frozenset({"br", "/p", "/div", "/li", "/tr", "/h1", "/h2", "/h3", "/h4", "/h5", "/h6"})


@dataclass(frozen=True)
class Activity:
    id: str
    type: str  # `_type` as Close sent it
    kind: str  # the badge's words: "Call", "Status change", a custom type's name
    when: datetime | None  # `activity_at`, else `date_created`
    direction: str  # "in", "out" or ""
    user_id: str
    user_name: str  # as Close sent it; the window falls back to the user list
    summary: str  # one line
    details: str  # plain text, several lines
    recording_url: str = ""
    custom_type_id: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    search_text: str = field(default="", repr=False, compare=False)  # lower case, for the text filter

    def matches(self, needle: str) -> bool:
        """Whether the lower-case `needle` is in what the rep can read of this activity."""
        return needle in self.search_text


@dataclass(frozen=True)
class ActivityPage:
    activities: tuple[Activity, ...]
    has_more: bool
    next: ActivityCursor = field(default_factory=ActivityCursor)  # where the page after this one starts
    unreadable: int = 0  # items that were not objects at all (skipped, logged)


def kind_of(type_name: str, custom_types: Mapping[str, str] | None = None, custom_id: str = "") -> str:
    """The words for a `_type`: known ones as a rep says them, others split from CamelCase."""
    if type_name == "CustomActivity" and custom_id and custom_types and custom_types.get(custom_id):
        return custom_types[custom_id]
    if type_name in KINDS:
        return KINDS[type_name]
    if type_name.startswith("actitype_") and custom_types and custom_types.get(type_name):
        return custom_types[type_name]
    name = humanize(_CAMEL.sub(" ", type_name[: 2 * TYPE_LIMIT]).lower())
    return one_line(name, TYPE_LIMIT) or "Activity"  # a type of 700 KB is named by its start


def html_to_text(markup: str, limit: int = HTML_LIMIT) -> str:
    """The text of an HTML fragment (for bodies Close only has as HTML); never rendered.

    One pass with `str.find`, no regular expression: the time is linear in the input,
    which is cut to `limit` characters first. (A regex such as `<[^>]*>` is quadratic on a
    body of `<`, and holds the GIL, so the whole window froze.) A tag ends at the next
    `>`; `<br>` and the end of a paragraph, div, list item, row or heading break the line;
    script and style elements, comments and an unclosed tag at the end are left out; a `<`
    that starts no tag ("a < b") is text."""
    cut = len(markup) > limit
    text = markup[:limit]
    out: list[str] = []
    pos, end = 0, len(text)
    while pos < end:
        start = text.find("<", pos)
        if start < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:start])
        following = text[start + 1 : start + 2]
        if not (following.isalpha() or following in ("/", "!", "?")):
            out.append("<")  # "a < b": not a tag, as a browser reads it
            pos = start + 1
            continue
        if text.startswith("<!--", start):
            close = text.find("-->", start + 4)
            pos = end if close < 0 else close + 3
            continue
        close = text.find(">", start + 1)
        if close < 0:
            break  # an unclosed tag runs to the end: nothing after it is text
        name = _tag_name(text, start + 1, close)
        pos = close + 1
        if name in _BREAKS:
            out.append("\n")
        elif name in _HIDDEN:
            pos = _after_end_tag(text, pos, name)
    result = html.unescape("".join(out))
    return result + "\n… (the rest of this message is too long to show here)" if cut else result


def _tag_name(text: str, start: int, close: int) -> str:
    """The lower-case name of the tag between `start` and `close`, with its "/" if it ends
    an element ("br", "/p"); reads at most a few characters."""
    while start < close and text[start].isspace():
        start += 1
    stop = start + (1 if start < close and text[start] == "/" else 0)
    limit = min(close, stop + 12)
    while stop < limit and text[stop].isalnum():
        stop += 1
    return text[start:stop].lower()


def _after_end_tag(text: str, pos: int, name: str) -> int:
    """Where the text goes on after `</name ...>` (the end of the text when it never comes)."""
    while True:
        found = text.find("</", pos)
        if found < 0:
            return len(text)
        after = found + 2 + len(name)
        if text[found + 2 : after].lower() == name and not text[after : after + 1].isalnum():
            close = text.find(">", after)
            return len(text) if close < 0 else close + 1
        pos = found + 2


def _text(obj: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = text_or_blank(obj.get(key))
        if value:
            return value
    return ""


def _body(obj: Mapping[str, Any], text_key: str, html_key: str) -> str:
    return _text(obj, text_key) or html_to_text(_text(obj, html_key)).strip()


def _int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return int(value)


def _moment(value: object) -> datetime | None:
    from close_viewer.core.parser import parse_datetime

    text = text_or_blank(value)
    if not text:
        return None
    try:
        return parse_datetime(text)
    except (ValueError, IndexError, OverflowError):
        return None


def _local(moment: datetime, pattern: str) -> str:
    """`moment` in the computer's time zone (UTC if that cannot be done for it)."""
    try:
        return moment.astimezone().strftime(pattern)
    except (OverflowError, OSError, ValueError):
        return moment.strftime(pattern) + " UTC"


def _addresses(value: object) -> str:
    """`to`/`cc` lists of "Name <addr>" strings (or objects with email/name)."""
    if isinstance(value, str):
        return value.strip()
    if not isinstance(value, list):
        return ""
    parts = []
    for item in value[:200]:
        if isinstance(item, str):
            parts.append(item.strip())
        elif isinstance(item, dict):
            name, email = _text(item, "name"), _text(item, "email")
            parts.append(f"{name} <{email}>" if name and email else name or email)
    return ", ".join(p for p in parts if p)


def _first_line(text: str, skip_greeting: bool = False) -> str:
    """The first line with text; with `skip_greeting`, a short "Hi Jane," opener is passed over."""
    lines = [line.strip() for line in text[:FIRST_LINES].splitlines() if line.strip()]
    if skip_greeting and len(lines) > 1 and len(lines[0]) <= 30 and lines[0].endswith(","):
        return lines[1]
    return lines[0] if lines else ""


def _joined(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def _lines(*pairs: tuple[str, str]) -> list[str]:
    return [f"{label}: {value}" for label, value in pairs if value]


def _email(o: Mapping[str, Any]) -> tuple[str, list[str], str]:
    subject = _text(o, "subject")
    body = _text(o, "body_text") or _text(o, "body_preview") or html_to_text(_text(o, "body_html")).strip()
    status = _text(o, "status")
    prefix = humanize(status) if status in ("draft", "scheduled", "outbox", "error") else ""
    summary = _joined(prefix, subject or "(no subject)", _first_line(body, skip_greeting=True))
    head = _lines(
        ("From", _text(o, "sender")),
        ("To", _addresses(o.get("to"))),
        ("Cc", _addresses(o.get("cc"))),
        ("Bcc", _addresses(o.get("bcc"))),
        ("Subject", subject),
        ("Status", humanize(status) if status not in ("inbox", "sent") else ""),
        ("Opens", _text(o, "opens_summary")),
        ("Template", _text(o, "template_name")),
        ("Sequence", _text(o, "sequence_name")),
    )
    return summary, head, body


def _call(o: Mapping[str, Any]) -> tuple[str, list[str], str]:
    seconds = _int(o.get("duration"))
    length = duration(seconds) if seconds else ""
    # The documented status, direction and duration first; `disposition` (undocumented) as a hint.
    outcome = call_outcome(_text(o, "status"), seconds, _text(o, "direction"), _text(o, "disposition"))
    note = _body(o, "note", "note_html")
    summary = _joined(length, outcome, _first_line(note))
    head = _lines(
        ("Number", _text(o, "remote_phone_formatted", "phone", "remote_phone")),
        ("Duration", length),
        ("Outcome", outcome),
        ("Status", humanize(_text(o, "status"))),
        ("Recording", _text(o, "recording_url")),
        ("Voicemail", _text(o, "voicemail_url")),
        ("Sequence", _text(o, "sequence_name")),
    )
    return summary, head, note


def _message(o: Mapping[str, Any]) -> tuple[str, list[str], str]:
    text = _text(o, "text") or _text(o, "message_markdown") or html_to_text(_text(o, "message_html")).strip()
    status = _text(o, "status")
    head = _lines(
        ("Number", _text(o, "remote_phone_formatted", "remote_phone")),
        ("From number", _text(o, "local_phone_formatted", "local_phone")),
        ("Status", humanize(status)),
        ("Error", _text(o, "error_message")),
    )
    return (
        _joined(humanize(status) if status in ("error", "draft", "scheduled") else "", _first_line(text)),
        head,
        text,
    )


def _note(o: Mapping[str, Any]) -> tuple[str, list[str], str]:
    note = _body(o, "note", "note_html")
    title = _text(o, "title")
    return _joined(title, _first_line(note)), _lines(("Title", title)), note


def _meeting(o: Mapping[str, Any]) -> tuple[str, list[str], str]:
    title = _text(o, "title") or "(untitled meeting)"
    starts, ends = _moment(o.get("starts_at")), _moment(o.get("ends_at"))
    span = ""
    if starts is not None:
        span = _local(starts, "%d %b %Y, %H:%M")
        if ends is not None:
            span += f" – {_local(ends, '%H:%M')}"
    attendees = o.get("attendees")
    people = []
    if isinstance(attendees, list):
        for a in attendees[:200]:
            if isinstance(a, dict):
                who = _text(a, "name", "email")
                reply = _text(a, "status")
                people.append(f"{who} ({humanize(reply)})" if who and reply else who)
    seconds = _int(o.get("duration"))
    head = _lines(
        ("Title", title),
        ("When", span),
        ("Duration", duration(seconds) if seconds else ""),
        ("Location", _text(o, "location")),
        ("Status", humanize(_text(o, "status"))),
        ("Attendees", ", ".join(p for p in people if p)),
    )
    note = _body(o, "user_note", "user_note_html") or _body(o, "note", "note_html")
    return _joined(title, span, humanize(_text(o, "status"))), head, note


def _status_change(o: Mapping[str, Any]) -> tuple[str, list[str], str]:
    old, new = _text(o, "old_status_label"), _text(o, "new_status_label")
    change = f"{old or '?'} → {new or '?'}" if old or new else ""
    head = _lines(("From", old), ("To", new), ("Opportunity value", _text(o, "opportunity_value_formatted")))
    return change, head, ""


def _other(o: Mapping[str, Any]) -> tuple[str, list[str], str]:
    text = (
        _text(o, "task_text", "text", "note", "subject", "title", "form_name", "name")
        or html_to_text(_text(o, "note_html")).strip()
    )
    return _first_line(text), [], text


_SHAPES = {
    "Email": _email,
    "EmailThread": _email,
    "Call": _call,
    "SMS": _message,
    "WhatsAppMessage": _message,
    "Note": _note,
    "Meeting": _meeting,
    "LeadStatusChange": _status_change,
    "OpportunityStatusChange": _status_change,
}


def _direction(o: Mapping[str, Any]) -> str:
    value = _text(o, "direction").lower()
    return "in" if value in _IN else "out" if value in _OUT else ""


def parse_activity(obj: Mapping[str, Any], custom_types: Mapping[str, str] | None = None) -> Activity:
    """One activity object; never raises for a dict, whatever its fields hold."""
    type_name = _text(obj, "_type")
    custom_id = _text(obj, "custom_activity_type_id")
    kind = kind_of(type_name, custom_types, custom_id)
    summary, head, body = _SHAPES.get(type_name, _other)(obj)
    details = plain_block("\n".join([*head, "", body] if body else head))
    user_name = one_line(_text(obj, "user_name"), 120)
    summary = one_line(summary, 400)
    return Activity(
        id=_text(obj, "id"),
        type=type_name,
        kind=kind,
        when=_moment(obj.get("activity_at")) or _moment(obj.get("date_created")),
        direction=_direction(obj),
        user_id=_text(obj, "user_id"),
        user_name=user_name,
        summary=summary,
        details=details,
        recording_url=_text(obj, "recording_url") if type_name == "Call" else "",
        custom_type_id=custom_id,
        raw=obj,
        search_text=" ".join((kind, user_name, summary, details)).lower(),
    )


def custom_type_ids(body: object) -> set[str]:
    """The custom activity type ids a page mentions (to fetch their names once)."""
    data = body.get("data") if isinstance(body, dict) else None
    found = set()
    for item in data if isinstance(data, list) else ():
        if isinstance(item, dict):
            found.add(_text(item, "custom_activity_type_id"))
            if _text(item, "_type").startswith("actitype_"):
                found.add(_text(item, "_type"))
    return found - {""}


def parse_activity_page(
    body: object, cursor: ActivityCursor | None = None, custom_types: Mapping[str, str] | None = None
) -> ActivityPage:
    """A page of `GET /activity/`: `{"data": [...], "has_more": bool}`."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise BadResponse(
            "Close answered with something that is not a list of activities.",
            "Try again; if it keeps happening, report it with the contact id.",
        )
    activities = []
    unreadable = 0
    for item in data:
        if isinstance(item, dict):
            activities.append(parse_activity(item, custom_types))
        else:
            unreadable += 1
    more = body.get("has_more") if isinstance(body, dict) else False
    return ActivityPage(tuple(activities), more is True, (cursor or ActivityCursor()).after(data), unreadable)


def parse_custom_types(body: object) -> dict[str, str]:
    """`GET /custom_activity/`: custom activity type id -> name."""
    data = body.get("data") if isinstance(body, dict) else None
    names: dict[str, str] = {}
    for item in data if isinstance(data, list) else ():
        if isinstance(item, dict) and _text(item, "id") and _text(item, "name"):
            names[_text(item, "id")] = one_line(_text(item, "name"), 80)
    return names
