from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from close_viewer.core.errors import ContactParseError
from close_viewer.core.model import Contact
from close_viewer.core.parser import parse_contact, parse_datetime
from close_viewer.demo.samples import load_samples
from close_viewer.resources import resource_path

UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20T15:58:41.123456Z", datetime(2026, 11, 20, 15, 58, 41, 123456, UTC)),
        ("2026-11-20T15:58:41Z", datetime(2026, 11, 20, 15, 58, 41, tzinfo=UTC)),
        ("2026-11-20T15:58:41+00:00", datetime(2026, 11, 20, 15, 58, 41, tzinfo=UTC)),
        ("2026-11-20T15:58:41.5+00:00", datetime(2026, 11, 20, 15, 58, 41, 500000, UTC)),
        ("2026-11-20T15:58:41", datetime(2026, 11, 20, 15, 58, 41, tzinfo=UTC)),  # no offset: UTC
        (
            "2026-11-20T17:58:41+02:00",
            datetime(2026, 11, 20, 17, 58, 41, tzinfo=timezone(timedelta(hours=2))),
        ),
    ],
)
def test_datetimes_become_aware(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.tzinfo is not None


def test_every_sample_contact_parses() -> None:
    samples = load_samples()
    assert len(samples) >= 5
    for contact_id, data in samples.items():
        contact = parse_contact(data)
        assert contact.id == contact_id


def test_full_contact_fields() -> None:
    data = json.loads(resource_path("contacts", "maria.json").read_text(encoding="utf-8"))
    contact = parse_contact(data)
    assert contact.shown_name == "María José Fernández-Łukasiewicz"
    assert contact.date_created == datetime(2024, 3, 11, 9, 14, 22, 518000, UTC)
    assert [e.is_unsubscribed for e in contact.emails] == [False, True, False]
    assert contact.phones[2].display == "+14155550123"  # no phone_formatted: raw number
    assert contact.phones[1].outbound_sms_blocked
    assert contact.phones[1].tz_ids == ("Europe/Madrid", "Atlantic/Canary")
    assert contact.recent_calls[0].duration == 754
    assert contact.recent_calls[4].dialer_id is None
    assert contact.subscriptions[1].subscription_status_reason == "workflow-paused"
    assert contact.subscriptions[3].start_date is None
    assert contact.custom_fields == {
        "custom.cf_Zx8LmQ2kP4vRtW7n": "Enterprise",
        "custom.cf_Kd3Wq9NxT1LmPz5c": ["Spanish", "English"],
        "custom.cf_Rn5Tz2Wq8LmKx4Pv": "user_Rt6Yn2Kq8WmLx4PcVb9ZdHs",
        "custom.cf_Bw7Lq3Nx9TzKm2Rc": "2027-03-31",
        "custom.cf_Hy4Kp8Qm2WxLz6Tn": 1250,
    }
    assert contact.urls[1].type == "linkedin"
    assert contact.integration_links[0].name == "Open in Zendesk"


@pytest.mark.parametrize(
    ("data", "check"),
    [
        ({"id": "cont_a"}, lambda c: c.emails == () and c.shown_name == "(no name)"),
        ({"id": "cont_a", "emails": None, "phones": None}, lambda c: c.emails == () and c.phones == ()),
        ({"id": "cont_a", "title": ""}, lambda c: c.title == ""),
        ({"id": "cont_a", "name": "Ann", "display_name": ""}, lambda c: c.shown_name == "Ann"),
        (
            {"id": "cont_a", "recent_calls": [{"id": "acti_1", "status": "voicemail"}]},
            lambda c: c.recent_calls[0].status == "voicemail" and c.recent_calls[0].duration is None,
        ),
        (
            {
                "id": "cont_a",
                "subscriptions": [
                    {
                        "subscription_id": "s",
                        "subscription_status": "snoozed",
                        "subscription_status_reason": "new-reason",
                    }
                ],
            },
            lambda c: (
                c.subscriptions[0].subscription_status == "snoozed"
                and c.subscriptions[0].subscription_status_reason == "new-reason"
            ),
        ),
        (
            {"id": "cont_a", "phones": [{"phone": "+1", "tz_ids": None, "country": None}]},
            lambda c: c.phones[0].tz_ids == () and c.phones[0].country is None,
        ),
        (
            {"id": "cont_a", "emails": [{"email": "a@b.c", "is_unsubscribed": None}]},
            lambda c: c.emails[0].is_unsubscribed is False,
        ),
        ({"id": "cont_a", "future_field": {"x": 1}}, lambda c: c.extra["future_field"] == {"x": 1}),
        (
            {"id": "cont_a", "recent_calls": [{"id": "x", "duration": 12.0}]},
            lambda c: c.recent_calls[0].duration == 12,
        ),
        ({"id": "cont_a", "date_created": None}, lambda c: c.date_created is None),
    ],
)
def test_tolerant_of_what_close_may_send(data: dict[str, Any], check: Any) -> None:
    assert check(parse_contact(data))


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ([], ""),
        ("cont_a", ""),
        ({"id": ["cont_a"]}, "id"),
        ({"id": "c", "emails": {"email": "a@b.c"}}, "emails"),
        ({"id": "c", "emails": [["a@b.c"]]}, "emails[0]"),
        ({"id": "c", "phones": [{"phone": "1", "tz_ids": "Europe/Madrid"}]}, "phones[0].tz_ids"),
        ({"id": "c", "phones": [{"phone": "1", "tz_ids": [3]}]}, "phones[0].tz_ids[0]"),
        (
            {"id": "c", "recent_calls": [{"id": "a"}, {"id": "b", "duration": "long"}]},
            "recent_calls[1].duration",
        ),
        ({"id": "c", "recent_calls": [{"id": "a", "duration": True}]}, "recent_calls[0].duration"),
        (
            {"id": "c", "recent_calls": [{"id": "a", "finish_timestamp": "yesterday"}]},
            "recent_calls[0].finish_timestamp",
        ),
        (
            {"id": "c", "subscriptions": [{"subscription_id": "s", "start_date": 5}]},
            "subscriptions[0].start_date",
        ),
        ({"id": "c", "emails": [{"email": "a", "is_unsubscribed": "no"}]}, "emails[0].is_unsubscribed"),
        ({"id": "c", "urls": [{"url": {"href": "x"}}]}, "urls[0].url"),
    ],
)
def test_wrong_shape_names_the_field(data: object, path: str) -> None:
    with pytest.raises(ContactParseError) as info:
        parse_contact(data)
    assert info.value.path == path
    assert (path or "the contact") in info.value.message


def test_contact_is_immutable() -> None:
    contact = parse_contact({"id": "cont_a"})
    with pytest.raises(AttributeError):
        contact.id = "cont_b"  # type: ignore[misc]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
field_names = st.sampled_from(
    [
        "id",
        "name",
        "display_name",
        "title",
        "date_created",
        "date_updated",
        "emails",
        "phones",
        "recent_calls",
        "subscriptions",
        "urls",
        "integration_links",
        "email",
        "phone",
        "tz_ids",
        "duration",
        "finish_timestamp",
        "status",
        "start_date",
        "is_unsubscribed",
        "custom.cf_x",
    ]
)
contact_like = st.recursive(
    json_values,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(field_names, children, max_size=6),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(contact_like)
def test_any_json_parses_or_raises_the_typed_error(data: object) -> None:
    try:
        result = parse_contact(data)
    except ContactParseError as exc:
        assert exc.message
    else:
        assert isinstance(result, Contact)


def test_fast_path_builds_exactly_what_the_checking_path_builds() -> None:
    for data in load_samples().values():
        assert parse_contact(data) == parse_contact(data, fast=False)


@settings(max_examples=200, deadline=None)
@given(contact_like)
def test_fast_and_checking_paths_agree_on_any_json(data: object) -> None:
    outcomes = []
    for fast in (True, False):
        try:
            outcomes.append(parse_contact(data, fast=fast))
        except ContactParseError as exc:
            outcomes.append(exc.path)
    assert outcomes[0] == outcomes[1]


def test_rows_are_checked_at_parse_time_and_built_when_read() -> None:
    from close_viewer.core.model import RecentCall, Rows

    data = load_samples()["cont_LargeDemo10kCalls"]
    contact = parse_contact(data)
    calls = contact.recent_calls
    assert isinstance(calls, Rows) and len(calls) == 10_000
    assert calls._built.count(None) == 10_000  # nothing built yet
    third = calls[2]
    assert isinstance(third, RecentCall) and third is calls[2]  # built once, then kept
    assert calls[-1].id == data["recent_calls"][-1]["id"]
    assert calls[1:3] == (calls[1], calls[2])
    # A wrong row deep in the list still fails the whole parse, naming it.
    bad = dict(data, recent_calls=[*data["recent_calls"][:9000], {"id": "x", "duration": "long"}])
    with pytest.raises(ContactParseError) as info:
        parse_contact(bad)
    assert info.value.path == "recent_calls[9000].duration"
