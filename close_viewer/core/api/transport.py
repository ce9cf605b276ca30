"""The one transport every Close API request goes through.

It binds the parts together: the wire (`wire.py`: requests, kept alive, capped, with a
deadline and a cancel), the retry policy (`retry.py`: rate limits and busy servers, waited
out on the request's CancelToken) and the words of errors (`error_words.py`), and decodes
each answer's JSON. The resource modules beside it (contacts, search, leads, users,
activities, card) are a few lines each on top of `Transport.get` and `Transport.post`.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import quote

from close_viewer.core import errors as e
from close_viewer.core.api import retry
from close_viewer.core.api.error_words import Subject, error_for
from close_viewer.core.api.wire import DEFAULT_TIMEOUT, MAX_BODY_BYTES, Wire
from close_viewer.core.cancel import CancelToken
from close_viewer.core.config import DEFAULT_BASE_URL, validate_base_url
from close_viewer.core.credentials import Credential
from close_viewer.core.depth import too_deep

__all__ = ["CancelToken", "Subject", "Transport", "collector_paused"]


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


def _unreadable(why: str) -> e.BadResponse:
    return e.BadResponse(
        f"Close sent an answer this app could not read ({why}).",
        "Try again; if it keeps happening, a proxy may be changing the traffic.",
    )


def decode(raw: bytes, strict: bool = True) -> object:
    """The JSON in an answer. Strict (a 200): anything else, or an answer nested deeper
    than any Close object, is a BadResponse; not strict (an error's body): None."""
    try:
        value = json.loads(raw)
    except ValueError:
        if not strict:
            return None
        raise _unreadable("not valid JSON") from None
    except RecursionError:  # deeper than the thread's stack allows: deeper than MAX_DEPTH
        if not strict:
            return None
        raise _unreadable("nested too deeply") from None
    if too_deep(value):
        if not strict:
            return None
        raise _unreadable("nested too deeply")
    return value


class Transport:
    """Requests to one Close API base URL, over one kept-alive session."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_retries: int = retry.MAX_RETRIES,
        max_total_wait: float = retry.MAX_TOTAL_WAIT,
    ) -> None:
        self.base_url = validate_base_url(base_url)
        self.wire = Wire(self.base_url, timeout, max_body_bytes)
        self.host = self.wire.host
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_total_wait = max_total_wait

    @property
    def proxy(self) -> str:
        return self.wire.proxy

    def close(self) -> None:
        self.wire.close()

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
        max_bytes: int | None = None,
    ) -> object:
        """GET `path`; the decoded JSON answer, or a CloseViewerError naming `subject`.
        `max_bytes` lowers the cap on the answer's size for this request."""
        return self._request("GET", self.url(path, params), None, credential, subject, cancel, max_bytes)

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
        return self._request("POST", self.url(path), data, credential, subject, cancel)

    def _request(
        self,
        method: str,
        url: str,
        data: bytes | None,
        credential: Credential,
        subject: Subject,
        cancel: CancelToken | None,
        max_bytes: int | None = None,
    ) -> object:
        token = cancel or CancelToken()
        headers = {"Authorization": credential.authorization()}
        if data is not None:
            headers["Content-Type"] = "application/json"
        # One deadline for the whole request, its retries and waits included: one full try
        # and the longest wait between tries.
        ends = time.monotonic() + sum(self.timeout) + self.max_total_wait
        try:
            waited = 0.0
            attempt = 0
            while True:
                if token.cancelled:
                    raise e.FetchCancelled("The lookup was cancelled.")
                left = ends - time.monotonic()
                answer = self.wire.send(method, url, headers, data, token, max_bytes, deadline=left)
                if answer.status == 200:
                    return decode(answer.body)
                body = decode(answer.body, strict=False)
                if not retry.is_retried(answer.status):
                    raise error_for(answer.status, body, subject, credential)
                step = retry.next_wait(answer.status, attempt, answer.headers, body)
                if retry.gives_up(attempt, waited, step, self.max_retries, self.max_total_wait):
                    if answer.status == 429:
                        raise e.RateLimited(
                            "Close is limiting how many requests this API key can make right now.",
                            f"Wait {retry.wait_words(step)} and try again.",
                            retry_after=step,
                        )
                    raise error_for(answer.status, body, subject, credential)
                attempt += 1
                waited += step
                if token.wait(step):
                    raise e.FetchCancelled("The lookup was cancelled.")
        finally:
            token._detach_all()
