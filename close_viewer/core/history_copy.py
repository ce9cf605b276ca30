"""A contact's saved copy as the history stores it, and back. No Qt; never raises.

Close's answer is stored as JSON text. Before that, a body nested deeper than MAX_DEPTH
(json.dumps would hit Python's recursion limit in the GUI thread) or one that is not JSON
at all is refused: the contact is simply not saved, and the reason (never the content)
is given for the log. Every form of the API key is removed from every string (a server
may echo the key inside contact data), so the file never holds it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from close_viewer.core.depth import MAX_DEPTH, too_deep

HIDDEN = "•••"


def _forms(secrets: Iterable[str]) -> list[str]:
    """The secrets longest first, also as JSON writes them inside a string."""
    forms = set()
    for secret in secrets:
        if secret:
            forms.add(secret)
            forms.add(json.dumps(secret, ensure_ascii=False)[1:-1])
    return sorted(forms, key=len, reverse=True)


def without_secrets(text: str, secrets: Iterable[str]) -> str:
    for form in _forms(secrets):
        text = text.replace(form, HIDDEN)
    return text


def _scrubbed(value: Any, forms: list[str]) -> Any:
    """`value` with every secret form removed from its strings (keys too). Recursive: only
    called on a value checked to be at most MAX_DEPTH deep."""
    if isinstance(value, str):
        for form in forms:
            value = value.replace(form, HIDDEN)
        return value
    if isinstance(value, dict):
        return {_scrubbed(k, forms): _scrubbed(v, forms) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(v, forms) for v in value]
    return value


def copy_text(body: dict[str, Any], secrets: Iterable[str]) -> tuple[str | None, str]:
    """(The body as JSON text, "") or (None, why it cannot be saved)."""
    if too_deep(body):
        return None, f"it nests deeper than {MAX_DEPTH} levels"
    forms = _forms(secrets)
    try:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        if any(form in text for form in forms):  # (rare: a walk only when the key is there)
            text = json.dumps(_scrubbed(body, forms), ensure_ascii=False, separators=(",", ":"))
    except (RecursionError, ValueError, TypeError) as exc:
        return None, f"it cannot be written as JSON ({type(exc).__name__})"
    if any(form in text for form in forms):
        return None, "it still holds the API key"
    return text, ""


def read_copy(text: str) -> dict[str, Any] | None:
    """The saved body, or None if it cannot be read back or is too deep to show safely."""
    try:
        body = json.loads(text)
    except (RecursionError, ValueError, TypeError):
        return None
    if not isinstance(body, dict) or too_deep(body):
        return None
    return body
