"""What the demo offers, in words: the sample contacts and the ids that fail on purpose.

Kept apart from the server so that `--help` and the README can list them without
starting anything. Every id here is served by close_viewer.demo.server.
"""

from __future__ import annotations

SAMPLES: tuple[tuple[str, str], ...] = (
    ("cont_4bA7x2Kq9TzRmW1vLp8NcY", "María José Fernández-Łukasiewicz: the default demo contact"),
    ("cont_9Yc2Wq7LmXk4RtPz1NbV3H", "渡辺 さくら: every call, sequence and subscription status (Japanese)"),
    ("cont_6Tm3Kq8WzXp1LcRn5VbH2Y", "محمد بن عبد الله العتيبي: right-to-left (Arabic) text"),
    ("cont_2Nq8Wx5KmLz7RtPc3VbY9J", "a sparse contact: no name, every list empty or null"),
    (
        "cont_Fz3Carlos8Fernandez2Q",
        "Carlos Fernández: custom fields of every type (date and time, people, lists)",
    ),
    ("cont_LargeDemo10kCalls", "large: 10,000 calls, 500 emails, 500 phones, 1,000 subscriptions"),
    ("cont_HostileMarkup", "a name and title made of HTML (shown as plain text)"),
    ("cont_HostileHugeName", "a 1 MB name (shown elided)"),
    ("cont_HostileBidi", "a name with line breaks and bidi overrides"),
    ("cont_BadTimezone", "a time zone that is a folder in tzdata (“America”)"),
)

ERRORS: tuple[tuple[str, str], ...] = (
    ("cont_doesNotExist42", "404: contact not found"),
    ("cont_fault400 / cont_fault402 / cont_fault403", "400 / 402 / 403 with Close's error body"),
    ("cont_fault405 / cont_fault415", "request refused (405 / 415)"),
    ("cont_fault500 / cont_fault503", "server errors"),
    ("cont_flaky502 / cont_flaky503 / cont_flaky504", "fail once or twice, then succeed"),
    ("cont_ratelimitheader / cont_ratelimitlong", "429, short (retried) / 45 s (reported)"),
    ("cont_ratelimithuge", "429 asking to wait a 401-digit number of seconds"),
    ("cont_slow", "answers after 5 seconds (try Cancel / Esc)"),
    ("cont_drip", "sends one byte at a time, never finishing in time"),
    ("cont_notjson / cont_truncated / cont_badshape", "unreadable answers"),
    ("cont_huge / cont_hugestream", "an answer over 3 MB with and without its length"),
    ("cont_drop", "the connection is dropped"),
    ("cont_redirectbad / cont_redirectloop", "redirects (never followed for API calls)"),
    ("cont_forgedid", "answers with another contact's id"),
)


def demo_help() -> str:
    """The demo's sample ids, for `--help` (and the README)."""
    width = max(len(i) for i, _ in SAMPLES + ERRORS)
    lines = ["demo mode (--demo, key not needed) serves these contact ids:"]
    lines += [f"  {cid:<{width}}  {what}" for cid, what in SAMPLES]
    lines += ["", "and these, which fail on purpose:"]
    lines += [f"  {cid:<{width}}  {what}" for cid, what in ERRORS]
    return "\n".join(lines)
