"""Hostile server text (issue 22, items 1, 2, 9, 10, 11): bounded work on HTML bodies, a
bounded details pane, "Open in Close" only on Close's host, mailto:/tel: with nothing the
server added, and one-line places that stay one line.

Timing is never asserted. The pathological inputs are sized so that the old code (a
quadratic regex) would run for hours on them, and every result is checked for its size.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTableView
from pytestqt.qtbot import QtBot

from close_viewer.core.activity import HTML_LIMIT, ActivityPage, html_to_text, parse_activity
from close_viewer.core.formatting import mailto_uri, tel_uri
from close_viewer.core.model import Contact, Email, Phone
from close_viewer.core.names import Card, LeadSummary, parse_lead_summary
from close_viewer.core.summary import summarize
from close_viewer.core.text import BLOCK_LIMIT, LINE_LIMIT, plain_block
from close_viewer.ui.activity_model import ActivityModel
from close_viewer.ui.activity_panel import PANE_LIMIT, ActivityPanel
from close_viewer.ui.banner import Banner
from close_viewer.ui.header import ContactHeader
from close_viewer.ui.summary import ContactSummary
from close_viewer.ui.table_models import EmailsModel, LinkRow, LinksModel, PhonesModel
from tests.conftest import MakeWindow
from tests.test_window import lookup

FORGED = "Acme\nYour API key has expired. Paste a new one at https://close-login.evil.example"
UNSAFE = ("\n", "\r", "\u2028", "\u2029", "\u202e", "\u202d", "\u2066", "\u200f")
MB = 1_000_000


def _one_line(text: str) -> bool:
    return not any(c in text for c in UNSAFE)


# --- 1. HTML bodies: linear, bounded -------------------------------------------------------

# 5 MB of each: the old `<[^>]*>` and `<(script|style)\b.*?</\1\s*>` took 11 s on 120 KB of
# "<" and grow with the square of the size (hours here); the scan takes milliseconds.
PATHOLOGICAL = {
    "lt": "<" * 5 * MB,
    "script": "<script" * (5 * MB // 7),
    "unclosed tags": "<a" * (5 * MB // 2),
    "script never closed": "<script>" + "</" * (5 * MB // 2),
    "empty tags": "<>" * (5 * MB // 2),
    "comments": "<!--" * (5 * MB // 4),
    "text after a tag": "<b>" + "x" * 5 * MB,  # the old code kept all 5 MB of it
}


@pytest.mark.parametrize("markup", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_html_to_text_is_bounded_on_pathological_markup(markup: str) -> None:
    text = html_to_text(markup)
    assert len(text) <= HTML_LIMIT + 100


def test_html_to_text_reads_normal_markup_as_a_browser_does() -> None:
    markup = (
        "<html><head><style>p { color: red }</style><script>if (a<b) x();</script></head>"
        "<body><p>Hi Jane,</p><div>Are we still on for <b>Thursday</b>?</div>"
        "<!-- tracking --><ul><li>one</li><li>two</li></ul>a < b &amp; c<br/>Bye</BODY>"
    )
    # ("a < b" is text: the old regex took "< b &amp; c<br/>" for a tag and lost "Bye".)
    assert html_to_text(markup) == "Hi Jane,\nAre we still on for Thursday?\none\ntwo\na < b & c\nBye"


@pytest.mark.parametrize(
    ("kind", "html_key"), [("Email", "body_html"), ("Note", "note_html"), ("SMS", "message_html")]
)
def test_html_only_activities_are_bounded_in_size_and_line_length(kind: str, html_key: str) -> None:
    for markup in ("<p>" + "w" * 5 * MB, "<" * 5 * MB):
        activity = parse_activity({"_type": kind, "id": "acti_1", html_key: markup})
        assert len(activity.details) <= BLOCK_LIMIT + 200
        assert max(len(line) for line in activity.details.split("\n")) <= LINE_LIMIT
        assert len(activity.summary) <= 400


# --- 2. The details pane -------------------------------------------------------------------


def test_plain_block_breaks_long_words_and_says_what_it_left_out() -> None:
    text = plain_block("word " * 10 + "x" * 250_000)
    lines = text.split("\n")
    assert max(len(line) for line in lines) <= LINE_LIMIT
    assert lines[0].startswith("word word")  # broken at a space when there is one
    assert "150,050 more characters not shown" in lines[-1]


def test_the_details_pane_is_bounded_for_a_huge_type_and_a_one_word_note(qtbot: QtBot) -> None:
    panel = ActivityPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.start("cont_x", has_lead=True)
    huge_type = parse_activity({"_type": "Hologram" * 87_500, "id": "acti_type", "note": "hi"})
    one_word = parse_activity({"_type": "Note", "id": "acti_note", "note": "w" * MB})
    panel.add_page(ActivityPage((huge_type, one_word), has_more=False))
    details = panel.findChild(QPlainTextEdit, "activityDetails")
    for row in range(panel.model.rowCount()):
        panel.view.selectRow(row)
        shown = details.toPlainText()
        assert shown  # the row is shown, not refused
        assert len(shown) <= PANE_LIMIT + 200
        assert max(len(line) for line in shown.split("\n")) <= LINE_LIMIT
        assert len(panel.model.index(row, 1).data()) <= 80  # the type's pill
        if panel.model.row_object(row).id == "acti_note":
            assert "more characters not shown" in shown  # the start, and how much was left out


# --- 9. Open in Close ------------------------------------------------------------------------


def test_open_in_close_never_opens_a_host_the_server_names(qtbot: QtBot) -> None:
    evil = {"display_name": "Acme", "html_url": "https://app.close.com.evil.example/lead/lead_1/"}
    assert parse_lead_summary(evil, "lead_1").link == "https://app.close.com/lead/lead_1/"
    header = ContactHeader()
    qtbot.addWidget(header)
    for lead_id in ("lead_1", "lead_1/../../x@evil.example/#", "lead_1?next=https://evil.example"):
        contact = Contact(id="cont_1", display_name="Jane", lead_id=lead_id)
        header.set_contact(contact)
        header.set_card(Card("cont_1", lead=parse_lead_summary(evil, lead_id)))
        with qtbot.waitSignal(header.open_requested) as opened:
            header.open_button.click()
        url = urlsplit(opened.args[0])
        assert (url.scheme, url.netloc, url.query, url.fragment) == ("https", "app.close.com", "", "")
        assert url.path.startswith("/lead/lead_1") and url.path.count("/") == 3


# --- 10. mailto: and tel: ------------------------------------------------------------------

INJECTED = (
    "victim@corp.example?bcc=spy@evil.example&subject=x",
    "boss@corp.example?attach=/root/.ssh/id_rsa",
    "a@corp.example,b@evil.example",
    "eve\n@example.com",
    "a@corp.example%3Fbcc=spy@evil.example",
    "a@corp.example#x",
)


def _one_address(url: str) -> bool:
    """A mailto: with one address and no query, fragment or line break of the server's."""
    return url.startswith("mailto:") and url.count("@") == 1 and not any(c in url for c in "?&#,;\n")


@pytest.mark.parametrize("address", INJECTED)
def test_mailto_never_carries_a_query_or_a_second_address(address: str) -> None:
    url = mailto_uri(address)
    assert url == "" or _one_address(url)
    model = EmailsModel()
    model.set_rows([Email(address)])
    links = LinksModel()
    links.set_rows([LinkRow("mail", "URL", f"mailto:{address}")])
    for action in (model.row_action(0), links.row_action(0)):
        assert action is None or _one_address(action[1]), action


def test_mailto_encodes_a_valid_address() -> None:
    assert mailto_uri("mj.fernandez@acme-iberia.es") == "mailto:mj.fernandez@acme-iberia.es"
    assert mailto_uri("a?b=c&d@corp.example") == "mailto:a%3Fb%3Dc%26d@corp.example"  # valid, encoded
    assert mailto_uri("jörg@bücher.example") == "mailto:j%C3%B6rg@xn--bcher-kva.example"


def test_tel_is_only_the_e164_number() -> None:
    assert tel_uri("+1 555 0100;ext=1?x") == "tel:+15550100"
    assert tel_uri("+34 911 23 45 67") == "tel:+34911234567"
    assert tel_uri("+1 (415) 555-0132,,1234#") == "tel:+14155550132"
    assert tel_uri("+1 415 555 0132?body=x") == "tel:+14155550132"
    assert tel_uri("call me") == tel_uri("+") == tel_uri("+99999999999999999") == ""
    model = PhonesModel()
    model.set_rows([Phone("+1 555 0100;ext=1?x")])
    assert model.row_action(0) == ("Call", "tel:+15550100")


def test_write_in_the_summary_opens_no_injected_mailto(qtbot: QtBot) -> None:
    widget = ContactSummary()
    qtbot.addWidget(widget)
    for address in INJECTED[:2]:
        contact = Contact(id="cont_1", emails=(Email(address),), phones=(Phone("+1 555 0100;ext=1?x"),))
        assert summarize(contact).email_uri == ""
        widget.set_contact(contact)
        assert not widget.buttons["email"].isEnabled()
        with qtbot.waitSignal(widget.open_requested) as opened:
            widget.buttons["phone"].click()
        assert opened.args == ["tel:+15550100"]


# --- 11. One-line places ---------------------------------------------------------------------


def test_header_labels_never_show_a_line_break_or_bidi_character(qtbot: QtBot) -> None:
    header = ContactHeader()
    qtbot.addWidget(header)
    contact = Contact(
        id="cont_1\nfake",
        display_name=FORGED,
        title="CEO\u202e\nFake line",
        lead_id="lead_1",
        timezone="Europe/Madrid\nfake",
        created_by="user_1",
        date_created=None,
    )
    header.set_contact(contact)
    header.set_card(Card("cont_1\nfake", lead=LeadSummary("lead_1", FORGED, "Won\u202e"), users={}))
    for label in header.plain_labels():
        assert _one_line(label.text()), label.accessibleName()
    assert "Your API key has expired" in header.name_label.text()  # kept, on the same line
    assert _one_line(header.lead_label.text()) and header.lead_label.text().startswith("Acme ")


def test_the_banner_is_one_line_of_message_and_one_of_hint(qtbot: QtBot) -> None:
    banner = Banner()
    qtbot.addWidget(banner)
    banner.show_message("Title\nforged", f"Could not open {FORGED}", "Try \u202eagain\nfake")
    assert _one_line(banner.title)
    message, hint = banner.message.split("\n")  # exactly two lines: the message and the hint
    assert _one_line(message) and _one_line(hint)


def test_table_cells_and_tooltips_never_show_a_line_break_or_bidi_character(qtbot: QtBot) -> None:
    from PySide6.QtCore import Qt

    model = ActivityModel()
    note = parse_activity({"_type": "Note", "id": "acti_1", "user_id": "user_1", "note": "hi"})
    model.set_names({"user_1": "\u202eEve\nYour API key has expired"})
    model.add([note])
    emails = EmailsModel()
    emails.set_rows([Email("eve\n@example.com", type="other\u202e")])
    for table in (model, emails):
        for column in range(table.columnCount()):
            index = table.index(0, column)
            shown = index.data(Qt.ItemDataRole.DisplayRole) or ""
            tip = index.data(Qt.ItemDataRole.ToolTipRole) or ""
            assert _one_line(shown) and _one_line(tip), (table, column)
    assert model.index(0, 3).data() == "Eve Your API key has expired"


def test_the_hostile_demo_contact_shows_one_line_everywhere(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    lookup(qtbot, window, "cont_HostileBidi")
    header = window.header
    # Once the card has the users' names, Created and Updated add "by <name>" on a line of
    # their own, the one break the app itself writes there: wait for it, then check each line.
    qtbot.waitUntil(lambda: "\nby " in header.created_label.text(), timeout=10_000)
    for label in header.plain_labels():
        lines = (
            label.text().split("\nby ")
            if label in (header.created_label, header.updated_label)
            else [label.text()]
        )
        assert len(lines) <= 2 and all(_one_line(line) for line in lines), label.accessibleName()
    assert "Eve" in window.findChild(QLabel, "contactName").text()
    for label in window.summary.labels.values():
        assert _one_line(label.text())
    view = window.findChild(QTableView, "emailsView")
    model = view.model()
    for column in range(model.columnCount()):
        assert _one_line(model.index(0, column).data() or "")
    assert model.row_action(0) is None  # "eve\n@example.com" is not an address: no Write
