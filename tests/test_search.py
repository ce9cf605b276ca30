"""Find a contact from an email, a phone, a name or a lead: client, parser and window,
against the demo server over real sockets."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication
from pytestqt.qtbot import QtBot

from close_viewer.core import errors as e
from close_viewer.core.api import CloseClient
from close_viewer.core.credentials import ApiKey
from close_viewer.core.model import Contact
from close_viewer.core.refs import ContactRef, EmailRef, LeadRef, NameRef, PhoneRef, e164, parse_ref
from close_viewer.core.search_model import parse_lead_contacts, parse_search_page
from close_viewer.demo import DEMO_API_KEY, DEMO_CONTACT_ID, DemoServer
from close_viewer.demo.samples import EMPTY_LEAD_ID
from tests.conftest import MakeWindow
from tests.test_window import lookup

ACME = "lead_Vx3Qm9KpT2sLw7RbNz4HcYd"  # María and two colleagues
WATANABE = "lead_Hp7Lx2Nq9WcRz4KmTb1VdYs"  # one contact
SAKURA = "cont_9Yc2Wq7LmXk4RtPz1NbV3H"


def _related(kind: str, field: str, value: str) -> dict[str, object]:
    return {
        "type": "has_related",
        "this_object_type": "contact",
        "related_object_type": kind,
        "related_query": {
            "type": "field_condition",
            "field": {"type": "regular_field", "object_type": kind, "field_name": field},
            "condition": {"type": "text", "mode": "exact_value", "value": value},
        },
    }


# --- what the rep typed -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (DEMO_CONTACT_ID, ContactRef(DEMO_CONTACT_ID)),
        (f"https://app.close.com/lead/{ACME}/contact/{DEMO_CONTACT_ID}/", ContactRef(DEMO_CONTACT_ID)),
        (ACME, LeadRef(ACME)),
        (f"https://app.close.com/lead/{ACME}/", LeadRef(ACME)),
        (f"app.close.io/lead/{ACME}/#activity", LeadRef(ACME)),
        ("  MJ.Fernandez@Acme-Iberia.es ", EmailRef("mj.fernandez@acme-iberia.es")),
        ("<mailto:jane@example.com>", EmailRef("jane@example.com")),
        ("+1 (415) 555-0132", PhoneRef("+1 (415) 555-0132", "US")),
        ("415.555.0132", PhoneRef("415.555.0132", "US")),
        ("0044 20 7946 0958", PhoneRef("0044 20 7946 0958", "US")),
        ("Fernández", NameRef("Fernández")),
        ("maria  jose", NameRef("maria jose")),
    ],
)
def test_input_becomes_a_typed_reference(text: str, expected: object) -> None:
    assert parse_ref(text, "US") == expected


@pytest.mark.parametrize(
    ("ref", "number"),
    [
        (PhoneRef("+1 (415) 555-0132", "US"), "+14155550132"),
        (PhoneRef("415.555.0132", "US"), "+14155550132"),
        (PhoneRef("0044 20 7946 0958", "US"), "+442079460958"),
        (PhoneRef("020 7946 0958", "GB"), "+442079460958"),
        (PhoneRef("123", "US"), None),
    ],
)
def test_phone_numbers_become_e164(ref: PhoneRef, number: str | None) -> None:
    assert e164(ref) == number


@pytest.mark.parametrize("text", ["", "   ", "a", "?!", "-- --", "é"])
def test_unsearchable_input_is_refused(text: str) -> None:
    with pytest.raises(e.InvalidContactInput):
        parse_ref(text)


@given(st.text(max_size=120))
def test_parse_ref_never_raises_anything_else(text: str) -> None:
    try:
        ref = parse_ref(text, "US")
    except e.InvalidContactInput:
        return
    if isinstance(ref, PhoneRef):
        number = e164(ref)
        assert number is None or number.startswith("+")


@given(st.emails())
def test_any_email_address_is_recognised(address: str) -> None:
    ref = parse_ref(address)
    assert isinstance(ref, EmailRef | NameRef)  # some valid addresses contain what we strip
    if isinstance(ref, EmailRef):  # quotes and brackets around a pasted address are not part of it
        assert ref.address == address.strip("<>()[]\"'`,;").lower()


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(st.one_of(JSONISH, st.fixed_dictionaries({"data": JSONISH, "cursor": JSONISH})))
def test_search_answers_of_any_shape_parse_or_raise_bad_response(body: object) -> None:
    try:
        page = parse_search_page(body)
    except e.BadResponse:
        return
    assert all(m.contact_id.startswith("cont_") for m in page.matches)
    with contextlib.suppress(e.BadResponse):
        parse_lead_contacts(body, "lead_x")


# --- the client against the demo server ------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "condition", "names"),
    [
        (
            "MJ.Fernandez@acme-iberia.es",
            _related("contact_email", "email", "mj.fernandez@acme-iberia.es"),
            ["María José Fernández-Łukasiewicz"],
        ),
        ("+1 (415) 555-0132", _related("contact_phone", "phone", "+14155550132"), ["Dana Reyes"]),
        ("0044 20 7946 0958", _related("contact_phone", "phone", "+442079460958"), ["Oliver Bennett"]),
        (
            "Fernández",
            {"type": "text", "mode": "beginning_of_words", "value": "Fernández"},
            ["María José Fernández-Łukasiewicz", "Carlos Fernández", "Lucía Fernández Ruiz"],
        ),
    ],
)
def test_search_sends_what_close_documents(
    demo_server: DemoServer, demo_key: ApiKey, typed: str, condition: dict[str, object], names: list[str]
) -> None:
    page = CloseClient(demo_server.base_url).search_contacts(parse_ref(typed, "US"), demo_key)
    assert sorted(m.name for m in page.matches) == sorted(names)
    seen = demo_server.seen[-1]
    assert (seen.method, seen.path) == ("POST", "/api/v1/data/search/")
    assert seen.body == {
        "query": {"type": "and", "queries": [{"type": "object_type", "object_type": "contact"}, condition]},
        "_fields": {"contact": ["id", "display_name", "title", "lead_id", "emails", "phones"]},
        "_limit": 25,
    }
    assert DEMO_API_KEY not in json.dumps(seen.body)  # the key is never part of a query
    assert seen.authorization == demo_key.authorization()


def test_search_pages_with_the_cursor(demo_server: DemoServer, demo_key: ApiKey) -> None:
    from close_viewer.core.api import search

    client = CloseClient(demo_server.base_url)
    ref = NameRef("Fernández")
    body = search.search_body(ref, limit=2)
    first = client.post("/data/search/", body, demo_key, search.Subject("search"))
    page = parse_search_page(first, ref)
    assert len(page.matches) == 2 and page.cursor
    second = parse_search_page(
        client.post(
            "/data/search/", search.search_body(ref, page.cursor, 2), demo_key, search.Subject("search")
        ),
        ref,
    )
    assert len(second.matches) == 1 and second.cursor is None
    assert demo_server.seen[-1].body["cursor"] == page.cursor


def test_a_query_close_rejects_shows_its_message(demo_server: DemoServer, demo_key: ApiKey) -> None:
    client = CloseClient(demo_server.base_url)
    with pytest.raises(e.BadRequest) as caught:
        client.post("/data/search/", {"query": {"type": "fuzzy"}}, demo_key, search_subject())
    assert "Close rejected the search" in caught.value.message
    assert "Unknown query type: 'fuzzy'." in caught.value.message


def search_subject():  # type: ignore[no-untyped-def]
    from close_viewer.core.api import Subject

    return Subject("search")


def test_lead_contacts(demo_server: DemoServer, demo_key: ApiKey) -> None:
    client = CloseClient(demo_server.base_url)
    lead = client.lead_contacts(ACME, demo_key)
    assert lead.lead_name == "Acme Iberia S.L."
    assert {m.name for m in lead.matches} >= {"María José Fernández-Łukasiewicz", "Carlos Fernández"}
    assert all(m.company == "Acme Iberia S.L." for m in lead.matches)
    assert demo_server.seen[-1].path == f"/api/v1/lead/{ACME}/"
    assert demo_server.seen[-1].query == "_fields=id,display_name,contacts"
    assert client.lead_contacts(EMPTY_LEAD_ID, demo_key).matches == ()
    with pytest.raises(e.LeadNotFound):
        client.lead_contacts("lead_doesNotExist", demo_key)


# --- the window ---------------------------------------------------------------------------


def test_one_match_opens_the_contact(qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer) -> None:
    window = make_window()
    result = lookup(qtbot, window, "mariajose.fl@gmail.com")
    assert isinstance(result, Contact) and result.id == DEMO_CONTACT_ID
    asked = [
        (s.method, s.path)
        for s in demo_server.seen
        if s.path.endswith(("/data/search/", "/contact/" + DEMO_CONTACT_ID + "/"))
    ]
    assert asked == [("POST", "/api/v1/data/search/"), ("GET", f"/api/v1/contact/{DEMO_CONTACT_ID}/")]
    assert not window.results.isVisible()


def test_several_matches_show_a_list(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    window.contact_edit.setText("Fernández")
    qtbot.keyClick(window.contact_edit, Qt.Key.Key_Return)
    results = window.findChild(QAbstractItemView, "searchResults")
    qtbot.waitUntil(lambda: results.isVisible() and results.model().rowCount() == 3, timeout=5000)
    model = results.model()
    rows = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert ["Carlos Fernández", "CFO", "", "c.fernandez@acme-iberia.es", "+34 915 55 01 99"] in rows
    assert results.isColumnHidden(2)  # no company in a search answer: no empty column
    assert results.currentIndex().row() == 0 and results.selectionModel().isRowSelected(0)
    assert QApplication.focusWidget() is results
    qtbot.keyClick(results, Qt.Key.Key_Down)
    expected = model.index(1, 0).data()
    with qtbot.waitSignal(window.contact_shown, timeout=5000) as shown:
        qtbot.keyClick(results, Qt.Key.Key_Return)
    assert shown.args[0].shown_name == expected
    assert not results.isVisible()


def test_escape_closes_the_list(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    window.contact_edit.setText("Fernández")
    qtbot.keyClick(window.contact_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.results.isVisible(), timeout=5000)
    qtbot.keyClick(window.results, Qt.Key.Key_Escape)
    assert not window.results.isVisible()
    assert QApplication.focusWidget() is window.contact_edit


def test_no_match_says_what_was_searched(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    result = lookup(qtbot, window, "nobody@nowhere.example")
    assert isinstance(result, e.NoMatch)
    assert window.error_banner.title == "No contact found"
    assert "No contact matches the email address nobody@nowhere.example." in window.error_banner.message
    assert window.contact is not None and window.contact.id == DEMO_CONTACT_ID  # what was shown stays


@pytest.mark.parametrize("typed", ["", "x", "?!"])
def test_nothing_is_sent_for_unsearchable_input(
    qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer, typed: str
) -> None:
    window = make_window()
    window.contact_edit.setText(typed)
    qtbot.keyClick(window.contact_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.error_banner.isVisible())
    assert [s.path for s in demo_server.seen if s.path != "/api/v1/me/"] == []  # only the key check


def test_a_lead_with_one_contact_opens_it(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    result = lookup(qtbot, window, f"https://app.close.com/lead/{WATANABE}/")
    assert isinstance(result, Contact) and result.id == SAKURA


def test_a_lead_with_several_contacts_lists_them(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    window.contact_edit.setText(ACME)
    qtbot.keyClick(window.contact_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.results.isVisible(), timeout=5000)
    model = window.results.model()
    assert model.rowCount() == 3
    assert {model.index(r, 2).data() for r in range(3)} == {"Acme Iberia S.L."}
    assert "3 contacts on Acme Iberia S.L." in window.statusBar().currentMessage()


def test_a_lead_with_no_contacts_says_so(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    result = lookup(qtbot, window, EMPTY_LEAD_ID)
    assert isinstance(result, e.NoMatch)
    assert "The lead “Globex (no contacts yet)” has no contacts." in window.error_banner.message


def test_type_ahead_shows_suggestions_without_taking_focus(
    qtbot: QtBot, make_window: MakeWindow, demo_server: DemoServer
) -> None:
    window = make_window()
    window.contact_edit.setFocus()
    qtbot.keyClicks(window.contact_edit, "Fern")
    qtbot.waitUntil(
        lambda: window.results.isVisible() and window.results.model().rowCount() == 3, timeout=5000
    )
    assert QApplication.focusWidget() is window.contact_edit
    searches = [s for s in demo_server.seen if s.method == "POST"]
    assert len(searches) == 1  # one search after the pause, not one per keystroke
    assert searches[0].body["query"]["queries"][1]["value"] == "Fern"
    qtbot.keyClick(window.contact_edit, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is window.results


def test_an_older_queries_suggestions_never_replace_a_newer_ones(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    window.contact_edit.setFocus()
    window.contact_edit.setText("Fern")
    # The answer for "Fern" arrives after the rep typed on: it must not be shown.
    from close_viewer.core.search_model import Match, SearchPage

    old = SearchPage((Match("cont_Old1", "Old answer"),), None, NameRef("Fern"))
    window.lookups._latest_suggestion = "Fernández"
    window.lookups._latest_ref = NameRef("Fernández")
    window.contact_edit.setText("Fernández")
    window.lookups._suggested(old)
    assert not window.results.isVisible()
    new = SearchPage((Match("cont_New1", "New answer"),), None, NameRef("Fernández"))
    window.lookups._suggested(new)  # the newest query's answer is shown
    assert window.results.isVisible() and window.results.model().index(0, 0).data() == "New answer"


def test_cancel_a_search(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    window.contact_edit.setText("Fernández")
    qtbot.keyClick(window.contact_edit, Qt.Key.Key_Return)
    with qtbot.waitSignal(window.lookups.cancelled, timeout=2000):
        qtbot.keyClick(window.contact_edit, Qt.Key.Key_Escape)
    assert window.fetch_button.text() == "Fetch"
    assert isinstance(lookup(qtbot, window, DEMO_CONTACT_ID), Contact)  # still usable


def test_numbers_without_a_country_code_use_the_region_setting(
    qtbot: QtBot, make_window: MakeWindow, settings_path: object, demo_server: DemoServer
) -> None:
    window = make_window()
    window.settings.phone_region = "gb"  # stored as typed; read back validated and upper-case
    assert window.settings.phone_region == "GB"
    window.lookups.region = window.settings.phone_region
    result = lookup(qtbot, window, "020 7946 0958")  # a London number, dialled as in the UK
    assert isinstance(result, Contact) and result.shown_name == "Oliver Bennett"
    condition = [s for s in demo_server.seen if s.method == "POST"][-1].body["query"]["queries"][1]
    assert condition["related_query"]["condition"]["value"] == "+442079460958"


def test_the_demo_server_evaluates_the_search_language() -> None:
    from close_viewer.demo.search import SearchError, evaluate, run_search, text_matches

    assert text_matches("exact_value", "Jane@X.com", "jane@x.com")
    assert text_matches("phrase", "josé fernández", "María José Fernández")
    assert not text_matches("phrase", "fernández josé", "María José Fernández")  # order counts
    assert text_matches("full_words", "fernández maría", "María José Fernández")
    assert not text_matches("full_words", "fern", "María José Fernández")
    assert text_matches("beginning_of_words", "fern ma", "María José Fernández")
    contact = {"display_name": "Dana Reyes", "emails": [{"email": "dana@x.com"}], "phones": []}
    name = {"type": "text", "mode": "full_words", "value": "dana"}
    other = {"type": "text", "mode": "full_words", "value": "oliver"}
    assert evaluate({"type": "or", "queries": [other, name]}, contact)
    assert not evaluate({"type": "and", "queries": [other, name]}, contact)
    assert evaluate({"type": "negate", "query": other}, contact)
    assert not evaluate({"type": "object_type", "object_type": "lead"}, contact)
    with pytest.raises(SearchError, match="Unknown query type"):
        evaluate({"type": "fuzzy"}, contact)
    with pytest.raises(SearchError, match="Unknown text mode"):
        text_matches("soundex", "a", "a")
    with pytest.raises(SearchError, match="Invalid cursor"):
        run_search({"query": name, "cursor": "%%%"}, [contact])
