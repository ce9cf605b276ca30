"""Custom fields as Close orders and means them (issue 19, item 6; item 1 for datetimes):
the schema's order, datetimes in the rep's time zone, people by name, every value of a list."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from close_viewer.core.api import CloseClient
from close_viewer.core.api.card import CONTACT_LOOKUPS, CardCache
from close_viewer.core.credentials import ApiKey
from close_viewer.core.names import (
    CONTACT_NOT_AVAILABLE,
    FORMER_USER,
    NOT_AVAILABLE,
    FieldSpec,
    custom_rows,
    format_value,
    parse_schema,
)
from close_viewer.core.parser import parse_contact
from close_viewer.demo import DemoServer
from close_viewer.demo.samples import CARLOS_ID, CONTACT_SCHEMA, GONE_CONTACT_ID
from tests.conftest import MakeWindow
from tests.test_window import lookup, rows

VISIT = "2024-09-12T14:30:00+00:00"  # 10:30 in New York (EDT), 20:00 in Kolkata (IST)
NEW_YORK, KOLKATA = "America/New_York", "Asia/Kolkata"
MARIA = "cont_4bA7x2Kq9TzRmW1vLp8NcY"
LUCIA = "cont_Lk8Lucia4Fernandez7Rz"


@pytest.fixture
def local_zone() -> Iterator[Callable[[str], None]]:
    """Sets the computer's time zone (TZ, then tzset) for one test and puts it back after."""
    before = os.environ.get("TZ")

    def use(zone: str) -> None:
        os.environ["TZ"] = zone
        time.tzset()

    yield use
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


# --- datetimes: in the rep's zone; a date stays a date ------------------------------------


@pytest.mark.parametrize(
    ("zone", "shown"), [(NEW_YORK, "12 Sep 2024, 10:30"), (KOLKATA, "12 Sep 2024, 20:00")]
)
def test_a_datetime_field_reads_in_the_given_zone(zone: str, shown: str) -> None:
    assert format_value(VISIT, "datetime", {}, zone=ZoneInfo(zone)) == shown
    assert format_value(VISIT.replace("+00:00", "Z"), "datetime", {}, zone=ZoneInfo(zone)) == shown
    # A date is the day it was written as, in every zone (never "30 Mar" west of UTC).
    assert format_value("2027-03-31", "date", {}, zone=ZoneInfo(zone)) == "31 Mar 2027"
    assert format_value("2027-03-31", "datetime", {}, zone=ZoneInfo(zone)) == "31 Mar 2027"


def test_a_datetime_field_reads_in_the_computers_zone_by_default(local_zone: Callable[[str], None]) -> None:
    local_zone(NEW_YORK)
    assert format_value(VISIT, "datetime", {}) == "12 Sep 2024, 10:30"
    local_zone(KOLKATA)
    assert format_value(VISIT, "datetime", {}) == "12 Sep 2024, 20:00"
    (row,) = custom_rows({"custom.cf_v": VISIT}, {"cf_v": FieldSpec("cf_v", "Visit", "datetime")}, {})
    assert row.value == "12 Sep 2024, 20:00"


@pytest.mark.parametrize(
    ("zone", "shown"), [(NEW_YORK, "12 Sep 2024, 10:30"), (KOLKATA, "12 Sep 2024, 20:00")]
)
def test_the_details_tab_shows_datetimes_in_the_reps_zone(
    qtbot: QtBot,
    make_window: MakeWindow,
    local_zone: Callable[[str], None],
    zone: str,
    shown: str,
) -> None:
    local_zone(zone)
    window = make_window()
    lookup(qtbot, window, CARLOS_ID)
    qtbot.waitUntil(lambda: window.tabs.tabText(5) == "Details (7)", timeout=5000)
    assert ["Last site visit", shown] in rows(window, "customFieldsView")


# --- order, people, lists ----------------------------------------------------------------


def test_rows_come_in_the_schemas_order_not_the_contacts() -> None:
    schema = parse_schema({"fields": CONTACT_SCHEMA})
    assert [s.name for s in schema.values()] != sorted(s.name for s in schema.values())  # not alphabetical
    custom = {"custom.cf_x_unknown": "kept, last", **{f"custom.{k}": "v" for k in reversed(list(schema))}}
    shown = [r.name for r in custom_rows(custom, schema, {})]
    assert shown == [s.name for s in schema.values()] + ["cf_x_unknown"]
    assert schema["cf_Kd3Wq9NxT1LmPz5c"].multiple and not schema["cf_Zx8LmQ2kP4vRtW7n"].multiple


def test_people_by_name_and_every_value_of_a_list() -> None:
    schema = {
        "cf_u": FieldSpec("cf_u", "Owner", "user"),
        "cf_us": FieldSpec("cf_us", "Team", "user", multiple=True),
        "cf_c": FieldSpec("cf_c", "Reports to", "contact"),
        "cf_cs": FieldSpec("cf_cs", "Also involved", "contact", multiple=True),
        "cf_n": FieldSpec("cf_n", "Sizes", "number", multiple=True),
    }
    custom = {
        "custom.cf_u": "user_a",
        "custom.cf_us": ["user_a", "user_gone", "user_b"],
        "custom.cf_c": "cont_a",
        "custom.cf_cs": ["cont_a", "cont_gone"],
        "custom.cf_n": [3, 1250, 7.0],
    }
    users, contacts = {"user_a": "Ann", "user_b": "Bo"}, {"cont_a": "Carla"}
    found = {r.name: r for r in custom_rows(custom, schema, users, contacts)}
    assert {n: r.value for n, r in found.items()} == {
        "Owner": "Ann",
        "Team": f"Ann, {FORMER_USER}, Bo",
        "Reports to": "Carla",
        "Also involved": f"Carla, {CONTACT_NOT_AVAILABLE}",
        "Sizes": "3, 1,250, 7",
    }
    assert found["Also involved"].ids == ("cont_a", "cont_gone")  # for the tooltip, never the text
    # Users that could not be had are "not available", not every one "a former user".
    assert custom_rows(custom, schema, None, contacts)[0].value == NOT_AVAILABLE


def test_the_demo_contact_fields_show_names_in_schema_order(
    qtbot: QtBot,
    make_window: MakeWindow,
    demo_server: DemoServer,
    local_zone: Callable[[str], None],
) -> None:
    local_zone(NEW_YORK)
    window = make_window()
    lookup(qtbot, window, CARLOS_ID)
    qtbot.waitUntil(lambda: window.tabs.tabText(5) == "Details (7)", timeout=5000)
    assert rows(window, "customFieldsView") == [
        ["Segment", "Mid-market"],
        ["Languages", "Spanish, Catalan, English"],
        ["Seats", "40"],
        ["Last site visit", "12 Sep 2024, 10:30"],
        ["Reports to", "María José Fernández-Łukasiewicz"],
        ["Account team", "Tomás Ortega, Aiko Sato"],
        ["Also involved", f"Lucía Fernández Ruiz, {CONTACT_NOT_AVAILABLE}"],
    ]
    model = window.findChild(QTableView, "customFieldsView").model()
    tooltip = model.index(6, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert LUCIA in tooltip and GONE_CONTACT_ID in tooltip  # the ids, out of the main text
    # One name request per contact named, asking for the name only; none again for this session.
    named = [s for s in demo_server.seen if s.path.startswith("/api/v1/contact/") and s.query]
    assert sorted(s.path for s in named) == sorted(
        f"/api/v1/contact/{c}/" for c in (MARIA, LUCIA, GONE_CONTACT_ID)
    )
    assert {parse_qs(s.query)["_fields"][0] for s in named} == {"id,name,display_name"}
    lookup(qtbot, window, MARIA)
    lookup(qtbot, window, CARLOS_ID)
    qtbot.waitUntil(lambda: window.tabs.tabText(5) == "Details (7)", timeout=5000)
    assert len([s for s in demo_server.seen if s.path.startswith("/api/v1/contact/") and s.query]) == len(
        named
    )


def test_contact_names_cost_a_few_requests_at_most(demo_server: DemoServer, demo_key: ApiKey) -> None:
    many = [f"cont_Unknown{n}" for n in range(CONTACT_LOOKUPS + 3)]
    contact = parse_contact(
        {"id": "cont_Asker1", "name": "Asker", "custom.cf_Jd4Nz8Qw2TxKm7Lp": [LUCIA, "cont_Asker1", *many]}
    )
    card = CloseClient(demo_server.base_url).card(contact, demo_key, CardCache())
    asked = [s.path for s in demo_server.seen if s.path.startswith("/api/v1/contact/")]
    assert len(asked) == CONTACT_LOOKUPS  # Lucía and 4 unknown; the contact itself costs nothing
    assert card.fields is not None
    (row,) = card.fields
    assert row.value.startswith("Lucía Fernández Ruiz, Asker, " + CONTACT_NOT_AVAILABLE)
    assert "cont_" not in row.value
