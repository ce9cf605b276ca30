"""The one transport every Close API request goes through: one kept-alive connection, reused.

It owns the connection, auth, timeouts and deadlines, the body cap, retries and rate
limits, and turns every failure into one CloseViewerError subclass with a message
for a sales rep that names what was being looked up (a `Subject`). The resource
modules beside it (contacts, search, leads) are a few lines each on top of
`Transport.get` and `Transport.post`. A request can be abandoned from another
thread through its CancelToken: that wakes retry waits and releases the caller at
once, so a cancelled or superseded lookup ends at once.

The wire is the standard library's http.client: the app talks to one host, sends
exactly the key it was given (no ~/.netrc), follows no redirect, uses a proxy from
the environment only for https to another computer, and bounds every answer by a
deadline and a size, compressed or not. That is all it needs of HTTP, and
http.client imports in a fifth of the time requests takes, which is most of what
`close-viewer CONTACT` waits for after its first paint (see README, Performance).
"""

from __future__ import annotations

import email.utils
import gc
import http.client
import json
import math
import os
import re
import select
import socket
import threading
import time
import zlib
from base64 import b64encode
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import quote, unquote, urlsplit

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
CHUNK = 256 * 1024


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

    Credentials never come from ~/.netrc, and a plain-http request (the demo server)
    never goes to a proxy, where its key would travel in the clear. `no_proxy` is honoured."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "https" or is_loopback(host):
        return {}
    from urllib.request import getproxies_environment, proxy_bypass

    if proxy_bypass(host):  # `no_proxy` names it
        return {}
    proxies = getproxies_environment()
    return {k: v for k, v in proxies.items() if k in ("https", "all")}


def _tls_context() -> Any:
    """Certificates from $REQUESTS_CA_BUNDLE or $CURL_CA_BUNDLE if set (as before, for
    company proxies), else certifi's bundle (the same on every Linux, also when frozen),
    else the system's."""
    import ssl

    cafile = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if not cafile:
        try:
            import certifi

            cafile = certifi.where()
        except ImportError:
            cafile = None
    return ssl.create_default_context(cafile=cafile)


def _is_dropped(conn: http.client.HTTPConnection) -> bool:
    """A kept-alive connection the server has closed (or sent something unasked on)."""
    sock = conn.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class _Gunzip:
    """Decompresses a gzip body chunk by chunk, never past `limit` bytes (a small body
    may inflate to gigabytes)."""

    def __init__(self, limit: int, too_large: e.CloseViewerError) -> None:
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._limit = limit
        self._size = 0
        self._too_large = too_large

    def feed(self, chunk: bytes) -> bytes:
        out = self._inflate.decompress(chunk, self._limit + 1 - self._size)
        self._size += len(out)
        if self._size > self._limit:
            raise self._too_large
        return out

    def end(self) -> bytes:
        out = self._inflate.flush()
        if self._size + len(out) > self._limit:
            raise self._too_large
        if not self._inflate.eof:
            raise zlib.error("the compressed answer ends early")
        return out


class _ConnectTimeout(OSError):
    """Connecting (name lookup, TCP, TLS, proxy tunnel) took longer than the connect timeout."""


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
    """Requests to one Close API base URL over one kept-alive connection."""

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
        parts = urlsplit(self.base_url)
        self._https = parts.scheme == "https"
        self._port = parts.port or (443 if self._https else 80)
        self.proxy = next(iter(_proxies_for(self.base_url).values()), "")
        self._idle: http.client.HTTPConnection | None = None  # kept alive between requests
        self._lock = threading.Lock()
        self._tls: Any = None  # the TLS context, made on first use

    def close(self) -> None:
        with self._lock:
            conn, self._idle = self._idle, None
        if conn is not None:
            conn.close()

    def __del__(self) -> None:  # a client dropped without close() still closes its connection
        if getattr(self, "_lock", None) is not None:
            self.close()

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
            try:
                outcome.append(self._send_blocking(method, url, headers, data, token))
            except BaseException as exc:  # handed to the caller, whatever it is
                outcome.append(exc)
            finally:
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
        """One request on the kept-alive connection (or a new one); status, headers, body."""
        with self._lock:
            conn, self._idle = self._idle, None
        reused = conn is not None and not _is_dropped(conn)
        if conn is not None and not reused:
            conn.close()
        try:
            try:
                answer = self._exchange(conn if reused else None, method, url, headers, data, token)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if not reused or token.cancelled:
                    raise
                # The server closed the kept-alive connection just as it was reused: once more, anew.
                answer = self._exchange(None, method, url, headers, data, token)
        except e.CloseViewerError:
            raise
        except Exception as exc:
            if token.cancelled:
                raise e.FetchCancelled("The lookup was cancelled.") from None
            raise self._network_error(exc) from None
        return answer

    def _exchange(
        self,
        conn: http.client.HTTPConnection | None,
        method: str,
        url: str,
        headers: dict[str, str],
        data: bytes | None,
        token: CancelToken,
    ) -> tuple[int, Mapping[str, str], bytes]:
        if conn is None:
            conn = self._connect(token)
        else:
            token._attach(conn)  # a cancel shuts its socket down, from any thread
        keep = False
        resp: http.client.HTTPResponse | None = None
        try:
            parts = urlsplit(url)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            conn.request(
                method,
                target,
                body=data,
                headers={
                    "User-Agent": USER_AGENT,
                    "Accept": "application/json",
                    "Accept-Encoding": "gzip",
                    **headers,
                },
            )
            resp = conn.getresponse()
            body = self._read_body(resp)
            keep = not resp.will_close
            return resp.status, cast("Mapping[str, str]", resp.headers), body
        finally:
            if resp is not None:
                resp.close()  # an answer given up on (too large, unreadable) holds the socket
            if keep and not token.cancelled:
                with self._lock:
                    conn, self._idle = self._idle, conn  # keep it, and close any other
            if conn is not None:
                conn.close()

    def _connect(self, token: CancelToken) -> http.client.HTTPConnection:
        """A new connection (through the proxy if there is one), connected within the
        connect timeout and then reading within the read timeout."""
        connect, read = self.timeout
        host = self.host
        conn: http.client.HTTPConnection
        if self._https:
            if self._tls is None:
                self._tls = _tls_context()
            if self.proxy:
                proxy = urlsplit(self.proxy if "://" in self.proxy else f"http://{self.proxy}")
                conn = http.client.HTTPSConnection(
                    proxy.hostname or "", proxy.port or 8080, timeout=connect, context=self._tls
                )
                tunnel_headers = {}
                if proxy.username:
                    login = f"{unquote(proxy.username)}:{unquote(proxy.password or '')}"
                    tunnel_headers["Proxy-Authorization"] = "Basic " + b64encode(login.encode()).decode()
                conn.set_tunnel(host, self._port, headers=tunnel_headers)
            else:
                conn = http.client.HTTPSConnection(host, self._port, timeout=connect, context=self._tls)
        else:
            conn = http.client.HTTPConnection(host, self._port, timeout=connect)
        token._attach(conn)  # a cancel shuts its socket down, from any thread
        try:
            conn.connect()
        except BaseException as exc:
            conn.close()  # a socket made before TLS or the proxy failed
            if isinstance(exc, TimeoutError):
                raise _ConnectTimeout() from exc
            raise
        if conn.sock is not None:
            conn.sock.settimeout(read)
            if token.cancelled:  # cancelled while connecting: the socket was not there to shut
                conn.close()
                raise e.FetchCancelled("The lookup was cancelled.")
        return conn

    def _read_body(self, resp: http.client.HTTPResponse) -> bytes:
        """The whole body, decompressed, up to the cap."""
        declared = resp.getheader("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise self._too_large()
        encoding = (resp.getheader("Content-Encoding") or "identity").strip().lower()
        if encoding not in ("identity", "gzip"):
            raise zlib.error(f"an answer in an encoding not asked for: {encoding[:20]}")
        gunzip = _Gunzip(self.max_body_bytes, self._too_large()) if encoding == "gzip" else None
        chunks: list[bytes] = []
        size = 0
        while chunk := resp.read(CHUNK):
            if gunzip is not None:
                chunk = gunzip.feed(chunk)
            size += len(chunk)
            if size > self.max_body_bytes:
                raise self._too_large()
            chunks.append(chunk)
        if gunzip is not None:
            chunks.append(gunzip.end())
        return b"".join(chunks)

    def _too_large(self) -> e.ResponseTooLarge:
        limit = self.max_body_bytes // (1024 * 1024)
        return e.ResponseTooLarge(
            f"Close sent an answer larger than {limit} MB; it was not loaded.",
            "Try again with fewer fields (--fields), or report the contact id.",
        )

    def _network_error(self, exc: Exception) -> e.CloseViewerError:
        """Words for what went wrong on the wire."""
        import ssl

        host = self.host
        if isinstance(exc, ssl.SSLError | ssl.CertificateError):
            return e.TlsError(
                f"The secure connection to {host} could not be verified.",
                "A network filter or proxy may be intercepting traffic: ask your IT team.",
            )
        if isinstance(exc, _ConnectTimeout):
            return e.RequestTimedOut(
                f"Could not connect to {host} within {self.timeout[0]:g} seconds.",
                "You may be offline or behind a slow network: check your connection and try again.",
            )
        if isinstance(exc, TimeoutError):
            return e.RequestTimedOut(
                f"{host} did not answer within {self.timeout[1]:g} seconds.",
                "Close may be slow right now: try again in a moment.",
            )
        if isinstance(exc, socket.gaierror):
            return e.ConnectionFailed(
                f"Could not find {host} on the network.",
                "You seem to be offline: check your internet connection.",
            )
        if isinstance(exc, ConnectionRefusedError):
            return e.ConnectionFailed(
                f"{host} refused the connection.",
                "Check your internet connection, proxy, or the API address.",
            )
        if isinstance(exc, OSError) and "Tunnel connection failed" in str(exc):
            return e.ConnectionFailed(
                f"The proxy would not connect to {host}.",
                "Check the proxy settings (HTTPS_PROXY), or ask your IT team.",
            )
        if isinstance(exc, http.client.RemoteDisconnected | ConnectionError):
            return e.ConnectionFailed(
                f"The connection to {host} broke off.", "Check your connection and try again."
            )
        unreadable = http.client.HTTPException | zlib.error | ValueError | UnicodeError | OverflowError
        if isinstance(exc, unreadable):
            return e.BadResponse(
                f"{host} sent an answer this app could not read.",
                "Try again; if it keeps happening, a proxy may be changing the traffic.",
            )
        if isinstance(exc, OSError):
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
