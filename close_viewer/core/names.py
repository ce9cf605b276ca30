"""People, the account, the lead and custom fields, as the card shows them. No Qt; tolerant:
Close documents none of these answers' shapes, so anything unexpected becomes a blank."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any
from urllib.parse import quote

from close_viewer.core.text import text_or_blank

FORMER_USER = "a former user"
NOT_AVAILABLE = "not available"
CONTACT_NOT_AVAILABLE = "a contact that is not available"


def person_name(data: object) -> str:
    """A user's name from whichever fields the answer has."""
    if not isinstance(data, dict):
        return ""
    full = " ".join(
        p for p in (text_or_blank(data.get("first_name")), text_or_blank(data.get("last_name"))) if p
    )
    return (
        text_or_blank(data.get("display_name"))
        or full
        or text_or_blank(data.get("name"))
        or text_or_blank(data.get("email"))
    )


@dataclass(frozen=True)
class Me:
    user_id: str
    name: str
    organization: str = ""
    organization_id: str = ""

    def signed_in_text(self) -> str:
        return "Signed in as " + " · ".join(p for p in (self.name or "you", self.organization) if p)


def parse_me(body: object) -> Me:
    """`GET /me/`. A key belongs to one organization, but a user may be in several: the
    organization is the one `/me/` names as its `organization_id`, or the only one it lists;
    with several and none named it stays unknown (the first contact fetched says)."""
    data = body if isinstance(body, dict) else {}
    listed = data.get("organizations")
    orgs = [o for o in listed if isinstance(o, dict)] if isinstance(listed, list) else []
    named = text_or_blank(data.get("organization_id"))
    org = next((o for o in orgs if text_or_blank(o.get("id")) == named), None) if named else None
    if org is None and not named and len(orgs) == 1:
        org = orgs[0]
    return Me(
        user_id=text_or_blank(data.get("id")),
        name=person_name(data),
        organization=text_or_blank((org or {}).get("name")),
        organization_id=named or text_or_blank((org or {}).get("id")),
    )


def parse_user(body: object) -> tuple[str, str]:
    data = body if isinstance(body, dict) else {}
    return text_or_blank(data.get("id")), person_name(data)


def parse_users(body: object) -> tuple[dict[str, str], bool]:
    """id → name for a page of `GET /user/`, and whether more pages follow."""
    data = body.get("data") if isinstance(body, dict) else body
    names: dict[str, str] = {}
    for item in data if isinstance(data, list) else []:
        user_id, name = parse_user(item)
        if user_id and name:
            names[user_id] = name
    return names, bool(isinstance(body, dict) and body.get("has_more") is True)


@dataclass(frozen=True)
class LeadSummary:
    lead_id: str
    name: str = ""
    status: str = ""
    url: str = ""

    @property
    def link(self) -> str:
        """The lead's page in Close, built from its id: never the `html_url` the server
        sent, which could name any host (`https://app.close.com.evil.example/…`)."""
        return lead_link(self.lead_id)


CLOSE_APP = "https://app.close.com"  # Close's web app: the only host "Open in Close" opens


def lead_link(lead_id: str | None) -> str:
    """`https://app.close.com/lead/<id>/`, the id percent-encoded (it cannot leave the path)."""
    return f"{CLOSE_APP}/lead/{quote((lead_id or '')[:200], safe='')}/"


def parse_lead_summary(body: object, lead_id: str) -> LeadSummary:
    data = body if isinstance(body, dict) else {}
    return LeadSummary(
        lead_id=lead_id,
        name=text_or_blank(data.get("display_name")) or text_or_blank(data.get("name")),
        status=text_or_blank(data.get("status_label")),
        url=text_or_blank(data.get("html_url")),
    )


@dataclass(frozen=True)
class FieldSpec:
    field_id: str  # "cf_…"
    name: str
    type: str = "text"  # text, textarea, number, date, datetime, choices, user, contact, …
    multiple: bool = False  # `accepts_multiple_values`: the value is a list


def parse_schema(body: object) -> dict[str, FieldSpec]:
    """`GET /custom_field_schema/contact/`: cf id → its name and type, in Close's order
    (the order the organization chose, the one Close's own pages show)."""
    data = body if isinstance(body, dict) else {}
    items = data.get("fields", data.get("data"))
    specs: dict[str, FieldSpec] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and text_or_blank(item.get("id")).startswith("cf_"):
            specs[item["id"]] = FieldSpec(
                item["id"],
                text_or_blank(item.get("name")) or item["id"],
                text_or_blank(item.get("type")),
                item.get("accepts_multiple_values") is True,
            )
    return specs


def field_moment(value: object) -> datetime | None:
    """A datetime field's value as an aware moment (no offset: UTC); None if it is not one."""
    if not isinstance(value, str) or len(value.strip()) <= 10:  # "2027-03-31" is a date
        return None
    from close_viewer.core.parser import parse_datetime

    try:
        return parse_datetime(value)
    except (ValueError, IndexError):
        return None


def _date_text(value: str, kind: str, zone: tzinfo | None) -> str:
    moment = field_moment(value) if kind == "datetime" else None
    if moment is not None:  # a moment: read in the rep's zone, like every other time
        local = moment.astimezone(zone)
        return f"{local.day} {local:%b %Y, %H:%M}"  # (the day unpadded by hand: Windows refuses glibc's flag)
    try:  # a date stays the date it was written as, in no zone
        day = date.fromisoformat(value.strip()[:10])
        return f"{day.day} {day:%b %Y}"
    except ValueError:
        return value


def format_value(
    value: Any,
    kind: str,
    users: dict[str, str] | None,
    contacts: dict[str, str] | None = None,
    zone: tzinfo | None = None,
) -> str:
    """A custom field's value as a rep reads it, by the field's type: people by name, every
    value of a list, a datetime in `zone` (None: the computer's zone). Never raises."""
    if isinstance(value, list):
        return ", ".join(v for v in (format_value(item, kind, users, contacts, zone) for item in value) if v)
    if value is None or value == "":
        return ""
    if kind == "user" and isinstance(value, str):
        return NOT_AVAILABLE if users is None else users.get(value) or FORMER_USER
    if kind == "contact" and isinstance(value, str):
        return (contacts or {}).get(value) or CONTACT_NOT_AVAILABLE
    if kind in ("date", "datetime") and isinstance(value, str):
        return _date_text(value, kind, zone)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dict):
        return ""  # a shape no field type has: nothing rather than Python's repr
    return str(value)


@dataclass(frozen=True)
class CustomFieldRow:
    name: str
    value: str
    field_id: str
    moments: tuple[datetime, ...] = ()  # a datetime field's values, for the screen's own format
    ids: tuple[str, ...] = ()  # a user or contact field's ids, for the tooltip (never the text)


@dataclass(frozen=True)
class Card:
    """What the card adds to a contact, each piece fetched after the contact is shown.
    A piece that could not be had is None (shown as "not available"); `problems` says why."""

    contact_id: str
    lead: LeadSummary | None = None
    users: dict[str, str] | None = None
    fields: tuple[CustomFieldRow, ...] | None = None
    problems: tuple[str, ...] = field(default_factory=tuple)

    def user_name(self, user_id: str | None) -> str:
        if not user_id:
            return ""
        if self.users is None:
            return NOT_AVAILABLE
        return self.users.get(user_id) or FORMER_USER


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def referenced_contacts(custom: dict[str, Any], schema: dict[str, FieldSpec]) -> list[str]:
    """The distinct contact ids the contact-type fields name, in the schema's order."""
    ids: list[str] = []
    for field_id, spec in schema.items():
        if spec.type == "contact":
            for value in _values(custom.get(f"custom.{field_id}")):
                if isinstance(value, str) and value.startswith("cont_") and value not in ids:
                    ids.append(value)
    return ids


def custom_rows(
    custom: dict[str, Any],
    schema: dict[str, FieldSpec],
    users: dict[str, str] | None,
    contacts: dict[str, str] | None = None,
    zone: tzinfo | None = None,
) -> tuple[CustomFieldRow, ...]:
    """One row per field with a value: the schema's fields in the schema's order, then any
    field the schema does not list, in the order the contact has them."""
    values = {key.removeprefix("custom."): value for key, value in custom.items()}
    order = [f for f in schema if f in values] + [f for f in values if f not in schema]
    rows = []
    for field_id in order:
        value = values[field_id]
        spec = schema.get(field_id, FieldSpec(field_id, field_id))
        shown = format_value(value, spec.type, users, contacts, zone)
        if not shown:
            continue
        moments: tuple[datetime, ...] = ()
        if spec.type == "datetime":
            found = [field_moment(v) for v in _values(value)]
            moments = tuple(m for m in found if m is not None) if all(found) else ()
        ids: tuple[str, ...] = ()
        if spec.type in ("user", "contact"):
            ids = tuple(v for v in _values(value) if isinstance(v, str) and v)
        rows.append(CustomFieldRow(spec.name, shown, field_id, moments, ids))
    return tuple(rows)
