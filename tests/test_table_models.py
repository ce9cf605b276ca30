from __future__ import annotations

from datetime import datetime, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from close_viewer.core.model import CALL_STATUSES
from close_viewer.core.parser import parse_contact
from close_viewer.demo.samples import LARGE_CONTACT_ID, load_samples
from close_viewer.ui.badges import COLOURS, badge_colours, badge_text, badge_tone
from close_viewer.ui.table_models import (
    CallsModel,
    EmailsModel,
    LinkRow,
    LinksModel,
    PhonesModel,
    Role,
    SubscriptionsModel,
)

MARIA = "cont_4bA7x2Kq9TzRmW1vLp8NcY"
STATUSES = "cont_9Yc2Wq7LmXk4RtPz1NbV3H"


def contact(contact_id: str = MARIA):
    return parse_contact(load_samples()[contact_id])


from close_viewer.core.names import CustomFieldRow  # noqa: E402
from close_viewer.core.search_model import Match  # noqa: E402
from close_viewer.ui.search_results import SearchResultsModel  # noqa: E402
from close_viewer.ui.table_models import CustomFieldsModel  # noqa: E402


def test_models_pass_qt_model_tester(qtmodeltester: ModelTester) -> None:
    c = contact()
    for model, rows in (
        (EmailsModel(), c.emails),
        (PhonesModel(), c.phones),
        (CallsModel(), c.recent_calls),
        (SubscriptionsModel(), c.subscriptions),
        (LinksModel(), [LinkRow.from_url(u) for u in c.urls]),
        (SearchResultsModel(), [Match("cont_a", "Ann", "CFO", "lead_x", "Acme", "a@x.es", "+1 415")]),
        (
            CustomFieldsModel(),
            [CustomFieldRow("Seats", "1,250", "cf_1"), CustomFieldRow("Tier", "Gold", "cf_2")],
        ),
    ):
        model.set_rows(rows)
        qtmodeltester.check(model, force_py=True)
        model.sort(0, Qt.SortOrder.DescendingOrder)
        qtmodeltester.check(model, force_py=True)


def test_one_row_per_item_and_badges() -> None:
    c = contact()
    emails = EmailsModel()
    emails.set_rows(c.emails)
    assert emails.rowCount() == 3
    assert emails.index(1, 0).data() == "mariajose.fl@gmail.com"
    assert emails.index(1, 2).data(Role.BADGE) == ("email", "unsubscribed")
    assert emails.index(1, 2).data() == "Unsubscribed"
    assert emails.index(0, 2).data(Role.BADGE) is None

    phones = PhonesModel()
    phones.set_rows(c.phones)
    assert phones.index(1, 3).data() == "SMS blocked"
    assert phones.index(2, 0).data() == "+14155550123"  # raw number when no formatted one
    assert phones.index(1, 4).data() == "Europe/Madrid, Atlantic/Canary"

    calls = CallsModel()
    calls.sorted_by = None  # Close's order, to compare with the sample file
    calls.set_rows(c.recent_calls)
    assert calls.index(3, 1).data() == "1:02:05"
    assert calls.index(1, 2).data() == "No answer"
    assert calls.index(1, 2).data(Role.BADGE) == ("call", "no-answer")


def test_unknown_status_keeps_raw_text_and_neutral_tone() -> None:
    calls = CallsModel()
    calls.sorted_by = None
    calls.set_rows(contact(STATUSES).recent_calls)
    values = [calls.index(r, 2).data(Role.BADGE)[1] for r in range(calls.rowCount())]
    assert set(CALL_STATUSES) <= set(values)
    unknown = values.index("voicemail-dropped")
    assert calls.index(unknown, 2).data() == "voicemail-dropped"
    assert badge_tone("call", "voicemail-dropped") == "neutral"
    subs = SubscriptionsModel()
    subs.set_rows(contact(STATUSES).subscriptions)
    shown = {subs.index(r, 2).data() for r in range(subs.rowCount())}
    assert {"Active", "Paused", "Finished", "Goal met", "Error", "snoozed"} == shown


def test_every_badge_has_text_and_readable_colours() -> None:
    for tones in COLOURS.values():
        for background, text in tones.values():
            assert _contrast(background, text) >= 4.5
    light, dark = QPalette(), QPalette()
    light.setColor(QPalette.ColorRole.Window, "#f0f0f0")
    dark.setColor(QPalette.ColorRole.Window, "#202020")
    assert badge_colours("call", "failed", light) != badge_colours("call", "failed", dark)
    assert badge_text("call", "cancel") == "Cancelled"
    assert badge_text("subscription", "brand-new") == "brand-new"


def _contrast(a: str, b: str) -> float:
    def lum(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_sort_by_real_values_missing_last() -> None:
    calls = CallsModel()
    calls.set_rows(contact().recent_calls)
    calls.sort(1, Qt.SortOrder.DescendingOrder)
    durations = [calls.row_object(r).duration for r in range(calls.rowCount())]
    assert durations == sorted(durations, reverse=True)
    calls.sort(0, Qt.SortOrder.AscendingOrder)
    times = [calls.row_object(r).finish_timestamp for r in range(calls.rowCount())]
    assert times == sorted(times)
    calls.sort(-1)
    assert calls.row_object(0).id == contact().recent_calls[0].id  # back to Close's order

    subs = SubscriptionsModel()
    subs.set_rows(contact().subscriptions)
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        subs.sort(4, order)  # "Started": one subscription has none
        assert subs.row_object(subs.rowCount() - 1).start_date is None


def test_calls_come_newest_first_and_a_chosen_sort_is_kept() -> None:
    calls = CallsModel()
    calls.set_rows(contact().recent_calls)
    times = [calls.row_object(r).finish_timestamp for r in range(calls.rowCount())]
    present = [t for t in times if t is not None]
    assert present == sorted(present, reverse=True) and times[: len(present)] == present
    calls.sort(1, Qt.SortOrder.AscendingOrder)  # the rep sorts by duration
    calls.set_rows(contact(STATUSES).recent_calls)  # the next contact
    durations = [calls.row_object(r).duration for r in range(calls.rowCount())]
    known = [d for d in durations if d is not None]
    assert known == sorted(known)


def test_large_contact_is_one_reset(qtbot: QtBot) -> None:
    big = contact(LARGE_CONTACT_ID)
    model = CallsModel()
    inserted: list[object] = []
    model.rowsInserted.connect(lambda *a: inserted.append(a))
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.set_rows(big.recent_calls)
    assert model.rowCount() == 10_000
    assert inserted == []


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0:00:00"), (59, "0:00:59"), (754, "0:12:34"), (3725, "1:02:05"), (None, "")]
)
def test_duration_text(seconds: int | None, text: str) -> None:
    from close_viewer.core.formatting import duration

    assert duration(seconds) == text


def test_relative_time() -> None:
    from close_viewer.core.formatting import relative

    now = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    assert relative(datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc), now) == "3 days ago"
    assert relative(datetime(2026, 11, 27, 11, 59, 50, tzinfo=timezone.utc), now) == "just now"
    assert relative(datetime(2023, 11, 27, tzinfo=timezone.utc), now) == "3 years ago"
    assert relative(datetime(2026, 11, 27, 14, 0, tzinfo=timezone.utc), now) == "in 2 hours"
