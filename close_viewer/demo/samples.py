"""Sample contacts: the hand-written ones in resources/contacts, plus a generated large one."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

from close_viewer.core.model import (
    CALL_STATUSES,
    SEQUENCE_STATUSES,
    STATUS_REASONS,
    SUBSCRIPTION_STATUSES,
)
from close_viewer.resources import resource_path

LARGE_CONTACT_ID = "cont_LargeDemo10kCalls"
DEMO_BASE_ID = "cont_4bA7x2Kq9TzRmW1vLp8NcY"


@cache
def load_samples() -> dict[str, dict[str, Any]]:
    """Every sample contact by id (shared and cached: treat as read-only)."""
    contacts: dict[str, dict[str, Any]] = {}
    for path in sorted(resource_path("contacts").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        contacts[data["id"]] = data
    contacts[LARGE_CONTACT_ID] = large_contact()
    for hostile in hostile_contacts(contacts[DEMO_BASE_ID]):
        contacts[hostile["id"]] = hostile
    for extra in colleague_contacts():
        contacts[extra["id"]] = extra
    # Search paging: 30 Lindqvists, more than one page of matches (close_viewer/demo/search.py).
    from close_viewer.demo.search import shared_surname_contacts

    for extra in shared_surname_contacts():
        contacts[extra["id"]] = extra
    return contacts


LEADS: dict[str, dict[str, Any]] = {
    "lead_Vx3Qm9KpT2sLw7RbNz4HcYd": {"display_name": "Acme Iberia S.L.", "status_label": "Customer"},
    "lead_Hp7Lx2Nq9WcRz4KmTb1VdYs": {"display_name": "Watanabe Trading K.K.", "status_label": "Qualified"},
    "lead_Qs4Lm8Xk2WzTp6RcNv1HbYd": {"display_name": "Gulf Trading Co.", "status_label": "Potential"},
    "lead_Bg5Tz8Kq2WmXp4LcRn7VdHs": {"display_name": "Switchboard Services", "status_label": "Customer"},
    "lead_Nw7Kd2Lx9QmTp4RcZb6VhYs": {"display_name": "Northwind Ltd", "status_label": "Potential"},
    "lead_EmptyNoContacts00000": {"display_name": "Globex (no contacts yet)", "status_label": "Potential"},
    # Search paging: the lead of the 30 Lindqvists (close_viewer/demo/search.py).
    "lead_Lq4Lindqvist8Bygg2Wz": {"display_name": "Lindqvist Bygg AB", "status_label": "Qualified"},
}
EMPTY_LEAD_ID = "lead_EmptyNoContacts00000"

# The organization's users. The demo contact's `updated_by` (user_Hs3kT7vPz1QmWx5NcRb9LdFg)
# is not among them: a user who has left, shown as "a former user".
ME_ID = "user_Lm4pX9aWq2RzTn6VbKd8YsJc"
ORGANIZATION = {"id": "orga_Qk2vN8sLx4TfRm7WbYc1HdPz", "name": "Acme Inc."}
USERS: dict[str, dict[str, Any]] = {
    ME_ID: {"first_name": "Jane", "last_name": "Doe", "email": "jane.doe@acme.example"},
    "user_Rt6Yn2Kq8WmLx4PcVb9ZdHs": {
        "first_name": "Tomás",
        "last_name": "Ortega",
        "email": "tomas@acme.example",
    },
    "user_Gv3Xm7Lq1NzKp5TcWb8RdYs": {"first_name": "Aiko", "last_name": "Sato", "email": "aiko@acme.example"},
}


def _custom_field(
    field_id: str, name: str, kind: str, multiple: bool = False, choices: list[str] | None = None
) -> dict[str, Any]:
    """A contact custom field as Close describes it in a schema's `fields`."""
    field: dict[str, Any] = {
        "id": field_id,
        "name": name,
        "description": "",
        "type": kind,
        "accepts_multiple_values": multiple,
        "editable_with_roles": [],
        "is_shared": False,
        "organization_id": ORGANIZATION["id"],
        "created_by": ME_ID,
        "updated_by": ME_ID,
        "date_created": "2025-01-15T10:00:00.000000+00:00",
        "date_updated": "2025-01-15T10:00:00.000000+00:00",
    }
    if choices is not None:
        field["choices"] = choices
    return field


# `GET /custom_field_schema/contact/`: the contact custom fields in the order the organization
# chose (not alphabetical; the contacts list theirs in another order), of every type a rep
# meets: choices, several choices, a user, a date, a number, a date and time, a contact,
# several users, several contacts. Carlos Fernández has the last four.
CONTACT_SCHEMA: list[dict[str, Any]] = [
    _custom_field("cf_Zx8LmQ2kP4vRtW7n", "Segment", "choices", choices=["Enterprise", "Mid-market", "SMB"]),
    _custom_field(
        "cf_Kd3Wq9NxT1LmPz5c", "Languages", "choices", True, ["Catalan", "English", "Spanish", "Portuguese"]
    ),
    _custom_field("cf_Rn5Tz2Wq8LmKx4Pv", "Account owner", "user"),
    _custom_field("cf_Bw7Lq3Nx9TzKm2Rc", "Renewal date", "date"),
    _custom_field("cf_Hy4Kp8Qm2WxLz6Tn", "Seats", "number"),
    _custom_field("cf_Tq6Vn1Xr8KzLm3Wd", "Last site visit", "datetime"),
    _custom_field("cf_Pm2Rx7Lk4NwQz9Tb", "Reports to", "contact"),
    _custom_field("cf_Wc9Kt3Mz6LqRx1Vn", "Account team", "user", True),
    _custom_field("cf_Jd4Nz8Qw2TxKm7Lp", "Also involved", "contact", True),
]
# Carlos's values, listed in another order than the schema's (as a contact's keys may come).
CARLOS_ID = "cont_Fz3Carlos8Fernandez2Q"
GONE_CONTACT_ID = "cont_Gone7Deleted3Contact"  # named by a field, not served (404): deleted
CARLOS_CUSTOM: dict[str, Any] = {
    "custom.cf_Jd4Nz8Qw2TxKm7Lp": ["cont_Lk8Lucia4Fernandez7Rz", GONE_CONTACT_ID],
    "custom.cf_Hy4Kp8Qm2WxLz6Tn": 40,
    "custom.cf_Wc9Kt3Mz6LqRx1Vn": ["user_Rt6Yn2Kq8WmLx4PcVb9ZdHs", "user_Gv3Xm7Lq1NzKp5TcWb8RdYs"],
    "custom.cf_Tq6Vn1Xr8KzLm3Wd": "2024-09-12T14:30:00+00:00",
    "custom.cf_Kd3Wq9NxT1LmPz5c": ["Spanish", "Catalan", "English"],
    "custom.cf_Pm2Rx7Lk4NwQz9Tb": DEMO_BASE_ID,
    "custom.cf_Zx8LmQ2kP4vRtW7n": "Mid-market",
}


def user(user_id: str) -> dict[str, Any] | None:
    known = USERS.get(user_id)
    if known is None:
        return None
    name = f"{known['first_name']} {known['last_name']}"
    return {"id": user_id, "display_name": name, **known, "organizations": [ORGANIZATION]}


def lead(lead_id: str) -> dict[str, Any] | None:
    """A lead as `GET /lead/{id}/` answers it, with its contacts from the samples."""
    known = LEADS.get(lead_id)
    if known is None:
        return None
    contacts = [c for c in load_samples().values() if c.get("lead_id") == lead_id]
    return {
        "id": lead_id,
        "display_name": known["display_name"],
        "name": known["display_name"],
        "status_label": known["status_label"],
        "html_url": f"https://app.close.com/lead/{lead_id}/",
        "organization_id": "orga_Qk2vN8sLx4TfRm7WbYc1HdPz",
        "contact_ids": [c["id"] for c in contacts],
        "contacts": contacts,
    }


def _person(
    contact_id: str, name: str, title: str, lead_id: str, email: str, phone: str, country: str
) -> dict[str, Any]:
    return {
        "id": contact_id,
        "organization_id": "orga_Qk2vN8sLx4TfRm7WbYc1HdPz",
        "lead_id": lead_id,
        "name": name,
        "display_name": name,
        "title": title,
        "timezone": None,
        "created_by": "user_Lm4pX9aWq2RzTn6VbKd8YsJc",
        "updated_by": "user_Lm4pX9aWq2RzTn6VbKd8YsJc",
        "date_created": "2025-03-02T09:00:00.000000+00:00",
        "date_updated": "2026-10-30T16:20:00.000000+00:00",
        "emails": [{"email": email, "type": "office", "is_unsubscribed": False}],
        "phones": [
            {
                "phone": phone,
                "phone_formatted": _FORMATTED.get(phone, phone),
                "type": "office",
                "country": country,
            }
        ],
        "recent_calls": [],
        "subscriptions": [],
        "urls": [],
        "integration_links": [],
    }


_FORMATTED = {
    "+34915550199": "+34 915 55 01 99",
    "+34915550142": "+34 915 55 01 42",
    "+442079460958": "+44 20 7946 0958",
    "+493012345678": "+49 30 12345678",
    "+14155550132": "+1 415-555-0132",
}


def colleague_contacts() -> list[dict[str, Any]]:
    """Contacts that make search worth showing: a shared surname, a lead with several
    contacts (María's colleagues at Acme Iberia), phone numbers in several countries."""
    acme, northwind = "lead_Vx3Qm9KpT2sLw7RbNz4HcYd", "lead_Nw7Kd2Lx9QmTp4RcZb6VhYs"
    return [
        dict(
            _person(
                CARLOS_ID,
                "Carlos Fernández",
                "CFO",
                acme,
                "c.fernandez@acme-iberia.es",
                "+34915550199",
                "ES",
            ),
            **CARLOS_CUSTOM,
        ),
        _person(
            "cont_Lk8Lucia4Fernandez7Rz",
            "Lucía Fernández Ruiz",
            "Buyer",
            acme,
            "lucia.fernandez@acme-iberia.es",
            "+34915550142",
            "ES",
        ),
        _person(
            "cont_Pq2Oliver6Bennett9Wx",
            "Oliver Bennett",
            "Head of IT",
            northwind,
            "oliver.bennett@northwind.co.uk",
            "+442079460958",
            "GB",
        ),
        _person(
            "cont_Hm5Jana3Schmidt8Kv",
            "Jana Schmidt",
            "Einkauf",
            northwind,
            "jana.schmidt@northwind.de",
            "+493012345678",
            "DE",
        ),
        _person(
            "cont_Tr9Dana1Reyes4Lp",
            "Dana Reyes",
            "VP Sales",
            northwind,
            "dana.reyes@northwind.com",
            "+14155550132",
            "US",
        ),
    ]


def hostile_contacts(base: dict[str, Any]) -> list[dict[str, Any]]:
    """Contacts whose text would hurt if shown as markup, unbounded or unfiltered."""
    nested = "<table><tr><td>" * 20 + "deep" + "</td></tr></table>" * 20
    # Their own lead-less, phone-less records, so that they stay out of María's lead and searches.
    base = dict(base, lead_id=None, phones=[], emails=[{"email": "hostile@example.com", "type": "other"}])
    return [
        dict(
            base,
            id="cont_HostileMarkup",
            name='<img src="/dev/zero">',
            display_name='<img src="/dev/zero"><a href="https://evil.example">Your API key expired</a>',
            title=nested,
            emails=[{"email": "<b>bold</b>@example.com", "type": "<i>office</i>", "is_unsubscribed": False}],
        ),
        dict(base, id="cont_HostileHugeName", name="N" * 1_000_000, display_name="N" * 1_000_000),
        dict(
            base,
            id="cont_HostileBidi",
            name="Eve\u202egnp.exe\nINFO forged line",
            display_name="Eve\u202egnp.exe\nINFO forged line",
            emails=[{"email": "eve\n@example.com", "type": "other\u202e", "is_unsubscribed": False}],
        ),
        dict(base, id="cont_BadTimezone", timezone="America", display_name="Tz Folder", name="Tz Folder"),
    ]


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def large_contact(
    calls: int = 10_000, emails: int = 500, phones: int = 500, subscriptions: int = 1_000
) -> dict[str, Any]:
    """A contact far bigger than a real one, the same on every run (seeded)."""
    rnd = random.Random(42)
    now = datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc)
    return {
        "id": LARGE_CONTACT_ID,
        "organization_id": "orga_Qk2vN8sLx4TfRm7WbYc1HdPz",
        "lead_id": "lead_Bg5Tz8Kq2WmXp4LcRn7VdHs",
        "name": "Call Centre Switchboard",
        "display_name": "Call Centre Switchboard",
        "title": "Main line",
        "timezone": "America/New_York",
        "timezone_source": "phone",
        "created_by": "user_Lm4pX9aWq2RzTn6VbKd8YsJc",
        "updated_by": "user_Lm4pX9aWq2RzTn6VbKd8YsJc",
        "date_created": "2019-01-02T15:00:00.000000+00:00",
        "date_updated": _ts(now),
        "lead_suggestions_operation_id": None,
        "emails": [
            {
                "email": f"agent{i:04d}@switchboard.example.com",
                "type": ("office", "home", "other")[i % 3],
                "is_unsubscribed": i % 17 == 0,
            }
            for i in range(emails)
        ],
        "phones": [
            {
                "phone": f"+1212555{i:04d}",
                "phone_formatted": f"+1 212-555-{i:04d}",
                "type": ("office", "mobile", "direct", "other")[i % 4],
                "country": "US",
                "outbound_sms_blocked": i % 11 == 0,
                "tz_ids": ["America/New_York"],
            }
            for i in range(phones)
        ],
        "recent_calls": [
            {
                "id": f"acti_Large{i:06d}",
                "status": rnd.choice(CALL_STATUSES),
                "duration": rnd.randint(0, 5400),
                "finish_timestamp": _ts(now - timedelta(minutes=7 * i + rnd.randint(0, 6))),
                "dialer_id": None if i % 5 == 0 else f"dial_{rnd.randint(1, 40):03d}",
            }
            for i in range(calls)
        ],
        "subscriptions": [
            {
                "subscription_id": f"sub_Large{i:05d}",
                "sequence_id": f"seq_Large{i % 50:03d}",
                "sequence_name": f"Sequence {i % 50 + 1:02d}",
                "sequence_status": rnd.choice(SEQUENCE_STATUSES),
                "subscription_status": rnd.choice(SUBSCRIPTION_STATUSES),
                "subscription_status_reason": rnd.choice((None, *STATUS_REASONS)),
                "contact_email": f"agent{i % emails:04d}@switchboard.example.com",
                "initial_email_id": None,
                "start_date": _ts(now - timedelta(days=i % 400)),
                "date_created": _ts(now - timedelta(days=i % 400, hours=3)),
            }
            for i in range(subscriptions)
        ],
        "urls": [],
        "integration_links": [],
    }
