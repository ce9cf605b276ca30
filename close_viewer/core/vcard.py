"""A contact as a vCard 4.0 (RFC 6350) and as plain text for the clipboard. No Qt."""

from __future__ import annotations

from close_viewer.core.formatting import tel_uri
from close_viewer.core.model import Contact


def _escape(value: str) -> str:
    """RFC 6350 3.4: backslash, comma, semicolon and line breaks are escaped in text values."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _fold(line: str) -> str:
    """RFC 6350 3.2: lines longer than 75 octets are folded (CRLF + one space), never inside a
    UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def to_vcard(contact: Contact, company: str = "") -> str:
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"FN:{_escape(contact.shown_name)}"]
    if contact.title:
        lines.append(f"TITLE:{_escape(contact.title)}")
    if company:
        lines.append(f"ORG:{_escape(company)}")
    for email in contact.emails:
        kind = "work" if email.type in ("office", "work") else "home" if email.type == "home" else ""
        lines.append(f"EMAIL{';TYPE=' + kind if kind else ''}:{_escape(email.email)}")
    for phone in contact.phones:
        uri = tel_uri(phone.phone)
        if uri:
            kind = {"mobile": "cell", "office": "work", "home": "home", "fax": "fax"}.get(phone.type, "voice")
            lines.append(f"TEL;VALUE=uri;TYPE={kind}:{uri}")
    for url in contact.urls:
        lines.append(f"URL:{_escape(url.url)}")
    lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines)


def card_text(contact: Contact, company: str = "") -> str:
    """Name, title, company, emails, phones: what a rep pastes into a note or a chat."""
    lines = [contact.shown_name]
    lines += [text for text in (contact.title or "", company) if text]
    lines += [e.email for e in contact.emails]
    lines += [p.phone_formatted or p.phone for p in contact.phones]
    return "\n".join(lines)
