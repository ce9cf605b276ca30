"""What follows a contact on screen: history, the card, the timeline.

Each step runs on its own: one that raises (a contact too odd to save, a card that cannot
be asked for) is logged, traceback scrubbed, and the other steps go on. The contact stays
on screen, and at start-up the window is still finished (log, crash handler, hand-off
socket), since the early answer is shown from inside window building.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from close_viewer.ui.startup import after_next_paint

if TYPE_CHECKING:
    from close_viewer.core.model import Contact
    from close_viewer.ui.main_window import MainWindow


def each_step(*steps: tuple[str, Callable[[], object]]) -> None:
    """Run every step, whatever an earlier one raised."""
    from close_viewer import logs

    for doing, step in steps:
        try:
            step()
        except Exception as exc:  # any failure: the rest must still run
            logs.info("Could not finish %s: %s", doing, type(exc).__name__)  # kept until the log is up
            if logs.log_path() is not None:
                logs.error(f"Unexpected error while {doing}", exc)


def after_contact_shown(window: MainWindow, contact: Contact) -> None:
    """Save the contact to history, ask for its card and start its timeline."""
    from close_viewer.core.credentials import ApiKey

    def record() -> None:
        if window.keeper is not None:  # (demo mode keeps its own history file)
            card = window.header.card
            company = card.lead.name if card is not None and card.lead is not None else ""
            window.keeper.record(contact, company)

    def timeline() -> None:
        if window.tabs.activity is not None:
            window.tabs.activity.start(contact.id, bool(contact.lead_id))
            # Asked once the contact's table is painted, so the timeline never delays it.
            view = window.tabs.current_view()
            after_next_paint(view if view is not None else window.tabs, window._load_activity)

    each_step(
        ("saving the key", window._remember_key_after_success),
        ("saving the contact to history", record),
        (
            "asking for the contact's card",
            lambda: window.lookups.enrich(contact, ApiKey(window.key_edit.text().strip())),
        ),
        ("starting the contact's timeline", timeline),
    )
