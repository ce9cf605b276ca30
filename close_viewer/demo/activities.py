"""The demo contacts' activities, as `GET /activity/` returns them, and the server's filter.

María has a realistic mix (emails both ways, calls with notes and outcomes, texts,
notes by colleagues, a meeting, a status change, a custom activity, a type this app has
never heard of). Her colleagues share her lead, so the `contact_id` filter matters. The
switchboard contact has 1,200, for paging and speed. Times count back from when the
demo started, so "2 hours ago" reads true.
"""

from __future__ import annotations

import operator
import random
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

from close_viewer.demo.samples import (
    DEMO_BASE_ID,
    LARGE_CONTACT_ID,
    ME_ID,
    ORGANIZATION,
    USERS,
    load_samples,
)

CUSTOM_ACTIVITY_TYPES: list[dict[str, Any]] = [
    {
        "id": "actitype_3kVq8Lm2TzWx5RcNb7PdYs",
        "name": "Site visit",
        "description": "An in-person visit to the customer's site.",
        "api_create_only": False,
        "fields": [],
    },
]
SITE_VISIT = CUSTOM_ACTIVITY_TYPES[0]["id"]
TOMAS, AIKO = "user_Rt6Yn2Kq8WmLx4PcVb9ZdHs", "user_Gv3Xm7Lq1NzKp5TcWb8RdYs"
ONLY_WITH_LEAD = (
    "The {name} filter can only be used when listing activities on a single lead "
    "(using the lead_id parameter)."
)
SORT_NEEDS_LEAD = (
    "Sorting by -activity_at can only be used when listing activities on a single lead using lead_id."
)


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _name(user_id: str) -> str:
    known = USERS.get(user_id, {})
    return f"{known.get('first_name', '')} {known.get('last_name', '')}".strip()


def _base(
    n: int, kind: str, contact: dict[str, Any], at: datetime, user_id: str = ME_ID, named: bool = True
) -> dict[str, Any]:
    return {
        "id": f"acti_{contact['id'][5:13]}{n:06d}",
        "_type": kind,
        "activity_at": _ts(at),
        "date_created": _ts(at - timedelta(minutes=1)),
        "date_updated": _ts(at),
        "contact_id": contact["id"],
        "lead_id": contact.get("lead_id"),
        "organization_id": ORGANIZATION["id"],
        "created_by": user_id,
        "created_by_name": _name(user_id),
        "updated_by": user_id,
        "updated_by_name": _name(user_id),
        "user_id": user_id,
        "user_name": _name(user_id) if named else None,
        "users": [],
    }


def _email(
    n: int, c: dict[str, Any], at: datetime, incoming: bool, subject: str, body: str, **kw: Any
) -> dict[str, Any]:
    theirs = (c.get("emails") or [{"email": "someone@example.com"}])[0]["email"]
    ours = "Jane Doe <jane.doe@acme.example>"
    them = f"{c.get('display_name') or c.get('name')} <{theirs}>"
    return {
        **_base(n, "Email", c, at, kw.pop("user_id", ME_ID)),
        "direction": "incoming" if incoming else "outgoing",
        "status": kw.pop("status", "inbox" if incoming else "sent"),
        "subject": subject,
        "sender": them if incoming else ours,
        "to": [ours] if incoming else [them],
        "cc": kw.pop("cc", []),
        "bcc": [],
        "body_text": body,
        "body_html": "<div>" + body.replace("\n", "<br>") + "</div>",
        "body_preview": body[:100],
        "date_sent": _ts(at),
        "has_reply": False,
        "opens_summary": kw.pop("opens", None),
        "thread_id": f"acti_thread_{n}",
        "template_id": None,
        "template_name": kw.pop("template", None),
        "attachments": [],
        **kw,
    }


def _call(
    n: int,
    c: dict[str, Any],
    at: datetime,
    outbound: bool,
    seconds: int,
    disposition: str,
    note: str,
    **kw: Any,
) -> dict[str, Any]:
    phone = (c.get("phones") or [{"phone": "+15555550100"}])[0]
    return {
        **_base(n, "Call", c, at, kw.pop("user_id", ME_ID), kw.pop("named", True)),
        "direction": "outbound" if outbound else "inbound",
        "status": "completed" if disposition in ("answered", "vm-left", "vm-answer") else "no-answer",
        "disposition": disposition,
        "duration": seconds,
        "phone": phone.get("phone"),
        "remote_phone": phone.get("phone"),
        "remote_phone_formatted": phone.get("phone_formatted") or phone.get("phone"),
        "local_phone": "+34910000000",
        "note": note,
        "note_html": f"<p>{note}</p>" if note else "",
        "recording_url": kw.pop("recording", None),
        "voicemail_url": None,
        "source": "Close.io",
        "outcome_id": None,
        **kw,
    }


def _sms(n: int, c: dict[str, Any], at: datetime, incoming: bool, text: str) -> dict[str, Any]:
    phone = (c.get("phones") or [{"phone": "+15555550100"}])[0]
    return {
        **_base(n, "SMS", c, at),
        "direction": "inbound" if incoming else "outbound",
        "status": "inbox" if incoming else "sent",
        "text": text,
        "remote_phone": phone.get("phone"),
        "remote_phone_formatted": phone.get("phone_formatted") or phone.get("phone"),
        "local_phone": "+34910000000",
        "local_phone_formatted": "+34 910 00 00 00",
        "source": "Close.io",
        "date_sent": _ts(at),
    }


def _note(n: int, c: dict[str, Any], at: datetime, note: str, user_id: str = ME_ID) -> dict[str, Any]:
    return {**_base(n, "Note", c, at, user_id), "note": note, "note_html": f"<p>{note}</p>", "title": None}


def maria(c: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    h = timedelta(hours=1)
    d = timedelta(days=1)
    return [
        _email(
            1,
            c,
            now - 2 * h,
            True,
            "Re: Renewal for 2027",
            "Hi Jane,\n\nThanks for the proposal. Legal has two questions about clause 4.2; can we talk "
            'on Thursday?\n\n<b>Not bold</b> & <a href="https://evil.example">not a link</a>\n\nMaría',
        ),
        _call(
            2,
            c,
            now - 5 * h,
            True,
            754,
            "answered",
            "Went through pricing for 40 seats.\nShe needs sign-off from the CFO (Luis) before Friday.\n"
            "Send the updated quote.",
            recording="https://recordings.example.com/acti_demo_call_2.mp3",
        ),
        _sms(3, c, now - 1 * d, True, "Running 10 min late for our call, sorry!"),
        _sms(4, c, now - 1 * d - h, False, "Hi María, does 16:00 still work for you?"),
        {
            **_base(5, "Meeting", c, now - 2 * d, TOMAS),
            "title": "Renewal kick-off",
            "starts_at": _ts(now - 2 * d),
            "ends_at": _ts(now - 2 * d + h),
            "duration": 3600,
            "location": "Google Meet",
            "status": "completed",
            "attendees": [
                {"email": "mj.fernandez@acme-iberia.es", "name": "María José Fernández", "status": "yes"},
                {"email": "tomas@acme.example", "name": "Tomás Ortega", "status": "yes", "user_id": TOMAS},
            ],
            "user_note": "Agreed on a two-year term. Next: quote by Monday.",
        },
        _email(
            6,
            c,
            now - 3 * d,
            False,
            "Proposal: renewal 2027",
            "Hola María,\n\nAttached is the proposal we discussed. "
            "Happy to walk you through it.\n\nBest,\nJane",
            opens="Opened 3 times",
            template="Renewal proposal",
        ),
        _note(
            7,
            c,
            now - 4 * d,
            "María prefers WhatsApp for quick questions; email for anything contractual.",
            AIKO,
        ),
        _call(8, c, now - 5 * d, False, 0, "no-answer", "", named=False),
        _call(9, c, now - 5 * d - 2 * h, False, 41, "vm-left", "Left a voicemail about the renewal."),
        {
            **_base(10, "LeadStatusChange", c, now - 8 * d, TOMAS),
            "old_status_label": "Qualified",
            "new_status_label": "Customer",
        },
        {
            **_base(11, "CustomActivity", c, now - 12 * d, TOMAS),
            "custom_activity_type_id": SITE_VISIT,
            "status": "published",
            "note": "Visited the Madrid office; met the IT team.",
        },
        {
            **_base(12, "HologramMeeting", c, now - 20 * d),
            "note": "A kind of activity this app has never heard of.",
        },
        {**_base(13, "TaskCompleted", c, now - 25 * d), "task_text": "Send the security questionnaire"},
        _email(
            14,
            c,
            now - 30 * d,
            True,
            "Intro from Lucía",
            "Hi Jane, Lucía suggested I get in touch about your platform.",
            cc=["Lucía Fernández Ruiz <lucia.fernandez@acme-iberia.es>"],
        ),
    ]


def _generic(
    c: dict[str, Any], now: datetime, count: int, seed: int, burst: range = range(0)
) -> list[dict[str, Any]]:
    """`count` activities of every common kind, the same on every run; those numbered in
    `burst` all happened at one moment (an import, a mail merge), as Close allows."""
    rnd = random.Random(seed)
    users = [ME_ID, TOMAS, AIKO]
    out = []
    burst_at = None
    for n in range(count):
        at = now - timedelta(minutes=37 * n + rnd.randint(0, 30), hours=1)
        if n in burst:
            burst_at = burst_at or at
            at = burst_at
        pick = n % 6
        user_id = users[n % 3]
        if pick == 0:
            out.append(
                _call(
                    n,
                    c,
                    at,
                    n % 4 != 0,
                    rnd.randint(0, 1800),
                    rnd.choice(("answered", "no-answer", "vm-left", "busy")),
                    f"Call {n}: followed up on ticket #{rnd.randint(1000, 9999)}.",
                    user_id=user_id,
                )
            )
        elif pick in (1, 2):
            out.append(
                _email(
                    n,
                    c,
                    at,
                    pick == 1,
                    f"Order update #{n}",
                    f"Message {n}.\nOrder status: shipped.",
                    user_id=user_id,
                )
            )
        elif pick == 3:
            out.append(_sms(n, c, at, n % 2 == 0, f"Text {n}: see you soon"))
        elif pick == 4:
            out.append(_note(n, c, at, f"Note {n}: account reviewed.", user_id))
        else:
            out.append(
                {
                    **_base(n, "Meeting", c, at, user_id),
                    "title": f"Weekly sync {n}",
                    "starts_at": _ts(at),
                    "ends_at": _ts(at + timedelta(minutes=30)),
                    "status": "completed",
                }
            )
    return out


@cache
def all_activities() -> tuple[dict[str, Any], ...]:
    """Every demo activity, newest first (shared: treat as read-only)."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    contacts = load_samples()
    found: list[dict[str, Any]] = list(maria(contacts[DEMO_BASE_ID], now))
    # 71 at one moment, across two page boundaries (pages of 50): paging on time must
    # neither repeat nor skip them.
    found += _generic(contacts[LARGE_CONTACT_ID], now, 1_200, 7, burst=range(40, 111))
    for seed, contact in enumerate(contacts.values()):
        if contact["id"] not in (DEMO_BASE_ID, LARGE_CONTACT_ID) and contact.get("lead_id"):
            found += _generic(contact, now, 4 + seed % 5, seed)
    found.sort(key=lambda a: a["activity_at"], reverse=True)
    return tuple(found)


class ActivityQueryError(ValueError):
    """A query Close would answer with 400; the message is Close's."""


def _split(values: Iterable[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


MAX_LIMIT = 100
MAX_SKIP = 1000
_COMPARE = {"lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge}


def _when(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _moment_filters(query: dict[str, list[str]], order: str) -> list[tuple[str, Any]]:
    """`activity_at__lt=…` and kin: only on the field the list is sorted by, as Close says."""
    tests: list[tuple[str, Any]] = []
    for name, values in query.items():
        field, _, op = name.partition("__")
        if field not in ("activity_at", "date_created") or op not in _COMPARE or not values:
            continue
        if field != order.lstrip("-"):
            raise ActivityQueryError(f"{name} can only be used when sorting by {field}.")
        bound = _when(values[-1])
        if bound is None or bound.tzinfo is None:
            raise ActivityQueryError(f"Invalid datetime for {name}.")
        compare = _COMPARE[op]
        tests.append((field, lambda at, bound=bound, compare=compare: at is not None and compare(at, bound)))
    return tests


def list_activities(query: dict[str, list[str]]) -> dict[str, Any]:
    """`GET /activity/` over the demo activities: filters, order, `_skip`/`_limit`, `has_more`."""
    leads = _split(query.get("lead_id", []) + query.get("lead_id__in", []))
    for name in ("contact_id", "contact_id__in", "user_id", "user_id__in", "_type", "_type__in"):
        if query.get(name) and len(leads) != 1:
            raise ActivityQueryError(ONLY_WITH_LEAD.format(name=name))
    order = (query.get("_order_by") or ["-date_created"])[-1]
    if order.lstrip("-") == "activity_at" and len(leads) != 1:
        raise ActivityQueryError(SORT_NEEDS_LEAD)
    if order.lstrip("-") not in ("date_created", "activity_at"):
        raise ActivityQueryError(f"Invalid _order_by: {order}")
    try:
        skip = int((query.get("_skip") or ["0"])[-1])
        limit = int((query.get("_limit") or ["100"])[-1])
    except ValueError:
        raise ActivityQueryError("_skip and _limit must be whole numbers.") from None
    if skip < 0 or limit < 0:
        raise ActivityQueryError("_skip and _limit must not be negative.")
    if limit > MAX_LIMIT:  # Close refuses it rather than capping it
        raise ActivityQueryError(f"_limit must be at most {MAX_LIMIT}.")
    if skip > MAX_SKIP:  # Close's "maximum _skip limit which varies per resource"
        raise ActivityQueryError(f"_skip must be at most {MAX_SKIP}: filter on activity_at to page further.")
    moments = _moment_filters(query, order)
    contacts = set(_split(query.get("contact_id", []) + query.get("contact_id__in", [])))
    users = set(_split(query.get("user_id", []) + query.get("user_id__in", [])))
    types = set(_split(query.get("_type", []) + query.get("_type__in", [])))

    def wanted(a: dict[str, Any]) -> bool:
        if leads and a.get("lead_id") not in leads:
            return False
        if not all(test(_when(a.get(key))) for key, test in moments):
            return False
        if contacts and a.get("contact_id") not in contacts:
            return False
        if users and a.get("user_id") not in users:
            return False
        if types:
            custom = a["_type"] == "CustomActivity"
            if not (
                a["_type"] in types
                or (custom and ("Custom" in types or a.get("custom_activity_type_id") in types))
            ):
                return False
        return True

    key = order.lstrip("-")
    matching = sorted(
        (a for a in all_activities() if wanted(a)),
        key=lambda a: a.get(key) or "",
        reverse=order.startswith("-"),
    )
    return {"data": matching[skip : skip + limit], "has_more": skip + limit < len(matching)}
