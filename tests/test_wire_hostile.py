"""What a hostile or broken server cannot do to the wire (found by a review that attacked it):
make an abandoned request be sent again, keep a cancelled read going after `Connection: close`,
get TLS secrets written to $SSLKEYLOGFILE, make an error's body be read by the megabyte,
stretch a request past its deadline with retries, or pass an unreadable answer off as a
broken connection."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from close_viewer.core import errors as e
from close_viewer.core.api import CancelToken, CloseClient
from close_viewer.core.credentials import ApiKey
from close_viewer.demo import DEMO_API_KEY, DEMO_CONTACT_ID, DemoServer
from tests.test_wire import close_certificate, look_up_in_a_thread  # noqa: F401  (a fixture)

KEY = ApiKey(DEMO_API_KEY)


class _RawServer:
    """A TCP server on 127.0.0.1 that hands each connection to `serve(conn)`, counting the
    requests it reads; `stop` ends every handler."""

    def __init__(self, serve: Callable[[_RawServer, socket.socket], None]) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.requests = 0
        self.stop = threading.Event()
        self._serve = serve
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/api/v1"

    def read_request(self, conn: socket.socket) -> bool:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                return False
            head += chunk
        self.requests += 1
        return True

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            self._serve(self, conn)

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@contextlib.contextmanager
def raw_server(serve: Callable[[_RawServer, socket.socket], None]) -> Iterator[_RawServer]:
    server = _RawServer(serve)
    try:
        yield server
    finally:
        server.close()


def _request_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "http-request"}


def _continue_forever(server: _RawServer, conn: socket.socket) -> None:
    """Interim answers (`100 Continue`) that never end: each keeps the read timeout at bay."""
    if server.read_request(conn):
        while not server.stop.wait(0.1):
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")


def _close_and_drip(server: _RawServer, conn: socket.socket) -> None:
    """An answer that ends with the connection (no length), whose body never ends."""
    if server.read_request(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{")
        while not server.stop.wait(0.1):
            conn.sendall(b" ")


def test_a_request_abandoned_at_its_deadline_is_not_sent_again() -> None:
    with raw_server(_continue_forever) as server:
        before = _request_threads()
        client = CloseClient(server.base_url, timeout=(0.5, 1.0))
        with pytest.raises(e.RequestTimedOut):
            client.fetch_contact(DEMO_CONTACT_ID, KEY)
        for thread in _request_threads() - before:
            thread.join(10)  # the server is still sending: only the app can end it
            assert not thread.is_alive()
        assert server.requests == 1  # the shut connection was not taken for a dropped one


def test_a_cancel_ends_the_read_of_an_answer_that_closes_its_connection() -> None:
    with raw_server(_close_and_drip) as server:
        before = _request_threads()
        client = CloseClient(server.base_url, timeout=(5.0, 60.0))
        token = CancelToken()
        caller, outcome = look_up_in_a_thread(client, token)
        while server.requests == 0:
            caller.join(0.01)
        caller.join(0.3)  # (the answer's head has been read by now: the body drips)
        (request_thread,) = _request_threads() - before
        token.cancel()
        caller.join(10)
        request_thread.join(10)
        assert len(outcome) == 1 and isinstance(outcome[0], e.FetchCancelled)
        assert not request_thread.is_alive()  # its socket was shut though `sock` was gone


def test_no_tls_secret_is_written_to_sslkeylogfile(
    close_certificate: tuple[str, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    keylog = tmp_path / "keys.log"
    monkeypatch.setenv("SSLKEYLOGFILE", str(keylog))
    with DemoServer(tls=close_certificate) as server:
        client = CloseClient(server.base_url)
        assert client.fetch_contact(DEMO_CONTACT_ID, KEY).id == DEMO_CONTACT_ID
        client.close()
    written = keylog.read_text().splitlines() if keylog.exists() else []
    assert [line for line in written if not line.startswith("#")] == []  # (a header at most)


def _huge_not_found(server: _RawServer, conn: socket.socket) -> None:
    if server.read_request(conn):
        body = b'{"error": "' + b"x" * (3 * 1024 * 1024) + b'"}'
        head = (
            f"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        conn.sendall(head.encode() + body)


def test_an_errors_body_is_read_only_as_far_as_its_words() -> None:
    """A 404 of 3 MB against a 1 MB cap: still 'no such contact', not 'answer too large'."""
    with raw_server(_huge_not_found) as server:
        client = CloseClient(server.base_url, max_body_bytes=1024 * 1024)
        with pytest.raises(e.ContactNotFound):
            client.fetch_contact(DEMO_CONTACT_ID, KEY)


def _slow_busy(server: _RawServer, conn: socket.socket) -> None:
    while server.read_request(conn):
        server.stop.wait(0.7)
        conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0.3\r\nContent-Length: 0\r\n\r\n")


def test_retries_stay_within_one_deadline_for_the_whole_request() -> None:
    """Each try takes 0.7 s and asks to retry in 0.3 s: with 1.5 s for one try and 1 s of
    waits, the request ends at its deadline (2.5 s, in its third try) instead of after four."""
    with raw_server(_slow_busy) as server:
        client = CloseClient(server.base_url, timeout=(0.5, 1.0), max_total_wait=1.0)
        with pytest.raises(e.RequestTimedOut):
            client.fetch_contact(DEMO_CONTACT_ID, KEY)
        assert server.requests < 4


def _long_header(server: _RawServer, conn: socket.socket) -> None:
    if server.read_request(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Filler: " + b"a" * 100_000 + b"\r\n\r\n")


def test_an_unreadable_answer_is_not_called_a_broken_connection() -> None:
    with raw_server(_long_header) as server:
        with pytest.raises(e.BadResponse) as caught:
            CloseClient(server.base_url).fetch_contact(DEMO_CONTACT_ID, KEY)
        assert "could not read" in caught.value.message
