"""`GET /activity/`: a contact's timeline, a page at a time, newest first.

Close allows `contact_id` and `_order_by=-activity_at` only together with `lead_id`,
so a contact without a lead has no timeline to ask for. Custom activities are named
by their type: the names come from `GET /custom_activity/`, asked once per key and
only when a page has a custom activity whose type is not known yet.
"""

from __future__ import annotations

from collections.abc import MutableMapping

from close_viewer.core import errors as e
from close_viewer.core.activity import (
    PAGE_SIZE,
    ActivityPage,
    custom_type_ids,
    parse_activity_page,
    parse_custom_types,
)
from close_viewer.core.api.transport import Subject, Transport
from close_viewer.core.cancel import CancelToken
from close_viewer.core.credentials import Credential
from close_viewer.core.paging import ActivityCursor


def activity_params(
    lead_id: str, contact_id: str, cursor: ActivityCursor | None = None, limit: int = PAGE_SIZE
) -> dict[str, str]:
    """The page after `cursor` (the first page without one), newest first."""
    return {
        "lead_id": lead_id,
        "contact_id": contact_id,
        "_order_by": "-activity_at",
        "_limit": str(limit),
        **(cursor.params() if cursor else {}),
    }


def activity_page(
    transport: Transport,
    lead_id: str,
    contact_id: str,
    credential: Credential,
    cursor: ActivityCursor | None = None,
    custom_types: MutableMapping[str, str] | None = None,
    cancel: CancelToken | None = None,
) -> ActivityPage:
    """The page after `cursor` (see core/paging.py); `custom_types` (id -> name, cached by
    the caller) is filled in when the page names a custom activity type it does not know."""
    params = activity_params(lead_id, contact_id, cursor)
    body = transport.get("/activity/", credential, Subject("activity"), params, cancel)
    names = custom_types if custom_types is not None else {}
    unknown = custom_type_ids(body) - set(names)
    if unknown:
        try:
            answer = transport.get(
                "/custom_activity/", credential, Subject("custom activity types"), None, cancel
            )
            names.update(parse_custom_types(answer))
        except e.FetchCancelled:
            raise
        except e.CloseViewerError:  # the activities still show, as "Custom activity"
            pass
        for missing in unknown - set(names):
            names[missing] = ""  # asked once: not asked again on every page
    return parse_activity_page(body, cursor, {k: v for k, v in names.items() if v})
