"""The contact card: words, not codes; ids out of sight but reachable; first-run flow."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from close_viewer.core.formatting import relative, type_word
from close_viewer.core.names import FORMER_USER, Card, FieldSpec, custom_rows, format_value, parse_me
from close_viewer.demo import DEMO_CONTACT_ID
from tests.conftest import MakeWindow
from tests.test_window import lookup, rows


def test_types_read_as_words() -> None:
    assert [type_word(t) for t in ("office", "mobile", "linkedin", "url", "", None)] == [
        "Office",
        "Mobile",
        "LinkedIn",
        "URL",
        "",
        "",
    ]


def test_relative_times_round_the_way_people_do() -> None:
    now = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    assert relative(datetime(2024, 3, 10, tzinfo=timezone.utc), now) == "2 years ago"  # 2 years 8 months
    assert relative(datetime(2026, 9, 20, tzinfo=timezone.utc), now) == "2 months ago"  # 2 months 7 days
    assert relative(datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc), now) == "3 days ago"


def test_names_and_values_from_tolerant_answers() -> None:
    me = parse_me(
        {"first_name": "Jane", "last_name": "Doe", "organizations": [{"id": "orga_1", "name": "Acme"}]}
    )
    assert me.signed_in_text() == "Signed in as Jane Doe · Acme"
    assert parse_me("nonsense").signed_in_text() == "Signed in as you"
    users = {"user_a": "Ann"}
    assert format_value("user_a", "user", users) == "Ann"
    assert format_value("user_gone", "user", users) == FORMER_USER
    assert format_value(["x", "y"], "choices", users) == "x, y"
    assert format_value(1250, "number", users) == "1,250"
    assert format_value("2027-03-31", "date", users) == "31 Mar 2027"
    assert format_value("not a date", "date", users) == "not a date"
    schema = {"cf_1": FieldSpec("cf_1", "Seats", "number")}
    assert custom_rows({"custom.cf_1": 3, "custom.cf_2": None}, schema, users)[0].name == "Seats"
    assert len(custom_rows({"custom.cf_1": 3, "custom.cf_2": None}, schema, users)) == 1  # no empty rows
    assert Card("cont_x", users=None).user_name("user_a") == "not available"


def test_internal_ids_are_hidden_but_can_be_turned_on(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    calls = window.findChild(QTableView, "callsView")
    titles = [
        calls.model().headerData(c, Qt.Orientation.Horizontal) for c in range(calls.model().columnCount())
    ]
    hidden = [t for c, t in enumerate(titles) if calls.isColumnHidden(c)]
    assert hidden == ["Dialer", "Call id"]
    menu = calls.columns_menu()
    (call_id,) = [a for a in menu.actions() if a.text() == "Call id"]
    assert not call_id.isChecked()
    call_id.trigger()
    assert not calls.isColumnHidden(titles.index("Call id"))
    menu.deleteLater()


def test_remember_is_unchecked_when_there_is_no_keychain(qtbot: QtBot, make_window: MakeWindow) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    window = make_window(key=None, use_keychain=True)
    qtbot.waitUntil(lambda: window.notice_banner.isVisible())
    assert not window.remember.isChecked() and not window.remember.isEnabled()
    assert "NoKeyringError" not in window.notice_banner.message  # plain words, no class names
    assert "kept only until you close the app" in window.notice_banner.message


def test_enter_in_the_key_field_moves_on_or_looks_up(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    window.contact_edit.clear()
    window.key_edit.setFocus()
    qtbot.keyClick(window.key_edit, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is window.contact_edit
    window.contact_edit.setText(DEMO_CONTACT_ID)
    with qtbot.waitSignal(window.contact_shown, timeout=5000):
        qtbot.keyClick(window.key_edit, Qt.Key.Key_Return)


def test_the_demo_contact_is_not_remembered_as_the_last_contact(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    window.options = window.options._replace(session_key_source="demo mode")
    lookup(qtbot, window, DEMO_CONTACT_ID)
    assert window.settings.last_contact == ""
    window.options = window.options._replace(session_key_source="CLOSE_API_KEY")
    lookup(qtbot, window, DEMO_CONTACT_ID)
    assert window.settings.last_contact == DEMO_CONTACT_ID


def test_types_in_the_tables(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    assert [r[1] for r in rows(window, "emailsView")] == ["Office", "Home", "Other"]


# --- the summary, the card text and the vCard -------------------------------------------


def _contact(contact_id: str = DEMO_CONTACT_ID):  # type: ignore[no-untyped-def]
    from close_viewer.core.parser import parse_contact
    from close_viewer.demo.samples import load_samples

    return parse_contact(load_samples()[contact_id])


def test_summary_in_words() -> None:
    from dataclasses import replace

    from close_viewer.core.model import Email
    from close_viewer.core.summary import local_time_note, summarize

    now = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)  # Wednesday 11:00 in Madrid
    summary = summarize(_contact(), now)
    assert summary.email == "mj.fernandez@acme-iberia.es" and summary.email_note == ""
    assert summary.phone_uri == "tel:+34911234567"
    assert summary.call_note == "Their time: Wed 11:00 · a good time to call"
    assert summary.sequence.startswith("In sequence “")
    nobody = replace(_contact(), emails=(Email("a@x.es", "office", True),), subscriptions=(), recent_calls=())
    quiet = summarize(nobody, now)
    assert quiet.email_note == "Do not email: unsubscribed"
    assert quiet.sequence == "Not in any sequence" and quiet.last_call == "No recent calls"
    assert local_time_note("Europe/Madrid", datetime(2026, 11, 25, 22, 0, tzinfo=timezone.utc)).endswith(
        "outside working hours there"
    )
    assert local_time_note("America") == ""  # a folder in tzdata: no note, no crash


def test_vcard_parses_back() -> None:
    from close_viewer.core.vcard import to_vcard

    text = to_vcard(_contact(), "Acme Iberia S.L.")
    assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n") and text.endswith("END:VCARD\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    props: dict[str, list[str]] = {}
    for line in unfolded.split("\r\n"):
        if line:
            name, _, value = line.partition(":")
            props.setdefault(name.split(";")[0], []).append(value)
    assert props["FN"] == ["María José Fernández-Łukasiewicz"]
    assert props["ORG"] == ["Acme Iberia S.L."]
    assert props["TITLE"] == ["Head of Procurement"]
    assert "mj.fernandez@acme-iberia.es" in props["EMAIL"]
    assert "tel:+34911234567" in props["TEL"]


def test_vcard_escapes_text() -> None:
    from dataclasses import replace

    from close_viewer.core.vcard import to_vcard

    odd = replace(
        _contact(), display_name="Doe, Jane; \\ «CEO»\nline two", title=None, emails=(), phones=(), urls=()
    )
    assert "FN:Doe\\, Jane\\; \\\\ «CEO»\\nline two\r\n" in to_vcard(odd)


def test_copy_card_and_export_vcard(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    qtbot.waitUntil(lambda: window.header.card is not None, timeout=5000)
    window.copy_card()
    assert QApplication.clipboard().text().splitlines()[:3] == [
        "María José Fernández-Łukasiewicz",
        "Head of Procurement",
        "Acme Iberia S.L.",
    ]
    target = tmp_path / "maria.vcf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "vCard (*.vcf)"))
    window.export_vcard()
    saved = target.read_bytes().decode("utf-8")
    assert "FN:María José Fernández-Łukasiewicz" in saved and "ORG:Acme Iberia S.L." in saved


def test_summary_actions_open_mail_and_dialer(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda u: opened.append(u.toString()) or True)
    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    assert window.summary.isVisible()
    window.summary.buttons["email"].click()
    window.summary.buttons["phone"].click()
    assert opened == ["mailto:mj.fernandez@acme-iberia.es", "tel:+34911234567"]


def test_welcome_before_the_first_lookup(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    assert window.welcome.isVisible() and not window.tabs.isVisible()
    assert "--demo" in window.welcome.text() and "(0)" not in window.welcome.text()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    assert window.tabs.isVisible() and not window.welcome.isVisible()


def test_no_key_says_paste_it_first(qtbot: QtBot, make_window: MakeWindow, demo_server: object) -> None:
    window = make_window(key=None)
    result = lookup(qtbot, window, DEMO_CONTACT_ID)
    assert window.error_banner.title == "Paste your API key first"
    assert QApplication.focusWidget() is window.key_edit
    assert result is not None


def test_the_first_window_fits_the_screen(make_window: MakeWindow) -> None:
    window = make_window()
    room = window.screen().availableGeometry()
    assert window.width() <= room.width() and window.height() <= room.height()


def test_a_slow_lookup_marks_the_previous_contact_and_esc_restores_the_field(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    from PySide6.QtWidgets import QLabel

    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    window.contact_edit.setText("cont_slow")  # the demo server answers after 5 s
    qtbot.keyClick(window.contact_edit, Qt.Key.Key_Return)
    mark = window.findChild(QLabel, "staleBadge")
    qtbot.waitUntil(lambda: mark.isVisible(), timeout=3000)
    assert mark.text() == "Previous contact · loading the next…"
    with qtbot.waitSignal(window.lookups.cancelled, timeout=1000):
        qtbot.keyClick(window.contact_edit, Qt.Key.Key_Escape)
    assert not mark.isVisible()
    assert window.contact_edit.text() == DEMO_CONTACT_ID  # what is on screen again


def test_tab_reaches_the_current_table_within_three_presses(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    window.tabs.setCurrentIndex(2)
    window.contact_edit.setFocus()
    reached = []
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    assert window.findChild(QTableView, "callsView") in reached


def test_dates_are_not_cut_and_long_values_elide_in_the_middle(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    window.resize(1366, 768)
    lookup(qtbot, window, DEMO_CONTACT_ID)
    calls = window.findChild(QTableView, "callsView")
    metrics = calls.fontMetrics()
    for row in range(calls.model().rowCount()):
        text = calls.model().index(row, 0).data()
        assert metrics.horizontalAdvance(text) + 8 <= calls.columnWidth(0), text
    emails = window.findChild(QTableView, "emailsView")
    assert emails.textElideMode() == Qt.TextElideMode.ElideMiddle
    assert "mj.fernandez@acme-iberia.es" in emails.model().index(0, 0).data(Qt.ItemDataRole.ToolTipRole)


def test_copy_id_of_a_call(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    calls = window.findChild(QTableView, "callsView")
    expected = calls.model().row_object(0).id
    menu = calls.context_menu(calls.model().index(0, 0))
    (copy_id,) = [a for a in menu.actions() if a.text() == "Copy id"]
    copy_id.trigger()
    assert QApplication.clipboard().text() == expected and expected.startswith("acti_")
    menu.deleteLater()


def test_at_the_smallest_size_five_rows_show(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    lookup(qtbot, window, DEMO_CONTACT_ID)
    window.tabs.setCurrentIndex(2)
    window.resize(1, 1)  # clamped to the minimum the layout allows
    qtbot.waitUntil(lambda: window.height() < 700)
    calls = window.findChild(QTableView, "callsView")
    row = calls.verticalHeader().defaultSectionSize()
    QApplication.processEvents()
    assert calls.viewport().height() >= 5 * row


CUT_CHECKED = {"Finished", "Started", "Created", "When", "Email address", "Contact email"}


@pytest.mark.parametrize("size", [None, (1366, 768)])
@pytest.mark.parametrize("contact_id", [DEMO_CONTACT_ID, "cont_9Yc2Wq7LmXk4RtPz1NbV3H"])
def test_dates_statuses_and_addresses_are_never_cut(
    qtbot: QtBot, make_window: MakeWindow, size: tuple[int, int] | None, contact_id: str
) -> None:
    """At the first window size and at 1366x768, in every tab: each date, status pill and
    email address fits its column (the pill with its padding)."""
    window = make_window()
    if size is not None:
        window.resize(*size)
    lookup(qtbot, window, contact_id)
    qtbot.waitUntil(
        lambda: window.tabs.activity is not None and window.tabs.activity.loaded > 0, timeout=5000
    )
    checked = 0
    for view in window.tabs.findChildren(QTableView):
        model = view.model()
        metrics = view.fontMetrics()
        for column, spec in enumerate(model.COLUMNS):
            if view.isColumnHidden(column) or not (spec.badge or spec.title in CUT_CHECKED):
                continue
            padding = 28 if spec.badge else 8  # a pill's own margins, or a cell's
            for row in range(model.rowCount()):
                text = model.index(row, column).data()
                if text:
                    assert metrics.horizontalAdvance(text) + padding <= view.columnWidth(column), (
                        view.objectName(),
                        spec.title,
                        text,
                    )
                    checked += 1
    assert checked > 40  # the check did look at the tables


def test_a_name_or_title_without_spaces_never_widens_the_window(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    window.resize(1024, 640)
    before = window.minimumSizeHint().width()
    lookup(qtbot, window, "cont_HostileMarkup")  # a 300-character title with no space in it
    QApplication.processEvents()  # (layouts settle on the next event loop turn)
    assert window.minimumSizeHint().width() <= max(before, 1024)
    assert window.width() <= 1024


def test_call_outcome_is_read_from_the_documented_fields_first() -> None:
    from close_viewer.core.formatting import call_outcome

    # `status` (Close's CallStatus) decides; the undocumented `disposition` cannot contradict it.
    assert call_outcome("no-answer", 0, "outbound", "answered") == "No answer"
    assert call_outcome("no-answer", 0, "inbound") == "Missed call"  # `direction`
    assert call_outcome("busy", 0, "outbound", "vm-left") == "Busy"
    assert call_outcome("timeout", None) == "Timed out"
    # A completed call: `duration` says whether it connected; a disposition only adds detail.
    assert call_outcome("completed", 754, "outbound") == "Connected"
    assert call_outcome("completed", 0, "outbound") == "Completed"
    assert call_outcome("completed", 41, "outbound", "vm-left") == "Left a voicemail"
    assert call_outcome("completed", 41, "outbound", "no-answer") == "Connected"
    # No status at all: the hint is all there is; an unknown status is said in its own words.
    assert call_outcome(None, None, "", "vm-answer") == "Went to voicemail"
    assert call_outcome("queued-somewhere", 0) == "Queued somewhere"
