"""What the rep typed, as a typed reference: a contact, a lead, an email, a phone or a name.

`parse_ref` never raises anything but InvalidContactInput, and never sends anything:
it only decides what to look up. A phone number is recognised here by its shape and
normalised to E.164 (with `phonenumbers`) in the worker, where its import cost is paid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from close_viewer.core.contact_ref import (
    CONTACT_ID_RE,
    LEAD_ID_RE,
    MAX_INPUT,
    SHAPE_HINT,
    lead_id_in_link,
    parse_contact_ref,
)
from close_viewer.core.errors import InvalidContactInput

MIN_SEARCH = 2  # characters of letters or digits: anything shorter is not searched


@dataclass(frozen=True)
class ContactRef:
    contact_id: str


@dataclass(frozen=True)
class LeadRef:
    lead_id: str


@dataclass(frozen=True)
class EmailRef:
    address: str  # lower-cased

    def describe(self) -> str:
        return f"the email address {self.address}"


@dataclass(frozen=True)
class PhoneRef:
    text: str  # as typed; E.164 once normalised
    region: str = "US"  # ISO 3166 code for numbers without a country code

    def describe(self) -> str:
        return f"the phone number {self.text}"


@dataclass(frozen=True)
class NameRef:
    text: str

    def describe(self) -> str:
        return f"“{self.text}”"


Ref = ContactRef | LeadRef | EmailRef | PhoneRef | NameRef
SearchRef = EmailRef | PhoneRef | NameRef

_EMAIL = re.compile(r"[^\s@<>(),;:\"\[\]]+@[^\s@<>(),;:\"\[\]]+\.[^\s@<>(),;:\"\[\]]+")
_PHONE_SHAPE = re.compile(r"\+?[\d\s().\-/]{7,}")
_WORDY = re.compile(r"\w", re.UNICODE)


def is_id_or_link(text: str) -> bool:
    """Would Enter look this up directly (a contact or lead id or link), not search for it?"""
    stripped = text.strip()
    return bool(CONTACT_ID_RE.search(stripped) or LEAD_ID_RE.search(stripped))


def parse_ref(text: str, region: str = "US") -> Ref:
    """The typed reference in `text`, or InvalidContactInput saying why nothing can be looked up."""
    stripped = " ".join(text.split())
    if not stripped:
        raise InvalidContactInput("Type a name, an email address or a phone number, or paste a Close link.")
    if len(stripped) > MAX_INPUT:
        raise InvalidContactInput("That text is too long to look up.", SHAPE_HINT)
    candidate = stripped.strip("<>()[]\"'`,;").removeprefix("mailto:")
    if _EMAIL.fullmatch(candidate):  # first: an address may hold "cont_" or "lead_"
        return EmailRef(candidate.lower())
    if "cont_" in stripped:
        return ContactRef(parse_contact_ref(stripped))
    lead = lead_id_in_link(stripped)
    if lead is not None:
        return LeadRef(lead)
    if LEAD_ID_RE.fullmatch(stripped.strip("<>()[]\"'`,;.")):
        return LeadRef(stripped.strip("<>()[]\"'`,;."))
    if _PHONE_SHAPE.fullmatch(stripped) and sum(c.isdigit() for c in stripped) >= 7:
        return PhoneRef(stripped, region)
    if sum(1 for _ in _WORDY.finditer(stripped)) < MIN_SEARCH:
        raise InvalidContactInput(
            "That is too short to search for.",
            "Type at least two letters of a name, an email address or a phone number.",
        )
    return NameRef(stripped[:200])


def e164(ref: PhoneRef) -> str | None:
    """The number in E.164 (`+14155550132`), or None if it cannot be a phone number."""
    import phonenumbers

    text = ref.text.strip()
    digits = "".join(c for c in text if c.isdigit() or c == "+")
    if digits.startswith("00"):  # the international prefix most of the world dials
        text = "+" + digits[2:]
    try:
        number = phonenumbers.parse(text, ref.region or "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
