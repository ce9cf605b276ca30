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
    if len(value) <= limit and value.isprintable():  # the usual case, at every paint of a cell
        return value.strip()
    if len(value) > limit * 4:  # don't scan megabytes for what will be cut anyway
        value = value[: limit * 4]
    value = _LINE_BREAKS.sub(" ", value)
    return elide(_CONTROL.sub("", value).strip(), limit)


def plain_tooltip(text: object, limit: int = TOOLTIP_LIMIT) -> str:
    """A tooltip that shows `text` literally: Qt would render a tooltip that looks like
    HTML as rich text, so the text is escaped and wrapped in markup of our own. One line:
    a tooltip is server text too, and a line break in it could forge a line of ours."""
    value = one_line(text, limit)
    if not value:
        return ""
    return '<p style="white-space:pre-wrap">' + html.escape(value, quote=False) + "</p>"


BLOCK_LIMIT = 100_000  # characters of a note or an email body shown in the details pane
LINE_LIMIT = 1_000  # characters on one line of the details pane: longer lines are broken
_TO_NEWLINE = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n"})
_CONTROL_KEEP_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")


def break_long_lines(text: str, limit: int = LINE_LIMIT) -> str:
    """`text` with no line longer than `limit`: a longer line is broken at its last space
    within the limit, or at the limit when there is none (a hostile one-word body). Qt
    lays out a line as one block, and one of 200,000 characters takes seconds."""
    if len(text) <= limit:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", limit // 2, limit + 1)  # scans at most `limit` characters
            if cut <= 0:
                out.append(line[:limit])
                line = line[limit:]
            else:
                out.append(line[:cut].rstrip())
                line = line[cut + 1 :]
        out.append(line)
    return "\n".join(out)


def plain_block(text: object, limit: int = BLOCK_LIMIT, line_limit: int = LINE_LIMIT) -> str:
    """Several lines of server text for a plain-text pane: line breaks and tabs kept,
    other controls and bidi overrides removed, no line longer than `line_limit`, at most
    `limit` characters (and a last line that says how many were left out)."""
    value = text if isinstance(text, str) else ("" if text is None else str(text))
    cut = ""
    if len(value) > limit:
        cut = f"\n… ({len(value) - limit:,} more characters not shown: open it in Close to read it all)"
        value = value[:limit]
    value = value.replace("\r\n", "\n").translate(_TO_NEWLINE)
    value = _CONTROL_KEEP_LINES.sub("", value).strip()
    return break_long_lines(value, line_limit) + cut
