from __future__ import annotations

import pytest

from close_viewer.core.contact_ref import parse_contact_ref
from close_viewer.core.errors import InvalidContactInput

ID = "cont_4bA7x2Kq9TzRmW1vLp8NcY"


@pytest.mark.parametrize(
    "text",
    [
        ID,
        f"  {ID}\n",
        f"\t{ID}\t",
        f"https://app.close.com/lead/lead_Vx3Qm9KpT2sLw7RbNz4HcYd/contact/{ID}/",
        f"https://app.close.io/lead/lead_Vx3Qm9KpT2sLw7RbNz4HcYd/?contact_id={ID}",
        f"app.close.com/contact/{ID}",
        f"https://app.close.com/lead/lead_Vx3/#contact/{ID}",
        f"Please call {ID}, she asked about renewal.",
        f"({ID})",
        f"“{ID}”",
        f"{ID} and again {ID}",  # the same id twice is still one contact
        f"Link: <https://app.close.com/contact/{ID}/> thanks",
    ],
)
def test_accepts_one_contact_id(text: str) -> None:
    assert parse_contact_ref(text) == ID


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Paste a contact id"),
        ("   ", "Paste a contact id"),
        ("hello world", "No contact id found"),
        ("cont_", "not a valid contact id"),
        ("cont_abc/../lead", "not a valid contact id"),
        ("cont_abc%2F", "not a valid contact id"),
        ("cont_ab-c", "not a valid contact id"),
        ("cont_abc\x00", "control characters"),
        ("cont_abc\x1b[2J", "control characters"),
        ("../cont_abc", "not a valid contact id"),
        ("https://app.close.com/contact/cont_abc%2F../", "not a valid contact id"),
        ("cont_aaa cont_bbb", "2 different contact ids"),
        ("https://app.close.com/lead/lead_Vx3Qm9KpT2sLw7RbNz4HcYd/", "lead, not a contact"),
        ("lead_Vx3Qm9KpT2sLw7RbNz4HcYd", "lead, not a contact"),
        ("x" * 5000, "too long"),
    ],
)
def test_rejects_with_a_clear_message(text: str, words: str) -> None:
    with pytest.raises(InvalidContactInput) as info:
        parse_contact_ref(text)
    assert words in info.value.message
    assert info.value.hint  # always says what to do


def test_shape_hint_shows_an_example() -> None:
    with pytest.raises(InvalidContactInput) as info:
        parse_contact_ref("cont_abc/..")
    assert "cont_ followed by letters and digits" in info.value.hint
