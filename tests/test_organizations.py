"""A key belongs to one organization; its user may be in several. Recent contacts and saved
copies are filed by the organization each contact names, never by the first one `/me/` lists."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from close_viewer.core.names import Me, parse_me
from close_viewer.demo import DEMO_CONTACT_ID
from close_viewer.demo.samples import ORGANIZATION
from tests.conftest import MakeWindow
from tests.test_window import lookup

TWO = [{"id": "orga_Other", "name": "Other Co"}, {"id": "orga_Mine", "name": "Acme"}]


def test_me_names_an_organization_only_when_it_can_tell_which() -> None:
    assert parse_me({"organizations": TWO}).organization_id == ""  # several: not the first
    named = parse_me({"organization_id": "orga_Mine", "organizations": TWO})
    assert (named.organization_id, named.organization) == ("orga_Mine", "Acme")
    only = parse_me({"organizations": TWO[1:]})
    assert (only.organization_id, only.organization) == ("orga_Mine", "Acme")


def test_a_contacts_organization_is_not_overridden_by_me(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    window = make_window(history_path=tmp_path / "history.sqlite3")
    contact = lookup(qtbot, window, DEMO_CONTACT_ID)
    assert window.keeper is not None
    assert window.keeper.organization_id == getattr(contact, "organization_id", "") == ORGANIZATION["id"]
    # /me/ answering late (or again) with another of the user's organizations changes nothing.
    window._signed_in(Me("user_x", "Jane Doe", "Other Co", "orga_Other"))
    assert window.keeper.organization_id == ORGANIZATION["id"]
    window.show_recent()
    assert window.keeper.recent()  # María is still listed: the same organization's history
