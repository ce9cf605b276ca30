"""Every match of a search is reachable: the next page with Close's cursor, in the API, the
controller and the results list; and the demo server's search answers as Close's does."""

from __future__ import annotations

import json

import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
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
