"""Every match of a search is reachable: the next page with Close's cursor, in the API, the
controller and the results list; and the demo server's search answers as Close's does."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication
from pytestqt.qtbot import QtBot

from close_viewer.core import errors as e
from close_viewer.core.api import CloseClient, Subject
from close_viewer.core.api import search as api_search
from close_viewer.core.credentials import ApiKey
from close_viewer.core.refs import NameRef
from close_viewer.core.search_model import Match, SearchPage, parse_search_page
from close_viewer.demo import DEMO_API_KEY, DemoServer
from close_viewer.ui.main_window import MainWindow
from tests.conftest import MakeWindow

LINDQVISTS = 30


def post_search(server: DemoServer, data: bytes) -> requests.Response:
    return requests.post(
        f"{server.base_url}/data/search/",
        data=data,
        auth=(DEMO_API_KEY, ""),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )


# --- the demo server, as Close ------------------------------------------------------------


def test_the_demo_refuses_a_body_that_is_not_json(demo_server: DemoServer) -> None:
    answer = post_search(demo_server, b"query=Lindqvist")
    assert answer.status_code == 400
    assert isinstance(answer.json().get("error"), str) and answer.json()["error"]


def test_the_demo_refuses_a_limit_over_closes_maximum(demo_server: DemoServer, demo_key: ApiKey) -> None:
    client = CloseClient(demo_server.base_url)
    body = api_search.search_body(NameRef("Lindqvist"), limit=api_search.MAX_LIMIT)
    assert len(client.post("/data/search/", body, demo_key, Subject("search"))["data"]) == LINDQVISTS
    with pytest.raises(e.BadRequest) as refused:
        client.post("/data/search/", dict(body, _limit=api_search.MAX_LIMIT + 1), demo_key, Subject("search"))
    assert "_limit" in refused.value.message
    answer = post_search(demo_server, json.dumps(dict(body, _limit=201)).encode())
    assert answer.status_code == 400 and "_limit" in answer.json()["error"]


def test_each_result_says_it_is_a_contact(demo_server: DemoServer, demo_key: ApiKey) -> None:
    client = CloseClient(demo_server.base_url)
    body = api_search.search_body(NameRef("Lindqvist"))
    answer = client.post("/data/search/", body, demo_key, Subject("search"))
    assert answer["data"] and all(item["__object_type"] == "contact" for item in answer["data"])
    assert set(answer) == {"data", "cursor"}


def test_the_demo_has_a_name_shared_by_more_than_one_page(demo_server: DemoServer, demo_key: ApiKey) -> None:
    client = CloseClient(demo_server.base_url)
    ref = NameRef("Lindqvist")
    first = client.search_contacts(ref, demo_key)
    assert len(first.matches) == api_search.LIMIT and first.cursor
    second = client.search_contacts(ref, demo_key, first.cursor)
    assert second.cursor is None
    ids = [m.contact_id for m in first.matches + second.matches]
    assert len(ids) == len(set(ids)) == LINDQVISTS
    assert demo_server.seen[-1].body["cursor"] == first.cursor
    # A Lindqvist is a whole contact, on its lead, like any other.
    opened = client.fetch_contact(ids[-1], demo_key)
    assert opened.id == ids[-1] and opened.lead_id
    assert len(client.lead_contacts(opened.lead_id, demo_key).matches) == LINDQVISTS


# --- the answer's parser --------------------------------------------------------------------


def test_results_that_are_not_contacts_are_not_rows() -> None:
    body = {
        "data": [
            {"__object_type": "contact", "id": "cont_A1", "display_name": "A"},
            {"__object_type": "lead", "id": "cont_B2", "display_name": "a lead"},
            {"id": "cont_C3", "display_name": "C"},  # no type said: taken as a contact
        ],
        "cursor": None,
    }
    assert [m.contact_id for m in parse_search_page(body).matches] == ["cont_A1", "cont_C3"]


@pytest.mark.parametrize(
    ("count", "total"),
    [({"total": 30}, 30), ({"total": 0}, 0), (None, None), ({"total": "30"}, None), ({"total": True}, None)],
)
def test_the_total_is_read_when_close_gives_one(count: object, total: int | None) -> None:
    assert parse_search_page({"data": [], "count": count}).total == total


# --- the results list -----------------------------------------------------------------------


def match(n: int) -> Match:
    return Match(f"cont_M{n}", f"Person {n}")


def test_the_results_model_with_a_load_more_row(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    from close_viewer.ui.search_results import SearchResultsModel

    model = SearchResultsModel()
    model.set_rows((match(1), match(2)))
    model.set_footer("Load more matches…")
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.index(2, 0).data() == "Load more matches…"
    assert model.row_object(2) is None and model.is_footer(2)
    assert model.add_rows((match(2), match(3), match(3), match(4))) == 2  # none twice
    assert [model.row_object(r).contact_id for r in range(4)] == ["cont_M1", "cont_M2", "cont_M3", "cont_M4"]
    assert model.is_footer(4)
    model.set_footer("")
    qtmodeltester.check(model)
    assert model.rowCount() == 4


def search(qtbot: QtBot, window: MainWindow, text: str) -> QAbstractItemView:
    results = window.findChild(QAbstractItemView, "searchResults")
    window.contact_edit.setText(text)
    qtbot.keyClick(window.contact_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: results.isVisible() and bool(results.model().footer), timeout=5000)
    return results


def shown_ids(results: QAbstractItemView) -> list[str]:
    model = results.model()
    return [model.row_object(r).contact_id for r in range(model.rowCount()) if not model.is_footer(r)]


def test_scrolling_to_the_end_brings_the_next_page(
    qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer
) -> None:
    window = make_window()
    results = search(qtbot, window, "Lindqvist")
    model = results.model()
    assert len(shown_ids(results)) == 25
    assert model.index(25, 0).data() == "Load more matches… (25+ contacts match)"
    assert "25+ contacts match" in window.statusBar().currentMessage()
    first_page = [s for s in demo_server.seen if s.method == "POST"][-1]  # (the key check runs too)
    assert "cursor" not in first_page.body
    bar = results.verticalScrollBar()
    bar.setValue(bar.maximum())  # the rep scrolls to the end of the list
    qtbot.waitUntil(lambda: len(shown_ids(results)) == LINDQVISTS and not model.footer, timeout=5000)
    ids = shown_ids(results)
    assert len(set(ids)) == LINDQVISTS
    pages = [s.body for s in demo_server.seen if s.method == "POST"]
    assert pages[-1]["cursor"] and pages[-1]["query"] == pages[-2]["query"]
    assert window.statusBar().currentMessage() == "30 contacts match."


def test_the_keyboard_reaches_load_more_and_the_new_matches(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    results = search(qtbot, window, "Lindqvist")
    assert QApplication.focusWidget() is results
    for _ in range(25):  # Down from the first match onto "Load more"
        qtbot.keyClick(results, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: len(shown_ids(results)) == LINDQVISTS, timeout=5000)
    assert results.currentIndex().row() == 25  # the first new match, where "Load more" was
    expected = results.model().row_object(25)
    with qtbot.waitSignal(window.contact_shown, timeout=5000) as shown:
        qtbot.keyClick(results, Qt.Key.Key_Return)
    assert shown.args[0].id == expected.contact_id


def test_a_failed_next_page_is_a_note_in_the_list(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    results = search(qtbot, window, "Lindqvist")
    model = results.model()
    paging = window.lookups.paging
    assert paging is not None
    window.lookups.paging = replace(paging, cursor="bm90IGEgY3Vyc29y!")  # expired: Close says 400
    qtbot.keyClick(results, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: model.footer.startswith("More matches could not be loaded"), timeout=5000)
    assert "Press Enter to try again." in model.footer
    assert len(shown_ids(results)) == 25  # the matches stay
    assert not window.error_banner.isVisible()
    window.lookups.paging = paging
    assert results.model().is_footer(results.currentIndex().row())
    qtbot.keyClick(results, Qt.Key.Key_Return)  # try again
    qtbot.waitUntil(lambda: len(shown_ids(results)) == LINDQVISTS, timeout=5000)


def test_a_new_search_cancels_a_pending_next_page(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    search(qtbot, window, "Lindqvist")
    pages: list[SearchPage] = []
    window.lookups.more_matches_ready.connect(pages.append)
    assert window.lookups.more_matches()
    window.contact_edit.setText("Fernández")
    window.fetch()
    results = window.results
    qtbot.waitUntil(lambda: len(shown_ids(results)) == 3 and not window.fetcher.busy, timeout=5000)
    qtbot.waitUntil(lambda: not window.suggester.busy, timeout=5000)
    assert pages == []
    assert not results.model().footer and window.lookups.paging is None
