"""The one transport every Close API request goes through: one requests.Session, reused.

It owns the session, auth, timeouts and deadlines, the body cap, retries and rate
limits, and turns every failure into one CloseViewerError subclass with a message
for a sales rep that names what was being looked up (a `Subject`). The resource
modules beside it (contacts, search, leads) are a few lines each on top of
`Transport.get` and `Transport.post`. A request can be abandoned from another
thread through its CancelToken: that wakes retry waits and releases the caller at
once, so a cancelled or superseded lookup ends at once.
"""

from __future__ import annotations

import email.utils
import gc
import json
import math
import os
import re
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from close_viewer import USER_AGENT
from close_viewer.core import errors as e
from close_viewer.core.cancel import CancelToken
from close_viewer.core.config import DEFAULT_BASE_URL, is_loopback, validate_base_url
from close_viewer.core.credentials import Credential, redact

DEFAULT_TIMEOUT = (5.0, 20.0)  # (connect, read) seconds
MAX_BODY_BYTES = 64 * 1024 * 1024
MAX_RETRIES = 3  # per lookup, for 429 and 502/503/504 together
MAX_TOTAL_WAIT = 10.0  # seconds spent waiting between retries, at most
LONGEST_WAIT = 86400.0  # a wait Close asks for is read up to a day; longer is "a day"
BACKOFF = (0.25, 0.5, 1.0)
RETRY_5XX = frozenset((502, 503, 504))


_active = threading.local()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a contact is decoded and built.

    A large contact allocates tens of thousands of objects that all stay alive; the
    collector's passes over them (and over the rest of the app's heap) meanwhile find
    nothing and, measured, doubled the parse time. Once it is built, the survivors
    are frozen (moved out of the collector's reach, gc.freeze) instead of being
    scanned again right away: the contact holds no reference cycles, so reference
    counting still frees it when the next one replaces it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if enabled:
            gc.enable()


class _TrackedMixin:
    """Lets the current fetch's CancelToken reach the socket a request runs on."""

    def request(self, *args: Any, **kwargs: Any) -> Any:
        token: CancelToken | None = getattr(_active, "token", None)
        if token is not None:
            token._attach(self)  # type: ignore[arg-type]
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _TrackedHTTPConnection(_TrackedMixin, HTTPConnection):
    pass


class _TrackedHTTPSConnection(_TrackedMixin, HTTPSConnection):
    pass


class _TrackedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _TrackedHTTPConnection


class _TrackedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection


class _TrackingAdapter(HTTPAdapter):
    _pools: ClassVar[dict[str, type[HTTPConnectionPool]]] = {
        "http": _TrackedHTTPPool,
        "https": _TrackedHTTPSPool,
    }

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools

    def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(*args, **kwargs)
        manager.pool_classes_by_scheme = self._pools
        return manager


class _NoRedirectSession(requests.Session):
    """Never follows, nor even parses, a redirect: Close does not redirect API calls, and a
    malformed Location (`http://[::1`) would otherwise raise while requests prepares the
    next request, even with allow_redirects=False."""

    def get_redirect_target(self, resp: requests.Response) -> None:
        return None


def _server_message(body: object) -> str:
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


_RATELIMIT_RESET = re.compile(r"reset\s*=\s*([0-9]*\.?[0-9]+)")


def _seconds(value: object) -> float | None:
    """A non-negative number of seconds, capped at a day; None if it is not one.

    Header and body values are the server's: a 401-digit integer overflows float(),
    "nan" and "inf" parse; none of them may reach a sleep or a message unbounded."""
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        if isinstance(value, int) and value > 0:
            return LONGEST_WAIT  # too large for a float: certainly longer than a day
        return None
    if math.isnan(seconds) or seconds < 0:
        return None
    return min(seconds, LONGEST_WAIT)


def rate_limit_wait(headers: Mapping[str, str], body: object) -> float | None:
    """How long Close asks us to wait, from any of the forms it has used; None if it does not say."""
    match = _RATELIMIT_RESET.search(headers.get("ratelimit", ""))
    if match:
        return _seconds(match.group(1))
    for name in ("Retry-After", "RateLimit-Reset"):
        value = headers.get(name)
        if value is None:
            continue
        seconds = _seconds(value.strip())
        if seconds is None:  # Retry-After may be an HTTP date
            try:
                when = email.utils.parsedate_to_datetime(value)
                seconds = _seconds(max(0.0, when.timestamp() - time.time()))
            except (TypeError, ValueError):
                seconds = None
        if seconds is not None:
            return seconds
    if isinstance(body, dict):
        for holder in (body.get("error"), body):
            if isinstance(holder, dict) and "rate_reset" in holder:
                return _seconds(holder["rate_reset"])
    return None


def _wait_words(seconds: float) -> str:
    whole = max(1, math.ceil(min(seconds, LONGEST_WAIT)))
    if whole < 90:
        return f"{whole} second{'s' if whole != 1 else ''}"
    if whole < 90 * 60:
        return f"{math.ceil(whole / 60)} minutes"
    if whole < LONGEST_WAIT:
        return f"{math.ceil(whole / 3600)} hours"
    return "a day or more"


def _proxies_for(url: str) -> dict[str, str]:
    """Proxies from the environment, for https only and never for this computer.

    The session does not read the environment itself (trust_env off): that would also
    take credentials from ~/.netrc over the key the rep typed, and send a plain-http
    request (the demo server) with the key to a proxy in the clear."""
    parts = urlsplit(url)
    if parts.scheme != "https" or is_loopback(parts.hostname or ""):
        return {}
    return {k: v for k, v in requests.utils.get_environ_proxies(url).items() if k in ("https", "all")}


def _ca_bundle() -> str | bool:
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True


@dataclass(frozen=True)
class Subject:
    """What a request looks up, for the words of its errors: ("contact", "cont_…"), ("lead", "lead_…"),
    ("search", "")."""

    noun: str
    ident: str = ""

    def __str__(self) -> str:
        return f"{self.noun} {self.ident}".strip()


@dataclass(frozen=True)
class _Request:
    """One API call, as `Transport.get` / `post` describe it."""

    method: str
    url: str
    data: bytes | None
    credential: Credential
    subject: Subject


class Transport:
    """Requests to one Close API base URL over one reused session."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_retries: int = MAX_RETRIES,
        max_total_wait: float = MAX_TOTAL_WAIT,
    ) -> None:
        self.base_url = validate_base_url(base_url)
        self.host = urlsplit(self.base_url).hostname or self.base_url
        self.timeout = timeout
        self.max_body_bytes = max_body_bytes
        self.max_retries = max_retries
        self.max_total_wait = max_total_wait
        self.session = _NoRedirectSession()
        self.session.trust_env = False  # no ~/.netrc, no proxies for http: see _proxies_for
        self.session.max_redirects = 0
        self.proxies = _proxies_for(self.base_url)
        self.verify = _ca_bundle()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        adapter = _TrackingAdapter()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    def url(self, path: str, params: Mapping[str, str] | None = None) -> str:
        """`path` (already quoted, e.g. "/contact/cont_x/") under the base URL, with a query."""
        url = f"{self.base_url}{path}"
        if params:
            url += "?" + "&".join(f"{quote(k, safe='_')}={quote(v, safe=',-')}" for k, v in params.items())
        return url

    def get(
        self,
        path: str,
        credential: Credential,
        subject: Subject,
        params: Mapping[str, str] | None = None,
        cancel: CancelToken | None = None,
    ) -> object:
        """GET `path`; the decoded JSON answer, or a CloseViewerError naming `subject`."""
        return self._request(_Request("GET", self.url(path, params), None, credential, subject), cancel)

    def post(
        self,
        path: str,
        body: object,
        credential: Credential,
        subject: Subject,
        cancel: CancelToken | None = None,
    ) -> object:
        """POST a JSON body to `path`; the decoded JSON answer, or a CloseViewerError."""
        data = json.dumps(body, ensure_ascii=False).encode()
        return self._request(_Request("POST", self.url(path), data, credential, subject), cancel)

    def _request(self, request: _Request, cancel: CancelToken | None) -> object:
        token = cancel or CancelToken()
        try:
            return self._with_retries(request, token)
        finally:
            token._detach_all()

    def _with_retries(self, request: _Request, token: CancelToken) -> object:
        method, url, data, credential, subject = (
            request.method,
            request.url,
            request.data,
            request.credential,
            request.subject,
        )
        headers = {"Authorization": credential.authorization()}
        if data is not None:
            headers["Content-Type"] = "application/json"
        waited = 0.0
        attempt = 0
        while True:
            if token.cancelled:
                raise e.FetchCancelled("The lookup was cancelled.")
            status, resp_headers, raw = self._send(method, url, headers, data, token)
            if status == 200:
                return self._decode(raw, strict=True)
            body = self._decode(raw, strict=False)
            if status == 429:
                delay = rate_limit_wait(resp_headers, body)
                step = 1.0 if delay is None else delay
            elif status in RETRY_5XX:
                delay = rate_limit_wait(resp_headers, None)
                step = BACKOFF[min(attempt, len(BACKOFF) - 1)] if delay is None else delay
            else:
                raise self._error_for(status, body, subject, credential)
            if attempt >= self.max_retries or waited + step > self.max_total_wait or step > 60:
                if status == 429:
                    raise e.RateLimited(
                        "Close is limiting how many requests this API key can make right now.",
                        f"Wait {_wait_words(step)} and try again.",
                        retry_after=step,
                    )
                raise self._error_for(status, body, subject, credential)
            attempt += 1
            waited += step
            if token.wait(step):
                raise e.FetchCancelled("The lookup was cancelled.")

    def _send(
        self, method: str, url: str, headers: dict[str, str], data: bytes | None, token: CancelToken
    ) -> tuple[int, Mapping[str, str], bytes]:
        """One GET, within a deadline (connect + read timeout) and abandonable at once.

        The request runs in a helper thread: name resolution and connecting cannot be
        interrupted from outside, and a server that sends one byte at a time never
        trips the read timeout. The caller waits for the answer, the cancel token or
        the deadline, whichever comes first; an abandoned request ends on its own
        (its socket is shut down, or its timeouts run out) and its result is dropped."""
        done = threading.Event()
        outcome: list[Any] = []

        def run() -> None:
            _active.token = token
            try:
                outcome.append(self._send_blocking(method, url, headers, data, token))
            except BaseException as exc:  # handed to the caller, whatever it is
                outcome.append(exc)
            finally:
                _active.token = None
                done.set()

        remove = token.on_cancel(done.set)
        try:
            threading.Thread(target=run, name="http-request", daemon=True).start()
            finished = done.wait(sum(self.timeout))
        finally:
            remove()
        if token.cancelled:
            raise e.FetchCancelled("The lookup was cancelled.")
        if not finished or not outcome:
            token.abandon_connections()  # let the helper thread end now
            raise e.RequestTimedOut(
                f"{self.host} did not send a complete answer within {sum(self.timeout):g} seconds.",
                "Close may be slow right now, or the network is unstable: try again in a moment.",
            )
        result = outcome[0]
        if isinstance(result, BaseException):
            if isinstance(result, e.CloseViewerError):
                raise result
            raise e.ConnectionFailed(
                f"The request to {self.host} failed unexpectedly.", "Try again."
            ) from None
        return result

    def _send_blocking(
        self, method: str, url: str, headers: dict[str, str], data: bytes | None, token: CancelToken
    ) -> tuple[int, Mapping[str, str], bytes]:
        """One request; returns status, headers and the body read up to the cap."""
        try:
            resp = self.session.request(
                method,
                url,
                data=data,
                headers=headers,
                timeout=self.timeout,
                stream=True,
                verify=self.verify,
                allow_redirects=False,
                proxies=self.proxies,
            )
            with resp:
                declared = resp.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > self.max_body_bytes:
                    raise self._too_large()
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_content(256 * 1024):
                    size += len(chunk)
                    if size > self.max_body_bytes:
                        raise self._too_large()
                    chunks.append(chunk)
                return resp.status_code, resp.headers, b"".join(chunks)
        except e.CloseViewerError:
            raise
        except requests.exceptions.RequestException as exc:
            if token.cancelled:
                raise e.FetchCancelled("The lookup was cancelled.") from None
            raise self._network_error(exc) from None
        except (ValueError, UnicodeError, OverflowError):  # e.g. urllib3's LocationParseError
            raise e.BadResponse(
                f"{self.host} sent an answer this app could not read.",
                "Try again; if it keeps happening, a proxy may be changing the traffic.",
            ) from None
        except OSError:
            if token.cancelled:
                raise e.FetchCancelled("The lookup was cancelled.") from None
            raise e.ConnectionFailed(
                f"The connection to {self.host} broke off.", "Check your connection and try again."
            ) from None

    def _too_large(self) -> e.ResponseTooLarge:
        limit = self.max_body_bytes // (1024 * 1024)
        return e.ResponseTooLarge(
            f"Close sent an answer larger than {limit} MB; it was not loaded.",
            "Try again with fewer fields (--fields), or report the contact id.",
        )

    def _network_error(self, exc: requests.exceptions.RequestException) -> e.CloseViewerError:
        host = self.host
        if isinstance(exc, requests.exceptions.SSLError):
            return e.TlsError(
                f"The secure connection to {host} could not be verified.",
                "A network filter or proxy may be intercepting traffic: ask your IT team.",
            )
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return e.RequestTimedOut(
                f"Could not connect to {host} within {self.timeout[0]:g} seconds.",
                "You may be offline or behind a slow network: check your connection and try again.",
            )
        if isinstance(exc, requests.exceptions.Timeout):
            return e.RequestTimedOut(
                f"{host} did not answer within {self.timeout[1]:g} seconds.",
                "Close may be slow right now: try again in a moment.",
            )
        if isinstance(exc, requests.exceptions.ConnectionError):
            text = str(exc)
            if "Name or service not known" in text or "NameResolution" in text or "getaddrinfo" in text:
                return e.ConnectionFailed(
                    f"Could not find {host} on the network.",
                    "You seem to be offline: check your internet connection.",
                )
            if "refused" in text.lower():
                return e.ConnectionFailed(
                    f"{host} refused the connection.",
                    "Check your internet connection, proxy, or the API address.",
                )
            return e.ConnectionFailed(
                f"The connection to {host} failed.",
                "Check your internet connection and try again.",
            )
        return e.ConnectionFailed(f"The request to {host} failed.", "Try again.")

    def _decode(self, raw: bytes, strict: bool) -> object:
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            if not strict:
                return None
            raise e.BadResponse(
                "Close sent an answer this app could not read (not valid JSON).",
                "Try again; if it keeps happening, a proxy may be changing the traffic.",
            ) from None

    def _error_for(
        self, status: int, body: object, subject: Subject, credential: Credential
    ) -> e.CloseApiError:
        said = redact(_server_message(body), credential)
        quoted = f" Close said: “{said}”" if said else ""
        if status == 400:
            return e.BadRequest(
                f"Close rejected the {'search' if subject.noun == 'search' else 'request'}.{quoted}",
                "Try different words, or fewer of them."
                if subject.noun == "search"
                else "Check the field names you asked for with --fields.",
                status=status,
            )
        if status == 401:
            return e.AuthenticationFailed(
                "Close did not accept this API key.",
                "Check that you pasted the whole key, and that it is still listed in Close "
                "under Settings → Developer → API Keys.",
                status=status,
            )
        if status == 402:
            return e.PaymentRequired(
                f"Your Close organization's plan does not allow this request.{quoted}",
                "Ask your Close admin to check the organization's billing.",
                status=status,
            )
        if status == 403:
            return e.PermissionDenied(
                f"This API key is not allowed to see {subject}.{quoted}",
                "Ask your Close admin for access, or use a key of a user who can see it.",
                status=status,
            )
        if status == 404:
            found = e.LeadNotFound if subject.noun == "lead" else e.ContactNotFound
            return found(
                f"There is no {subject}, or this API key cannot see it.",
                f"Check the id (copy the {subject.noun}'s link from Close again); "
                "it may have been deleted or merged.",
                status=status,
            )
        if 300 <= status < 400:
            return e.UnexpectedRedirect(
                f"The API address answered with a redirect (HTTP {status}), which Close never sends "
                "for API requests; it was not followed.",
                "Check the API address (--base-url). A Wi-Fi sign-in page or a proxy may be "
                "intercepting traffic: open a web page in your browser, then try again.",
                status=status,
            )
        if status in (405, 415):
            return e.UnsupportedRequest(
                f"Close refused the request this app made (HTTP {status}).",
                "This is a problem in Close Contact Viewer: please report it.",
                status=status,
            )
        if status >= 500:
            return e.ServerError(
                f"Close had a problem answering (HTTP {status}).",
                "Try again in a minute; if it persists, check Close's status page.",
                status=status,
            )
        return e.CloseApiError(
            f"Close answered with an unexpected status (HTTP {status}).{quoted}",
            "Try again; if it persists, please report it.",
            status=status,
        )
