"""Every way a lookup can fail, as one exception type each.

Each error carries a `message` (what happened) and a `hint` (what to do),
both written for a sales rep. None of them ever holds the API key: they are
built from fixed text, the status code, the contact id and the server's own
error text only.
"""

from __future__ import annotations


class CloseViewerError(Exception):
    """Base of every error the app shows in its banner."""

    title = "Something went wrong"

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class InvalidContactInput(CloseViewerError, ValueError):
    """What the user pasted holds no usable contact id (checked before any request)."""

    title = "Not a contact id"


class InvalidBaseUrl(CloseViewerError, ValueError):
    """The API address is not https (or http on this computer only)."""

    title = "Bad API address"


class FetchCancelled(CloseViewerError):
    """The user cancelled, or a newer lookup replaced this one."""

    title = "Cancelled"


class CloseApiError(CloseViewerError):
    """Close answered, but not with the contact. `status` is the HTTP status."""

    def __init__(self, message: str, hint: str = "", status: int | None = None) -> None:
        super().__init__(message, hint)
        self.status = status


class BadRequest(CloseApiError):
    title = "Close rejected the request"


class AuthenticationFailed(CloseApiError):
    title = "API key not accepted"


class MissingKey(AuthenticationFailed):
    """No key was given at all (nothing was sent)."""

    title = "Paste your API key first"


class PaymentRequired(CloseApiError):
    title = "Plan does not allow this"


class PermissionDenied(CloseApiError):
    title = "No access"


class NotFound(CloseApiError):
    """Close has no such object (404): a user, an activity, a custom field schema."""

    title = "Not found"


class ContactNotFound(NotFound):
    title = "Contact not found"


class LeadNotFound(ContactNotFound):
    title = "Lead not found"


class NoMatch(CloseViewerError):
    """A search or a lead found no contact."""

    title = "No contact found"


class UnsupportedRequest(CloseApiError):
    title = "Request not supported"


class UnexpectedRedirect(CloseApiError):
    title = "Unexpected redirect"


class RateLimited(CloseApiError):
    title = "Too many requests"

    def __init__(self, message: str, hint: str, retry_after: float) -> None:
        super().__init__(message, hint, status=429)
        self.retry_after = retry_after


class ServerError(CloseApiError):
    title = "Close had a problem"


class NetworkError(CloseViewerError):
    """No usable answer arrived at all."""

    title = "Cannot reach Close"


class RequestTimedOut(NetworkError):
    title = "Close did not answer"


class ConnectionFailed(NetworkError):
    title = "Cannot reach Close"


class TlsError(NetworkError):
    title = "Insecure connection"


class BadResponse(CloseViewerError):
    """Close answered 200 but the body is not a contact we can read."""

    title = "Unreadable answer"


class ResponseTooLarge(BadResponse):
    title = "Answer too large"


class UnexpectedError(CloseViewerError):
    """Something raised that the app did not expect: reported, never left hanging."""

    title = "Something went wrong"


class ContactParseError(BadResponse):
    """The JSON has a wrong shape; `path` names the field, e.g. `recent_calls[3].duration`."""

    title = "Unexpected contact data"

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(
            f"Close sent contact data this app cannot read: {path or 'the contact'} {problem}.",
            "Try again; if it keeps happening, report it with the contact id.",
        )
        self.path = path
        self.problem = problem
