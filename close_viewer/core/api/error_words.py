"""What a failed request is called in a sales rep's words: two tables and their lookups.

`error_for` words an HTTP status from Close, naming what was asked for (a `Subject`);
`network_error` words a failure on the wire (requests' and urllib3's exceptions, and the
OS errors inside them). Nothing here sends anything."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import requests
import urllib3.exceptions as u3

from close_viewer.core import errors as e
from close_viewer.core.credentials import Credential, redact


@dataclass(frozen=True)
class Subject:
    """What a request asks for, for the words of its errors: ("contact", "cont_…"),
    ("lead", "lead_…"), ("search", ""), ("users", "")."""

    noun: str
    ident: str = ""

    def __str__(self) -> str:
        return f"{self.noun} {self.ident}".strip()


def server_message(body: object) -> str:
    """The human text in a Close error body, whichever of its shapes it has."""
    if not isinstance(body, dict):
        return ""
    parts: list[str] = []
    err = body.get("error")
    if isinstance(err, str):
        parts.append(err)
    elif isinstance(err, dict) and isinstance(err.get("message"), str):
        parts.append(err["message"])
    errs = body.get("errors")
    if isinstance(errs, list):
        parts += [x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in errs[:20]]
    field_errors = body.get("field-errors")
    if isinstance(field_errors, dict):
        for name, problem in list(field_errors.items())[:20]:
            text = problem if isinstance(problem, str) else json.dumps(problem, ensure_ascii=False)
            parts.append(f"{name}: {text}")
    message = " ".join(p.strip() for p in parts if p and p.strip())
    return message[:300] + ("…" if len(message) > 300 else "")


# --- Close's answers: status -> (error, message, hint) -----------------------------------
# Placeholders: {subject} ("contact cont_…"), {noun}, {quoted} (Close's own words, if any),
# {status}.
_NOT_FOUND = {"contact": e.ContactNotFound, "lead": e.LeadNotFound}
_REPORT = "This is a problem in Close Contact Viewer: please report it."
_BAD_REQUEST_HINTS = {
    "search": "Try different words, or fewer of them.",
    "contact": "Check the field names you asked for with --fields.",
}
_STATUS_WORDS: dict[int, tuple[type[e.CloseApiError], str, str]] = {
    401: (
        e.AuthenticationFailed,
        "Close did not accept this API key.",
        "Check that you pasted the whole key, and that it is still listed in Close "
        "under Settings → Developer → API Keys.",
    ),
    402: (
        e.PaymentRequired,
        "Your Close organization's plan does not allow this request.{quoted}",
        "Ask your Close admin to check the organization's billing.",
    ),
    403: (
        e.PermissionDenied,
        "This API key is not allowed to see {subject}.{quoted}",
        "Ask your Close admin for access, or use a key of a user who can see it.",
    ),
    405: (e.UnsupportedRequest, "Close refused the request this app made (HTTP {status}).", _REPORT),
    415: (e.UnsupportedRequest, "Close refused the request this app made (HTTP {status}).", _REPORT),
}
_REDIRECT = (
    e.UnexpectedRedirect,
    "The API address answered with a redirect (HTTP {status}), which Close never sends "
    "for API requests; it was not followed.",
    "Check the API address (--base-url). A Wi-Fi sign-in page or a proxy may be "
    "intercepting traffic: open a web page in your browser, then try again.",
)
_SERVER_ERROR = (
    e.ServerError,
    "Close had a problem answering (HTTP {status}).",
    "Try again in a minute; if it persists, check Close's status page.",
)
_OTHER = (
    e.CloseApiError,
    "Close answered with an unexpected status (HTTP {status}).{quoted}",
    "Try again; if it persists, please report it.",
)


def _status_words(status: int, subject: Subject) -> tuple[type[e.CloseApiError], str, str]:
    if status == 400:
        what = "search" if subject.noun == "search" else f"request for {subject.noun}"
        hint = _BAD_REQUEST_HINTS.get(subject.noun, _REPORT)
        return e.BadRequest, f"Close rejected the {what}.{{quoted}}", hint
    if status == 404:
        if subject.ident:
            return (
                _NOT_FOUND.get(subject.noun, e.NotFound),
                "There is no {subject}, or this API key cannot see it.",
                "Check the id (copy the {noun}'s link from Close again); it may have been deleted or merged.",
            )
        return (
            e.NotFound,
            "Close has no {noun} at this address (HTTP 404).",
            "Check the API address (--base-url).",
        )
    if status in _STATUS_WORDS:
        return _STATUS_WORDS[status]
    if 300 <= status < 400:
        return _REDIRECT
    return _SERVER_ERROR if status >= 500 else _OTHER


def error_for(status: int, body: object, subject: Subject, credential: Credential) -> e.CloseApiError:
    """The error for a status Close answered with, in a rep's words, naming `subject`."""
    said = redact(server_message(body), credential)
    fill = {
        "quoted": f" Close said: “{said}”" if said else "",
        "subject": str(subject),
        "noun": subject.noun,
        "status": str(status),
    }
    kind, message, hint = _status_words(status, subject)
    return kind(message.format_map(fill), hint.format_map(fill), status=status)


# --- the wire: (cause, message, hint), the first whose cause is in the chain wins ---------
# Placeholders: {host}, {connect} and {read} (the timeouts in seconds).
_UNREADABLE = (
    e.BadResponse,
    "{host} sent an answer this app could not read.",
    "Try again; if it keeps happening, a proxy may be changing the traffic.",
)
_NETWORK_WORDS: tuple[
    tuple[tuple[type[BaseException], ...], tuple[type[e.CloseViewerError], str, str]], ...
] = (
    (
        (ssl.SSLError, ssl.CertificateError, requests.exceptions.SSLError, u3.SSLError),
        (
            e.TlsError,
            "The secure connection to {host} could not be verified.",
            "A network filter or proxy may be intercepting traffic: ask your IT team.",
        ),
    ),
    (
        (requests.exceptions.ProxyError, u3.ProxyError),
        (
            e.ConnectionFailed,
            "The proxy would not connect to {host}.",
            "Check the proxy settings (HTTPS_PROXY), or ask your IT team.",
        ),
    ),
    (
        (socket.gaierror, u3.NameResolutionError),
        (
            e.ConnectionFailed,
            "Could not find {host} on the network.",
            "You seem to be offline: check your internet connection.",
        ),
    ),
    (
        (ConnectionRefusedError,),
        (
            e.ConnectionFailed,
            "{host} refused the connection.",
            "Check your internet connection, proxy, or the API address.",
        ),
    ),
    # After the name lookup and refusal: urllib3's NewConnectionError (any failure to
    # connect) is a ConnectTimeoutError; requests' ConnectTimeout is only a real time-out.
    (
        (requests.exceptions.ConnectTimeout,),
        (
            e.RequestTimedOut,
            "Could not connect to {host} within {connect} seconds.",
            "You may be offline or behind a slow network: check your connection and try again.",
        ),
    ),
    (
        (TimeoutError, requests.exceptions.ReadTimeout, u3.ReadTimeoutError),
        (
            e.RequestTimedOut,
            "{host} did not answer within {read} seconds.",
            "Close may be slow right now: try again in a moment.",
        ),
    ),
    (
        (
            zlib.error,
            u3.DecodeError,
            u3.IncompleteRead,
            u3.InvalidChunkLength,
            requests.exceptions.ContentDecodingError,
            requests.exceptions.ChunkedEncodingError,
            http.client.IncompleteRead,  # not BadStatusLine: RemoteDisconnected is one
            UnicodeError,
        ),
        _UNREADABLE,
    ),
    (
        (http.client.RemoteDisconnected, ConnectionError),
        (
            e.ConnectionFailed,
            "The connection to {host} broke off.",
            "Check your connection and try again.",
        ),
    ),
    # A header line of megabytes, thousands of headers, no status line: an answer, unreadable.
    ((http.client.HTTPException, ValueError, OverflowError), _UNREADABLE),
    (
        (u3.ProtocolError,),
        (
            e.ConnectionFailed,
            "The connection to {host} broke off.",
            "Check your connection and try again.",
        ),
    ),
    (
        (OSError,),
        (
            e.ConnectionFailed,
            "The connection to {host} failed.",
            "Check your internet connection and try again.",
        ),
    ),
)


def causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and what it wraps: requests wraps urllib3, which wraps the OS's error
    (`reason`, `args`, `__cause__`, `__context__`), outermost first, each once."""
    seen: set[int] = set()
    todo = [exc]
    while todo and len(seen) < 50:
        item = todo.pop(0)
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        inner = [getattr(item, "reason", None), *item.args, item.__cause__, item.__context__]
        todo += [x for x in inner if isinstance(x, BaseException)]


def network_error(exc: BaseException, host: str, timeout: tuple[float, float]) -> e.CloseViewerError:
    """Words for what went wrong on the wire. The most specific cause in the chain wins."""
    fill = {"host": host, "connect": f"{timeout[0]:g}", "read": f"{timeout[1]:g}"}
    chain = list(causes(exc))
    for kinds, (error, message, hint) in _NETWORK_WORDS:
        if any(isinstance(cause, kinds) for cause in chain):
            return error(message.format_map(fill), hint.format_map(fill))
    return e.ConnectionFailed(f"The request to {host} failed.", "Try again.")


def is_dropped_connection(exc: BaseException) -> bool:
    """The server closed a connection before answering (a kept-alive one, as it was reused)."""
    chain = list(causes(exc))
    broke = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
    return any(isinstance(c, broke) for c in chain) and not any(
        isinstance(c, u3.NewConnectionError | requests.exceptions.ProxyError) for c in chain
    )
