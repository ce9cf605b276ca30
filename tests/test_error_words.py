"""Each request's error names what it asked for (core/api/error_words.py), and a failed
background request says so where its data would be, never over a contact that loaded."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from close_viewer.core import errors as e
from close_viewer.core.api.error_words import Subject, error_for
from close_viewer.core.credentials import ApiKey
from close_viewer.demo import DEMO_CONTACT_ID, DemoServer
from close_viewer.demo.faults import Fault
from tests.conftest import MakeWindow
from tests.test_window import lookup

KEY = ApiKey("k")


@pytest.mark.parametrize(
    ("status", "subject", "kind", "message", "hint"),
    [
        (404, Subject("contact", "cont_x"), e.ContactNotFound, "no contact cont_x", "contact's link"),
        (404, Subject("lead", "lead_x"), e.LeadNotFound, "There is no lead lead_x", "lead's link"),
        (404, Subject("user", "user_x"), e.NotFound, "There is no user user_x", "user's link"),
        (404, Subject("activity"), e.NotFound, "Close has no activity at this address", "--base-url"),
        (400, Subject("contact", "cont_x"), e.BadRequest, "rejected the request for contact", "--fields"),
        (400, Subject("search"), e.BadRequest, "Close rejected the search", "different words"),
        (400, Subject("activity"), e.BadRequest, "Close rejected the request for activity", "report it"),
        (400, Subject("users"), e.BadRequest, "Close rejected the request for users", "report it"),
        (403, Subject("lead", "lead_x"), e.PermissionDenied, "not allowed to see lead lead_x", "admin"),
    ],
)
def test_an_error_names_what_was_asked_for(
    status: int, subject: Subject, kind: type[e.CloseApiError], message: str, hint: str
) -> None:
    error = error_for(status, {"error": "Nope."}, subject, KEY)
    assert type(error) is kind
    assert message in error.message and hint in error.hint
    if status == 400 and subject.noun != "contact":
        assert "--fields" not in error.hint  # only a contact request takes --fields


def test_a_failed_activity_page_is_a_note_in_its_tab_in_its_own_words(
    qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer
) -> None:
    demo_server.fail_activity(DEMO_CONTACT_ID, Fault(400, {"error": "Invalid filter."}, failures=1))
    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    panel = window.tabs.activity
    qtbot.waitUntil(lambda: not panel.error.isHidden(), timeout=10_000)
    assert "Close rejected the request for activity" in panel.error.message
    assert "--fields" not in panel.error.message  # the message label holds the hint too
    assert not window.error_banner.isVisible()  # the contact loaded fine: no contact-level error
    assert window.header.name_label.text() == "María José Fernández-Łukasiewicz"
