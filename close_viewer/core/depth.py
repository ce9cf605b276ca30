"""One nesting limit for everything the app parses from Close or serializes again.

`json.loads` accepts about 990 levels; `json.dumps`, `copy.deepcopy` and any recursive
walk of such a value then hit Python's recursion limit, far from where it was read. Close's
objects are a few levels deep (a contact's emails, a custom field's list of values), so an
answer deeper than MAX_DEPTH is refused where it is read, as an unreadable answer.
No Qt; never raises.
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_DEPTH = 64


def too_deep(value: object, limit: int = MAX_DEPTH) -> bool:
    """True if `value` (decoded JSON: dicts, lists and scalars) nests deeper than `limit`.

    Iterative, so it never recurses itself; it visits each container once."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        children: Iterable[object]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if level > limit:
            return True
        for child in children:
            if isinstance(child, dict | list | tuple):
                stack.append((child, level + 1))
    return False
