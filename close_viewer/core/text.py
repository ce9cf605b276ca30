"""Server text made safe to show, copy, log and put in a title. No Qt; never raises.

Anything Close sends (names, titles, emails, error messages, and later notes and
email bodies) may hold markup, control characters, bidi overrides or megabytes.
The Qt layer shows it as plain text (labels with Qt.PlainText, tooltips escaped);
these helpers bound its size and remove characters that can forge lines or
reorder what a reader sees.
"""

from __future__ import annotations

import html
import re

DISPLAY_LIMIT = 300  # characters shown in a label or a table cell before eliding
TOOLTIP_LIMIT = 2000

# C0/C1 controls (tab kept out too), and the Unicode bidi embeddings, overrides and
# isolates, plus the invisible marks that can hide or reorder text.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


def text_or_blank(value: object) -> str:
    """A JSON value as text, trimmed; anything that is not a string is a blank."""
    return value.strip() if isinstance(value, str) else ""


def elide(text: object, limit: int = DISPLAY_LIMIT) -> str:
    """`text` cut in the middle to at most `limit` characters (keeps both ends recognisable)."""
    value = text if isinstance(text, str) else ("" if text is None else str(text))
    if len(value) <= limit:
        return value
    keep = max(1, limit - 1)
    head = keep - keep // 3
    return value[:head] + "…" + value[len(value) - (keep - head) :]


def one_line(text: object, limit: int = DISPLAY_LIMIT) -> str:
    """For a window title, the clipboard of one value, or a log line: no line breaks, no
    control or bidi-override characters, at most `limit` characters."""
    value = text if isinstance(text, str) else ("" if text is None else str(text))
    if len(value) > limit * 4:  # don't scan megabytes for what will be cut anyway
        value = value[: limit * 4]
    value = _LINE_BREAKS.sub(" ", value)
    return elide(_CONTROL.sub("", value).strip(), limit)


def plain_tooltip(text: object, limit: int = TOOLTIP_LIMIT) -> str:
    """A tooltip that shows `text` literally: Qt would render a tooltip that looks like
    HTML as rich text, so the text is escaped and wrapped in markup of our own."""
    value = elide(text, limit)
    if not value:
        return ""
    return '<p style="white-space:pre-wrap">' + html.escape(value, quote=False) + "</p>"


BLOCK_LIMIT = 200_000  # characters of a note or an email body shown in the details pane
_CONTROL_KEEP_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")


def plain_block(text: object, limit: int = BLOCK_LIMIT) -> str:
    """Several lines of server text for a plain-text pane: line breaks and tabs kept,
    other controls and bidi overrides removed, at most `limit` characters."""
    value = text if isinstance(text, str) else ("" if text is None else str(text))
    if len(value) > limit:
        value = value[:limit] + "\n… (cut: too long to show here)"
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_KEEP_LINES.sub("", value).strip()
