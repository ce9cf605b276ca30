"""The timeline's cursor (core/paging.py): the next page on time, ties counted across pages."""

from __future__ import annotations

import pytest
import requests

from close_viewer.core.paging import ActivityCursor
from close_viewer.demo import DEMO_API_KEY, DemoServer
from close_viewer.demo.samples import LARGE_CONTACT_ID
from tests.test_activity import LARGE_LEAD

T1, T2 = "2026-12-05T10:00:00+00:00", "2026-12-05T09:00:00+00:00"


def test_the_first_page_asks_nothing_but_the_order() -> None:
    assert ActivityCursor().params() == {}


def test_the_next_page_starts_at_the_last_moment_shown_past_its_ties() -> None:
    page = [{"activity_at": T1}, {"activity_at": T2}, {"activity_at": T2}]
    cursor = ActivityCursor().after(page)
    assert cursor == ActivityCursor(T2, 2)
    assert cursor.params() == {"activity_at__lte": T2, "_skip": "2"}


def test_ties_that_fill_a_whole_page_add_up_across_pages() -> None:
    cursor = ActivityCursor(T2, 2).after([{"activity_at": T2}] * 50)
    assert cursor == ActivityCursor(T2, 52)  # the third page skips all 52 shown at T2


def test_a_new_moment_starts_counting_again() -> None:
    cursor = ActivityCursor(T1, 7).after([{"activity_at": T1}, {"activity_at": T2}])
    assert cursor.params() == {"activity_at__lte": T2, "_skip": "1"}


def test_items_without_a_moment_are_stepped_over() -> None:
    assert ActivityCursor(T1, 1).after(["junk", {"id": "x"}]) == ActivityCursor(T1, 3)


# --- the demo server pages as Close does ------------------------------------------------


def _activity(demo_server: DemoServer, **params: str) -> requests.Response:
    query = {"lead_id": LARGE_LEAD, "contact_id": LARGE_CONTACT_ID, "_order_by": "-activity_at", **params}
    return requests.get(
        f"{demo_server.base_url}/activity/", params=query, auth=(DEMO_API_KEY, ""), timeout=10
    )


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"_limit": "101"}, "_limit must be at most 100"),  # refused, not silently capped
        ({"_skip": "1001"}, "_skip must be at most 1000"),
        (
            {"_order_by": "-date_created", "activity_at__lt": "2026-01-01T00:00:00+00:00"},
            "sorting by activity_at",
        ),
    ],
)
def test_the_demo_server_refuses_what_close_refuses(
    demo_server: DemoServer, params: dict[str, str], words: str
) -> None:
    answer = _activity(demo_server, **params)
    assert answer.status_code == 400
    assert words in answer.json()["error"]


def test_the_demo_server_filters_on_time_and_says_its_rate_limit(demo_server: DemoServer) -> None:
    first = _activity(demo_server, _limit="5")
    assert first.headers["RateLimit"].startswith("limit=")  # on every answer, as Close's
    last = first.json()["data"][-1]["activity_at"]
    older = _activity(demo_server, _limit="5", activity_at__lt=last).json()["data"]
    assert older and all(a["activity_at"] < last for a in older)


def test_the_demo_server_refuses_a_user_page_over_closes_maximum(demo_server: DemoServer) -> None:
    url = f"{demo_server.base_url}/user/"
    answer = requests.get(url, params={"_limit": "101"}, auth=(DEMO_API_KEY, ""), timeout=10)
    assert answer.status_code == 400 and "_limit" in answer.json()["error"]
    ok = requests.get(url, params={"_limit": "100"}, auth=(DEMO_API_KEY, ""), timeout=10)
    assert ok.status_code == 200 and ok.json()["data"]
