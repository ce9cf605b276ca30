"""The Activity tab: the tolerant parser, the request Close documents, the demo server's
rules, the model (with Qt's model tester) and the tab in the window against the demo server."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QPlainTextEdit, QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from close_viewer.core.activity import (
    ActivityPage,
    html_to_text,
    parse_activity,
    parse_activity_page,
)
from close_viewer.core.api import CloseClient
from close_viewer.core.credentials import ApiKey
from close_viewer.core.errors import BadResponse
from close_viewer.core.paging import ActivityCursor
from close_viewer.core.text import plain_block
from close_viewer.demo import DEMO_API_KEY, DEMO_CONTACT_ID, DemoServer
from close_viewer.demo.activities import ONLY_WITH_LEAD, SORT_NEEDS_LEAD, all_activities
from close_viewer.demo.samples import LARGE_CONTACT_ID
from close_viewer.demo.server import Fault
from close_viewer.ui.activity_model import ActivityModel
from tests.conftest import MakeWindow
from tests.test_window import lookup

MARIA_LEAD = "lead_Vx3Qm9KpT2sLw7RbNz4HcYd"
LARGE_LEAD = "lead_Bg5Tz8Kq2WmXp4LcRn7VdHs"
CARLOS = "cont_Fz3Carlos8Fernandez2Q"  # on María's lead
NO_LEAD = "cont_BadTimezone"
START = datetime(2026, 11, 27, 18, 0, tzinfo=timezone.utc)


# --- the parser ------------------------------------------------------------------------


def test_each_kind_reads_as_a_rep_would() -> None:
    email = parse_activity(
        {
            "_type": "Email",
            "id": "acti_1",
            "direction": "incoming",
            "activity_at": "2026-11-27T10:00:00Z",
            "subject": "Re: Renewal",
            "sender": "María <mj@acme.es>",
            "to": ["Jane <jane@acme.example>"],
            "cc": [{"name": "Luis", "email": "luis@acme.es"}],
            "body_text": "Hi Jane,\n\nLegal has two questions.\n\nMaría",
            "user_name": "Jane Doe",
        }
    )
    assert (email.kind, email.direction, email.user_name) == ("Email", "in", "Jane Doe")
    assert email.summary == "Re: Renewal · Legal has two questions."  # the greeting is passed over
    assert "From: María <mj@acme.es>" in email.details
    assert "Cc: Luis <luis@acme.es>" in email.details
    assert email.details.endswith("Legal has two questions.\n\nMaría")
    call = parse_activity(
        {
            "_type": "Call",
            "direction": "outbound",
            "duration": 754,
            "disposition": "vm-left",
            "note": "Left a message.\nCall back Friday.",
            "recording_url": "https://rec.example/1.mp3",
        }
    )
    assert (call.kind, call.direction) == ("Call", "out")
    assert call.summary == "0:12:34 · Left a voicemail · Left a message."
    assert call.recording_url == "https://rec.example/1.mp3"
    assert "Call back Friday." in call.details
    sms = parse_activity({"_type": "SMS", "direction": "inbound", "text": "Running late"})
    assert (sms.kind, sms.direction, sms.summary) == ("SMS", "in", "Running late")
    note = parse_activity({"_type": "Note", "note_html": "<p>First<br>Second &amp; third</p>"})
    assert note.summary == "First" and "Second & third" in note.details
    meeting = parse_activity(
        {"_type": "Meeting", "title": "Kick-off", "starts_at": "2026-11-25T13:00:00Z", "status": "completed"}
    )
    assert meeting.summary.startswith("Kick-off · 25 Nov 2026, ") and meeting.summary.endswith("Completed")
    change = parse_activity(
        {"_type": "LeadStatusChange", "old_status_label": "Qualified", "new_status_label": "Customer"}
    )
    assert (change.kind, change.summary) == ("Status change", "Qualified → Customer")
    custom = parse_activity(
        {"_type": "CustomActivity", "custom_activity_type_id": "actitype_1", "note": "Met the IT team."},
        {"actitype_1": "Site visit"},
    )
    assert (custom.kind, custom.summary) == ("Site visit", "Met the IT team.")
    assert parse_activity({"_type": "CustomActivity"}).kind == "Custom activity"
    unknown = parse_activity({"_type": "HologramMeeting", "note": "New!", "shiny": [1, 2]})
    assert (unknown.kind, unknown.summary) == ("Hologram meeting", "New!")  # never dropped
    assert unknown.raw["shiny"] == [1, 2]  # unknown fields kept


def test_when_falls_back_to_date_created_and_wrong_types_are_blanks() -> None:
    a = parse_activity({"_type": "Call", "date_created": "2026-01-02T03:04:05.123456+00:00"})
    assert a.when == datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc)
    odd = parse_activity(
        {"_type": 7, "activity_at": "yesterday", "duration": "long", "user_name": ["x"], "direction": 1}
    )
    assert (odd.kind, odd.when, odd.direction, odd.user_name) == ("Activity", None, "", "")


def test_server_text_is_plain_text() -> None:
    assert plain_block("a\u202eb\r\nc\x00d\te") == "ab\ncd\te"  # bidi and controls out, lines kept
    assert html_to_text("<style>p{}</style><b>Hi</b><br>there &lt;3") == "Hi\nthere <3"
    evil = parse_activity({"_type": "Email", "body_text": '<img src="x"> <b>bold</b>'})
    assert '<img src="x"> <b>bold</b>' in evil.details  # kept as the characters it is


def test_a_page_is_data_and_has_more_and_anything_else_is_unreadable() -> None:
    page = parse_activity_page({"data": [{"_type": "Note", "id": "a"}, "junk"], "has_more": True})
    assert (len(page.activities), page.has_more, page.unreadable) == (1, True, 1)
    assert page.next == ActivityCursor("", 2)  # no activity_at to page on: past both items
    assert parse_activity_page({"data": [], "has_more": "yes"}).has_more is False
    for body in (None, [], {"data": {}}, "text"):
        with pytest.raises(BadResponse):
            parse_activity_page(body)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
KNOWN = st.sampled_from(
    ["Call", "Email", "SMS", "Note", "Meeting", "WhatsAppMessage", "LeadStatusChange", "CustomActivity", "X"]
)
FIELDS = st.sampled_from(
    [
        "activity_at",
        "date_created",
        "subject",
        "body_text",
        "body_html",
        "note",
        "note_html",
        "duration",
        "direction",
        "to",
        "cc",
        "attendees",
        "starts_at",
        "text",
        "user_name",
        "disposition",
        "custom_activity_type_id",
    ]
)


@settings(max_examples=300, deadline=None)
@given(kind=KNOWN, fields=st.dictionaries(FIELDS, JSON, max_size=8), extra=st.dictionaries(st.text(), JSON))
def test_any_activity_object_parses(kind: str, fields: dict[str, object], extra: dict[str, object]) -> None:
    obj = {**extra, **fields, "_type": kind}
    activity = parse_activity(obj, {"actitype_1": "Visit"})
    assert activity.kind  # every activity has words on its badge
    assert "\n" not in activity.summary and "\u202e" not in activity.details
    assert activity.raw is obj


@settings(max_examples=200, deadline=None)
@given(body=JSON)
def test_any_answer_is_a_page_or_unreadable(body: object) -> None:
    try:
        page = parse_activity_page(body)
    except BadResponse:
        assert not (isinstance(body, dict) and isinstance(body.get("data"), list))
    else:
        assert isinstance(page, ActivityPage)


# --- the request and the demo server ---------------------------------------------------


def test_the_request_is_the_one_close_documents(demo_server: DemoServer, demo_key: ApiKey) -> None:
    client = CloseClient(demo_server.base_url)
    names: dict[str, str] = {}
    first = client.activity_page(LARGE_LEAD, LARGE_CONTACT_ID, demo_key, None, names)
    second = client.activity_page(LARGE_LEAD, LARGE_CONTACT_ID, demo_key, first.next, names)
    asked = [parse_qs(s.query) for s in demo_server.seen if s.path.endswith("/activity/")]
    assert asked[0] == {
        "lead_id": [LARGE_LEAD],
        "contact_id": [LARGE_CONTACT_ID],
        "_order_by": ["-activity_at"],
        "_limit": ["50"],
    }
    # The next page on time (Close caps _skip): at or before the last one shown, past the
    # ones shown at that very moment (here 10, the start of the demo's burst of 71).
    assert asked[1]["activity_at__lte"] == [first.activities[-1].raw["activity_at"]]
    assert asked[1]["_skip"] == ["10"]
    assert len(first.activities) == len(second.activities) == 50 and first.has_more
    assert first.activities[0].when >= first.activities[-1].when >= second.activities[0].when


def test_custom_activity_names_are_asked_once(demo_server: DemoServer, demo_key: ApiKey) -> None:
    client = CloseClient(demo_server.base_url)
    names: dict[str, str] = {}
    page = client.activity_page(MARIA_LEAD, DEMO_CONTACT_ID, demo_key, None, names)
    client.activity_page(MARIA_LEAD, DEMO_CONTACT_ID, demo_key, None, names)
    assert "Site visit" in {a.kind for a in page.activities}
    assert sum(s.path.endswith("/custom_activity/") for s in demo_server.seen) == 1


def test_the_demo_server_answers_like_close(demo_server: DemoServer) -> None:
    url, auth = f"{demo_server.base_url}/activity/", (DEMO_API_KEY, "")
    bad = requests.get(url, params={"contact_id": DEMO_CONTACT_ID}, auth=auth, timeout=5)
    assert bad.status_code == 400 and bad.json() == {"error": ONLY_WITH_LEAD.format(name="contact_id")}
    bad = requests.get(url, params={"_order_by": "-activity_at"}, auth=auth, timeout=5)
    assert bad.status_code == 400 and bad.json() == {"error": SORT_NEEDS_LEAD}
    assert requests.get(url, params={"lead_id": MARIA_LEAD}, timeout=5).status_code == 401
    query = {"lead_id": MARIA_LEAD, "contact_id": DEMO_CONTACT_ID, "_type__in": "Call,SMS", "_limit": "3"}
    page = requests.get(url, params=query, auth=auth, timeout=5).json()
    assert {a["_type"] for a in page["data"]} <= {"Call", "SMS"} and len(page["data"]) == 3
    assert page["has_more"] is True
    rest = requests.get(url, params={**query, "_skip": "3", "_limit": "100"}, auth=auth, timeout=5).json()
    assert rest["has_more"] is False and {a["contact_id"] for a in rest["data"]} == {DEMO_CONTACT_ID}
    custom = requests.get(url, params={**query, "_type__in": "Custom"}, auth=auth, timeout=5).json()
    assert [a["_type"] for a in custom["data"]] == ["CustomActivity"]
    large = [a for a in all_activities() if a["contact_id"] == LARGE_CONTACT_ID]
    assert len(large) > 1000


# --- the model -------------------------------------------------------------------------


def _activities(count: int, start: int = 0) -> list:
    kinds = ("Call", "Email", "SMS", "Note", "Meeting")
    return [
        parse_activity(
            {
                "_type": kinds[n % 5],
                "id": f"acti_{n}",
                "activity_at": (START - timedelta(minutes=7 * n)).isoformat(),
                "note": f"note {n}",
                "text": f"text {n}",
                "subject": f"subject {n}",
                "user_id": "user_a" if n % 2 else "",
                "user_name": None,
            }
        )
        for n in range(start, start + count)
    ]


def test_the_model_passes_qt_model_tester(qtmodeltester: ModelTester) -> None:
    model = ActivityModel()
    model.add(_activities(50))
    qtmodeltester.check(model, force_py=True)  # and it keeps checking every change below
    model.add(_activities(50, 50))  # the next page: appended
    model.set_filter(frozenset({"Call"}), "")
    model.sort(3, Qt.SortOrder.AscendingOrder)
    model.add(_activities(10, 100))  # a page while sorted by another column: rebuilt
    model.set_names({"user_a": "Ann"})
    model.set_filter(None, "note")
    assert model.rowCount() > 0


def test_pages_append_newest_first_and_filters_answer(qtbot: QtBot) -> None:
    model = ActivityModel()
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    assert model.add(_activities(50)) == 50
    assert model.add(_activities(60, 40)) == 50  # ten already loaded: not twice
    assert inserted[-1] == (50, 99)  # appended at the end, nothing above moved
    whens = [model.row_object(r).when for r in range(model.rowCount())]
    assert whens == sorted(whens, reverse=True)
    model.set_filter(frozenset({"Call", "SMS"}), "")
    assert {model.row_object(r).type for r in range(model.rowCount())} == {"Call", "SMS"}
    model.set_filter(None, "NOTE 7")  # any case; calls, notes and meetings show their notes
    assert {model.row_object(r).id for r in range(model.rowCount())} == {
        f"acti_{n}" for n in (70, 73, 74, 75, 78, 79)
    }
    model.set_filter(None, "")
    model.set_names({})
    who = {model.row_object(r).user_name for r in range(model.rowCount())}
    assert who == {"", "a former user"}  # a user the list does not know has left


# --- the tab in the window -------------------------------------------------------------


def _activity_view(window) -> QTableView:  # type: ignore[no-untyped-def]
    return window.findChild(QTableView, "activityView")


def _wait_page(qtbot: QtBot, window, count: int) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.tabs.activity.loaded >= count, timeout=10_000)


def test_the_tab_shows_the_timeline_newest_first_in_plain_text(
    qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer
) -> None:
    window = make_window()
    busy_when_shown: list[bool] = []
    window.contact_shown.connect(lambda _c: busy_when_shown.append(window.timeline.busy))
    lookup(qtbot, window, DEMO_CONTACT_ID)
    assert busy_when_shown == [False]  # the timeline is asked only after the contact is painted
    _wait_page(qtbot, window, 14)
    index = window.tabs.titles.index("Activity")
    assert window.tabs.tabText(index) == "Activity (14)"
    view = _activity_view(window)
    model = view.model()
    whens = [model.row_object(r).when for r in range(model.rowCount())]
    assert whens == sorted(whens, reverse=True)
    kinds = {model.index(r, 1).data() for r in range(model.rowCount())}
    expected = {"Email", "Call", "SMS", "Meeting", "Note", "Status change", "Site visit", "Hologram meeting"}
    assert expected <= kinds
    assert model.index(0, 2).data() == "↓ In"
    assert model.index(7, 3).data() == "Jane Doe"  # sent without user_name: named from the user list
    details = window.findChild(QPlainTextEdit, "activityDetails")
    view.selectRow(0)
    assert '<b>Not bold</b> & <a href="https://evil.example">not a link</a>' in details.toPlainText()
    assert "From: María José Fernández-Łukasiewicz <mj.fernandez@acme-iberia.es>" in details.toPlainText()
    assert details.isReadOnly()
    asked = [s for s in demo_server.seen if s.path.endswith("/activity/")]
    assert parse_qs(asked[0].query)["contact_id"] == [DEMO_CONTACT_ID]  # not Carlos's, on the same lead


def test_load_more_pages_on_time_and_filters_what_is_loaded(
    qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer
) -> None:
    window = make_window()
    lookup(qtbot, window, LARGE_CONTACT_ID)
    _wait_page(qtbot, window, 50)
    panel = window.tabs.activity
    index = window.tabs.titles.index("Activity")
    assert window.tabs.tabText(index) == "Activity (50+)"
    window.tabs.setCurrentIndex(index)
    assert panel.load_more.isVisible()
    panel.load_more.click()
    _wait_page(qtbot, window, 100)
    assert window.tabs.tabText(index) == "Activity (100+)"
    last = parse_qs([s for s in demo_server.seen if s.path.endswith("/activity/")][-1].query)
    first_page_end = panel.model.loaded[49].raw["activity_at"]
    assert (last["activity_at__lte"], last["_skip"]) == ([first_page_end], ["10"])  # 10 ties shown
    view = _activity_view(window)
    view.scrollToBottom()  # the end of the list asks for the next page unasked
    _wait_page(qtbot, window, 150)
    panel.types.setCurrentText("Calls")
    assert {view.model().index(r, 1).data() for r in range(view.model().rowCount())} == {"Call"}
    assert panel.status.text().endswith("of 150 loaded, more in Close")
    panel.types.setCurrentText("All")
    panel.text_filter.setText("order update #7")
    shown = {view.model().row_object(r).summary for r in range(view.model().rowCount())}
    assert shown and all("Order update #7" in s for s in shown)


def test_a_timeline_longer_than_closes_skip_ceiling_loads_whole_without_repeats(
    qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer
) -> None:
    """1,200 activities, 71 of them at one moment, against a server that refuses `_skip` over
    1,000 (as Close caps it): every one is reached by Load more, none twice, none skipped."""
    from close_viewer.demo.activities import MAX_SKIP, all_activities

    window = make_window()
    lookup(qtbot, window, LARGE_CONTACT_ID)
    _wait_page(qtbot, window, 50)
    panel = window.tabs.activity
    while panel.has_more:
        before = panel.loaded
        panel.load_more.click()
        qtbot.waitUntil(lambda before=before: panel.loaded > before and not panel.loading, timeout=10_000)
    assert panel.error.isHidden()
    expected = [a["id"] for a in all_activities() if a.get("contact_id") == LARGE_CONTACT_ID]
    loaded = [a.id for a in panel.model.loaded]
    assert len(loaded) == len(set(loaded)) == len(expected) == 1_200
    assert set(loaded) == set(expected)
    asked = [parse_qs(s.query) for s in demo_server.seen if s.path.endswith("/activity/")]
    assert max(int(q.get("_skip", ["0"])[0]) for q in asked) < MAX_SKIP


def test_a_failure_shows_in_the_tab_and_try_again_loads(
    qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer
) -> None:
    demo_server.fail_activity(DEMO_CONTACT_ID, Fault(500, {"error": "Internal server error."}, failures=1))
    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    panel = window.tabs.activity
    qtbot.waitUntil(lambda: not panel.error.isHidden(), timeout=10_000)
    assert panel.error.message.startswith("Activity could not be loaded: ")
    assert window.header.name_label.text() == "María José Fernández-Łukasiewicz"  # the contact stays
    assert not window.error_banner.isVisible()
    panel.error.retry_requested.emit()
    _wait_page(qtbot, window, 14)
    assert panel.error.isHidden()


class _Outcomes(QObject):
    """Counts a worker's reports, received in the GUI thread."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    @Slot(int, object)
    def note(self, _job: int, _outcome: object) -> None:
        self.count += 1


def test_a_new_lookup_cancels_the_timeline_and_its_page_is_never_shown(
    qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer
) -> None:
    demo_server.fail_activity(DEMO_CONTACT_ID, Fault(delay=2.0))  # slow, then the real answer
    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    # Asked once the contact is painted; wait until the request is at the server.
    qtbot.waitUntil(
        lambda: any(s.path.endswith("/activity/") and DEMO_CONTACT_ID in s.query for s in demo_server.seen),
        timeout=5000,
    )
    ended = _Outcomes()  # in this (GUI) thread: the worker's signals reach it queued
    window.timeline._worker.failed.connect(ended.note)
    with qtbot.waitSignal(window.lookups.activity_stopped, timeout=5000):
        window.contact_edit.setText(CARLOS)
        window.fetch()
    qtbot.waitUntil(lambda: window.contact is not None and window.contact.id == CARLOS, timeout=5000)
    qtbot.waitUntil(lambda: window.tabs.activity.loaded > 0, timeout=5000)
    # María's slow page ended in the worker (its socket closed by the cancel), not in the tab.
    qtbot.waitUntil(lambda: ended.count >= 1, timeout=5000)
    contacts = {window.tabs.activity.model.row_object(r).raw.get("contact_id") for r in range(5)}
    assert contacts == {CARLOS}


def test_a_contact_without_a_lead_has_a_plain_message_and_no_request(
    qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer
) -> None:
    window = make_window()
    lookup(qtbot, window, NO_LEAD)
    view = _activity_view(window)
    assert "not on a lead" in view.empty_text
    assert window.tabs.tabText(window.tabs.titles.index("Activity")) == "Activity (0)"
    assert not [s for s in demo_server.seen if s.path.endswith("/activity/")]


def test_a_calls_outcome_in_the_timeline_follows_its_documented_status() -> None:
    """`disposition` is not in Close's OpenAPI: it may add a voicemail to a completed call,
    never contradict the status Close documents."""
    missed = parse_activity(
        {"_type": "Call", "status": "no-answer", "direction": "inbound", "disposition": "answered"}
    )
    assert missed.summary == "Missed call" and "Answered" not in missed.details
    voicemail = parse_activity(
        {"_type": "Call", "status": "completed", "duration": 30, "disposition": "vm-left"}
    )
    assert "Left a voicemail" in voicemail.summary
    busy = parse_activity({"_type": "Call", "status": "busy", "disposition": "answered"})
    assert "Busy" in busy.summary and "Answered" not in busy.summary
