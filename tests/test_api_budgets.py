"""Lists the app pages through stay within a budget, whatever the server says: a server
that ignores `_limit`, always says `has_more`, or sends an empty page with `has_more`."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from pytestqt.qtbot import QtBot

from close_viewer.core import errors as e
from close_viewer.core.api import CloseClient, users
from close_viewer.core.credentials import ApiKey
from close_viewer.core.search_model import parse_lead_contacts
from close_viewer.demo import DEMO_API_KEY, DEMO_CONTACT_ID
from tests.conftest import MakeWindow
from tests.test_window import lookup

KEY = ApiKey(DEMO_API_KEY)


class _Users(BaseHTTPRequestHandler):
    """`GET /user/` from a server that ignores `_limit` and never runs out of users."""

    protocol_version = "HTTP/1.1"
    server: _UserServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:
        skip = int(parse_qs(urlsplit(self.path).query).get("_skip", ["0"])[0])
        self.server.skips.append(skip)
        count, pad = self.server.per_page, self.server.padding  # pad: characters of a user's bio
        first = (len(self.server.skips) - 1) * count  # never the same user twice
        data = [
            {"id": f"user_{first + n:06d}", "first_name": "Rep", "last_name": f"{n}", "bio": pad * "x"}
            for n in range(count)
        ]
        body = json.dumps({"data": data, "has_more": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _UserServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, per_page: int, padding: int = 0) -> None:
        super().__init__(("127.0.0.1", 0), _Users)
        self.per_page = per_page
        self.padding = padding
        self.skips: list[int] = []


@pytest.fixture
def user_server(request: pytest.FixtureRequest) -> Iterator[_UserServer]:
    per_page, padding = request.param
    server = _UserServer(per_page, padding)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _client(server: _UserServer) -> CloseClient:
    return CloseClient(f"http://127.0.0.1:{server.server_address[1]}/api/v1")


@pytest.mark.parametrize("user_server", [(400, 0)], indirect=True)
def test_users_stop_at_the_name_budget_however_many_pages_the_server_offers(user_server: _UserServer) -> None:
    names = users.users(_client(user_server), KEY)
    assert len(names) == users.MAX_NAMES  # 400 a page, "more" every time: cut at the budget
    assert len(user_server.skips) <= users.MAX_PAGES
    assert len(user_server.skips) == -(-users.MAX_NAMES // 400)  # and no page asked past it


@pytest.mark.parametrize("user_server", [(0, 0)], indirect=True)
def test_an_empty_page_that_says_more_ends_the_list(user_server: _UserServer) -> None:
    assert users.users(_client(user_server), KEY) == {}
    assert user_server.skips == [0]


@pytest.mark.parametrize("user_server", [(100, 50_000)], indirect=True)
def test_a_page_far_larger_than_a_page_of_users_is_not_read(user_server: _UserServer) -> None:
    """100 users of 50 KB each (5 MB, under the 64 MB cap for a contact): refused at the
    page's own budget instead of being read and kept."""
    with pytest.raises(e.ResponseTooLarge):
        users.users(_client(user_server), KEY)
    assert user_server.skips == [0]


def test_a_lead_lists_only_its_own_contacts() -> None:
    body = {
        "id": "lead_mine",
        "display_name": "Acme",
        "contacts": [
            {"id": "cont_0000000000000000000000mine", "name": "Mine", "lead_id": "lead_mine"},
            {"id": "cont_000000000000000000000other", "name": "Other", "lead_id": "lead_other"},
            {"id": "cont_0000000000000000000unsaid", "name": "Unsaid"},
        ],
    }
    lead = parse_lead_contacts(body, "lead_mine")
    assert [m.name for m in lead.matches] == ["Mine", "Unsaid"]


def test_a_contact_nested_too_deeply_is_refused_in_plain_words_and_the_window_goes_on(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    """985 levels (a custom field or notes nested that deep): refused where it is read, so no
    part of the window (the card's "loading…", history, the timeline) ever walks it."""
    window = make_window()
    error = lookup(qtbot, window, "cont_deep")
    assert isinstance(error, e.BadResponse)
    assert "nested too deeply" in window.error_banner.message
    assert "loading" not in window.header.lead_label.text()
    contact = lookup(qtbot, window, DEMO_CONTACT_ID)  # and the next lookup works
    assert getattr(contact, "id", "") == DEMO_CONTACT_ID
