"""The wire: one requests `Session` per client, kept alive, with the app's policy as settings.

requests and urllib3 do the HTTP: the connection pool and keep-alive, TLS and the
certificate bundle, chunked and gzip/deflate decoding, the proxy's CONNECT tunnel (http://
and https:// proxies). What is the app's own is written here as configuration and small
wrappers:

- exactly the key the rep gave: `trust_env=False` (no ~/.netrc, no environment), no cookies
  kept, the Authorization header set by the transport;
- a proxy from the environment only for https to another computer, `NO_PROXY` honoured,
  chosen by `proxies_for` and passed explicitly; a SOCKS proxy gets a plain message;
- redirects never followed; no retries inside urllib3 (the transport waits, cancellably);
- the body read as a stream and capped on decoded bytes (urllib3 >= 2.6 decompresses a
  stream piece by piece, so a small gzip or deflate bomb never inflates past the cap);
- a whole-request deadline, and a cancel from another thread that shuts the request's
  socket down (the connection classes below hand their socket to the request's CancelToken).
"""

from __future__ import annotations

import http.cookiejar
import os
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import certifi
import requests
import requests.adapters
import urllib3.connection
import urllib3.connectionpool
import urllib3.util.ssl_

from close_viewer import USER_AGENT
from close_viewer.core import errors as e
from close_viewer.core.api.error_words import is_dropped_connection, network_error
from close_viewer.core.cancel import CancelToken
from close_viewer.core.config import is_loopback

DEFAULT_TIMEOUT = (5.0, 20.0)  # (connect, read) seconds
MAX_BODY_BYTES = 64 * 1024 * 1024
ERROR_BODY_BYTES = 1024 * 1024  # of an error answer, read at most (its words are cut to 300 characters)
CHUNK = 256 * 1024
PROXY_SCHEMES = ("http", "https")


def proxies_for(url: str) -> dict[str, str]:
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


def ca_bundle() -> str | bool:
    """Certificates from $REQUESTS_CA_BUNDLE or $CURL_CA_BUNDLE if set (for company proxies;
    read here because the session ignores the environment), else requests' own (certifi)."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True


# --- cancel: each connection hands its socket to the request's token ----------------------
_request_token = threading.local()


class _Cancellable:
    """Mixed into urllib3's connections: the token of the request being sent (a thread-local
    set by `Wire`) learns the connection before it connects or sends, so a cancel from
    another thread shuts its socket down, and a cancel during connecting ends it after."""

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        token: CancelToken | None = getattr(_request_token, "token", None)
        if token is not None and token.cancelled:  # the socket was not there to shut
            self.close()
            raise e.FetchCancelled("The lookup was cancelled.")

    def request(self, *args: Any, **kwargs: Any) -> None:
        token: CancelToken | None = getattr(_request_token, "token", None)
        if token is not None:
            token._attach(self)  # type: ignore[arg-type]
        super().request(*args, **kwargs)  # type: ignore[misc]

    def close(self) -> None:
        """An answer that ends with the connection (`Connection: close`, no length) takes the
        socket over and `sock` becomes None: the token keeps the socket itself, so a cancel
        or the deadline still shuts down the read of that answer."""
        token: CancelToken | None = getattr(_request_token, "token", None)
        sock = getattr(self, "sock", None)
        if token is not None and sock is not None:
            token._attach(_Socket(sock))
        super().close()  # type: ignore[misc]


@dataclass
class _Socket:
    """A socket handed to a CancelToken on its own (the token shuts down `sock`)."""

    sock: Any


class _HTTPConnection(_Cancellable, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_Cancellable, urllib3.connection.HTTPSConnection):
    def connect(self) -> None:
        token: CancelToken | None = getattr(_request_token, "token", None)
        if token is not None:
            token._attach(self)  # (https connects before request)
        super().connect()


class _HTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


def tls_context() -> ssl.SSLContext:
    """urllib3's default TLS settings, without the key log: urllib3 writes every session's
    secrets to $SSLKEYLOGFILE when it is set (left set for a packet capture, it would let
    that capture be read, API key included), whatever `trust_env` says."""
    context = urllib3.util.ssl_.create_urllib3_context()
    context.keylog_filename = None  # type: ignore[assignment]  # (typeshed: str only; None turns it off)
    return context


class _Adapter(requests.adapters.HTTPAdapter):
    """requests' adapter (no retries: `max_retries` stays 0) with cancellable connections
    and one TLS context of the app's own, for Close and for an https:// proxy alike."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        self.tls = tls_context()
        super().init_poolmanager(*args, ssl_context=self.tls, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        if proxy not in self.proxy_manager:
            proxy_kwargs.setdefault("ssl_context", self.tls)
            # urllib3 loads no certificates into a context of its own for the proxy's TLS:
            # this one carries them (only made when there is a proxy).
            to_proxy = tls_context()
            bundle = ca_bundle()
            to_proxy.load_verify_locations(bundle if isinstance(bundle, str) else certifi.where())
            proxy_kwargs.setdefault("proxy_ssl_context", to_proxy)
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager


class _Session(requests.Session):
    def get_redirect_target(self, resp: requests.Response) -> None:
        """No redirect is ever followed or prepared: requests would otherwise read a 3xx
        answer's whole body (uncapped) and parse its Location even with allow_redirects=False.
        The transport reports a 3xx as an unexpected redirect."""
        return None


def new_session() -> requests.Session:
    """A session that sends only what the transport puts in each request."""
    session = _Session()
    session.trust_env = False  # no ~/.netrc, no proxies or CA bundle the app did not choose
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    session.headers.update(
        {"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "gzip"}
    )
    adapter = _Adapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


class Wire:
    """Requests to one host over one kept-alive session, each within a deadline and a size."""

    def __init__(
        self,
        base_url: str,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.host = urlsplit(base_url).hostname or base_url
        self.timeout = timeout
        self.max_body_bytes = max_body_bytes
        self.proxy = next(iter(proxies_for(base_url).values()), "")
        scheme = urlsplit(self.proxy).scheme.lower()[:10] if self.proxy else ""
        self._unusable_proxy = scheme if scheme and scheme not in PROXY_SCHEMES else ""
        self._session: requests.Session | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            session, self._session = self._session, None
        if session is not None:
            session.close()

    def send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        data: bytes | None,
        token: CancelToken,
        max_bytes: int | None = None,
        deadline: float | None = None,
    ) -> Answer:
        """One request, within a deadline (connect + read timeout) and abandonable at once.

        The request runs in a helper thread: name resolution and connecting cannot be
        interrupted from outside, and a server that sends one byte at a time never
        trips the read timeout. The caller waits for the answer, the cancel token or
        the deadline, whichever comes first; an abandoned request ends on its own
        (its socket is shut down, or its timeouts run out) and its result is dropped.
        `max_bytes` lowers the cap on the decoded body for this request, and `deadline`
        (seconds) the time it may take, for the last try of a lookup that has waited."""
        cap = min(self.max_body_bytes, max_bytes or self.max_body_bytes)
        done = threading.Event()
        abandoned = threading.Event()  # the caller has gone: nothing is sent again
        outcome: list[Any] = []
        limit = sum(self.timeout) if deadline is None else max(0.0, min(sum(self.timeout), deadline))

        def run() -> None:
            _request_token.token = token
            try:
                outcome.append(self._send_blocking(method, url, headers, data, token, cap, abandoned))
            except BaseException as exc:  # handed to the caller, whatever it is
                outcome.append(exc)
            finally:
                _request_token.token = None
                done.set()

        remove = token.on_cancel(done.set)
        try:
            threading.Thread(target=run, name="http-request", daemon=True).start()
            finished = done.wait(limit)
        finally:
            remove()
        timed_out = not finished or not outcome
        if timed_out:
            abandoned.set()
            token.abandon_connections()  # let the helper thread end now
        if token.cancelled:
            raise e.FetchCancelled("The lookup was cancelled.")
        if timed_out:
            raise e.RequestTimedOut(
                f"{self.host} did not send a complete answer within {limit:g} seconds.",
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
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        data: bytes | None,
        token: CancelToken,
        cap: int,
        abandoned: threading.Event,
    ) -> Answer:
        if self._unusable_proxy:
            kind = self._unusable_proxy
            raise e.ConnectionFailed(
                f"The proxy set for this computer is a {kind} proxy, which this app cannot use.",
                "Set HTTPS_PROXY to an http:// or https:// proxy, or ask your IT team.",
            )
        try:
            try:
                return self._exchange(method, url, headers, data, cap)
            except requests.ConnectionError as exc:
                if token.cancelled or abandoned.is_set() or not is_dropped_connection(exc):
                    raise  # (a connection shut by a cancel or the deadline is not resent)
                # The server closed a kept-alive connection just as it was reused: once more, anew.
                return self._exchange(method, url, headers, data, cap)
        except e.CloseViewerError:
            raise
        except Exception as exc:
            if token.cancelled:
                raise e.FetchCancelled("The lookup was cancelled.") from None
            raise network_error(exc, self.host, self.timeout) from None

    def _exchange(
        self, method: str, url: str, headers: dict[str, str], data: bytes | None, cap: int
    ) -> Answer:
        with self._lock:
            if self._session is None:
                self._session = new_session()
            session = self._session
        resp = session.request(
            method,
            url,
            data=data,
            headers=headers,
            timeout=self.timeout,
            allow_redirects=False,
            stream=True,
            proxies={"https": self.proxy} if self.proxy else {},
            verify=ca_bundle(),
        )
        with resp:  # an answer given up on (too large, unreadable) gives its connection back closed
            if resp.status_code != 200:  # an error's words: the first megabyte, never an error itself
                words = self._read_body(resp, ERROR_BODY_BYTES, cut=True)
                return Answer(resp.status_code, resp.headers, words)
            return Answer(resp.status_code, resp.headers, self._read_body(resp, cap))

    def _read_body(self, resp: requests.Response, cap: int, cut: bool = False) -> bytes:
        """The whole body, decompressed, up to the cap (compressed or not, declared or not);
        past it ResponseTooLarge, or with `cut` the first `cap` bytes (the rest is not read)."""
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap and not cut:
            raise self.too_large(cap)
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.raw.stream(min(CHUNK, cap + 1), decode_content=True):
            size += len(chunk)
            if size > cap:
                if cut:
                    break
                raise self.too_large(cap)
            chunks.append(chunk)
        return b"".join(chunks)

    def too_large(self, cap: int) -> e.ResponseTooLarge:
        limit = max(1, cap // (1024 * 1024))
        return e.ResponseTooLarge(
            f"Close sent an answer larger than {limit} MB; it was not loaded.",
            "Try again with fewer fields (--fields), or report the contact id.",
        )
