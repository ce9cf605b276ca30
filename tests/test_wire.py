"""The wire's own policy on requests (core/api/wire.py), against real sockets on 127.0.0.1:
http:// and https:// proxies carry the request end to end, a SOCKS proxy gets a plain message,
a compressed bomb is never inflated past the cap, no cookie is kept, and a cancel shuts the
request's socket down so its thread ends at once."""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
import select
import socket
import ssl
import subprocess
import threading
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from close_viewer.core import errors as e
from close_viewer.core.api import CancelToken, CloseClient
from close_viewer.core.credentials import ApiKey
from close_viewer.demo import DEMO_API_KEY, DEMO_CONTACT_ID, DemoServer
from close_viewer.demo.samples import load_samples

KEY = ApiKey(DEMO_API_KEY)
CLOSE_HOST = "api.close.invalid"  # never resolved here: the proxy connects for us


@pytest.fixture
def no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def close_certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """One self-signed certificate for Close's stand-in host and for 127.0.0.1 (the https
    proxy), trusted the way a company's own authority is: through $REQUESTS_CA_BUNDLE."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    HOST = CLOSE_HOST  # noqa: N806
    names = f"subjectAltName=DNS:{HOST},IP:127.0.0.1"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={HOST}",
         "-addext", names, "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    return str(cert), str(key)


class _ForwardingProxy:
    """A proxy that answers CONNECT and relays the tunnel to a port on 127.0.0.1, spoken
    to in plain TCP (http://) or over TLS (https://). It records each CONNECT's head and
    every byte it relays from the client."""

    def __init__(self, target_port: int, tls: tuple[str, str] | None = None) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.url = f"{'https' if tls else 'http'}://rep%40acme:p%3Ass@127.0.0.1:{self.port}"
        self.target_port = target_port
        self.heads: list[str] = []
        self.from_client = bytearray()
        self._context: ssl.SSLContext | None = None
        if tls:
            self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._context.load_cert_chain(*tls)
        threading.Thread(target=self._serve, daemon=True).start()

    def close(self) -> None:
        self.sock.close()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(conn,), daemon=True).start()

    def _tunnel(self, raw: socket.socket) -> None:
        with contextlib.ExitStack() as stack:
            conn = stack.enter_context(
                self._context.wrap_socket(raw, server_side=True) if self._context else raw
            )
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                head += chunk
            self.heads.append(head.decode("latin-1"))
            upstream = stack.enter_context(socket.create_connection(("127.0.0.1", self.target_port)))
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self._relay(conn, upstream)

    def _relay(self, client: socket.socket, upstream: socket.socket) -> None:
        while True:
            readable, _, _ = select.select([client, upstream], [], [], 10)
            if not readable:
                return
            for source in readable:
                data = source.recv(65536)
                while isinstance(source, ssl.SSLSocket) and source.pending():
                    data += source.recv(65536)
                if not data:
                    return
                if source is client:
                    self.from_client += data
                    upstream.sendall(data)
                else:
                    client.sendall(data)


@pytest.mark.usefixtures("no_proxy_settings")
@pytest.mark.parametrize("proxy_scheme", ["http", "https"])
def test_https_to_close_goes_through_an_http_or_https_proxy_end_to_end(
    close_certificate: tuple[str, str], monkeypatch: pytest.MonkeyPatch, proxy_scheme: str
) -> None:
    with DemoServer(tls=close_certificate) as server:
        port = int(server.base_url.split(":")[2].split("/")[0])
        proxy = _ForwardingProxy(port, tls=close_certificate if proxy_scheme == "https" else None)
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        client = CloseClient(f"https://{CLOSE_HOST}:{port}/api/v1", timeout=(5.0, 5.0))
        assert client.proxy == proxy.url
        for _ in range(2):
            assert client.fetch_contact(DEMO_CONTACT_ID, KEY).id == DEMO_CONTACT_ID
        client.close()
        proxy.close()
        assert server.connections == 1  # one tunnel, kept alive
    (head,) = proxy.heads  # an https proxy spoken to in plain text would have failed its TLS
    assert head.startswith(f"CONNECT {CLOSE_HOST}:{port} HTTP/1.")
    login = base64.b64encode(b"rep@acme:p:ss").decode()
    fields = dict(line.split(": ", 1) for line in head.split("\r\n")[1:] if ": " in line)
    assert {k.lower(): v for k, v in fields.items()}["proxy-authorization"] == f"Basic {login}"
    # The API key travels inside the tunnel's own TLS: the proxy never sees it.
    relayed = bytes(proxy.from_client)
    assert relayed and KEY.authorization().encode() not in relayed
    assert DEMO_API_KEY.encode() not in relayed


@pytest.mark.usefixtures("no_proxy_settings")
def test_a_socks_proxy_gets_a_plain_message_and_nothing_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.0)
    monkeypatch.setenv("HTTPS_PROXY", f"socks5://127.0.0.1:{listener.getsockname()[1]}")
    with pytest.raises(e.ConnectionFailed) as caught:
        CloseClient(f"https://{CLOSE_HOST}/api/v1").fetch_contact(DEMO_CONTACT_ID, KEY)
    assert "socks5 proxy, which this app cannot use" in caught.value.message
    assert "HTTPS_PROXY" in caught.value.hint
    with pytest.raises(BlockingIOError):  # never spoken to as if it were an http proxy
        listener.accept()
    listener.close()


class _Handler(BaseHTTPRequestHandler):
    """Serves what the test server was given, and records each request's headers."""

    protocol_version = "HTTP/1.1"
    server: _TestServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:
        self.server.headers.append(dict(self.headers))
        if self.server.hold is not None:
            self.server.hold.wait(30)  # a server that does not answer until the test says so
            return
        self.send_response(200)
        for name, value in self.server.answer_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        self.wfile.write(self.server.body)


class _TestServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.body = body
        self.answer_headers = headers or {}
        self.headers: list[dict[str, str]] = []
        self.hold: threading.Event | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/v1"


@contextlib.contextmanager
def serving(server: _TestServer) -> Iterator[_TestServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        if server.hold is not None:
            server.hold.set()
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compressed_bomb_is_never_inflated_past_the_cap(encoding: str) -> None:
    """64 KB that inflate to 64 MB, against a 1 MB cap: refused, and at no moment is much more
    than the cap held in memory (urllib3 >= 2.6 inflates a stream piece by piece; an older
    one inflates each read whole, and this peak would be over 64 MB)."""
    inflated = b" " * (64 * 1024 * 1024)
    body = gzip.compress(inflated, 9) if encoding == "gzip" else zlib.compress(inflated, 9)
    del inflated
    with serving(
        _TestServer(body, {"Content-Encoding": encoding, "Content-Type": "application/json"})
    ) as srv:
        client = CloseClient(srv.base_url, max_body_bytes=1024 * 1024)
        tracemalloc.start()
        try:
            with pytest.raises(e.ResponseTooLarge):
                client.fetch_contact(DEMO_CONTACT_ID, KEY)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        client.close()
    assert peak < 16 * 1024 * 1024


def test_no_cookie_a_server_sets_is_sent_back() -> None:
    body = json.dumps(load_samples()[DEMO_CONTACT_ID]).encode()
    headers = {"Set-Cookie": "session=tracked; Path=/", "Content-Type": "application/json"}
    with serving(_TestServer(body, headers)) as srv:
        client = CloseClient(srv.base_url)
        for _ in range(2):
            assert client.fetch_contact(DEMO_CONTACT_ID, KEY).id == DEMO_CONTACT_ID
        client.close()
    assert [("Cookie" in h) for h in srv.headers] == [False, False]
    assert srv.headers[1]["Authorization"] == KEY.authorization()


def look_up_in_a_thread(
    client: CloseClient, token: CancelToken
) -> tuple[threading.Thread, list[BaseException]]:
    """The demo contact looked up in a thread of its own (started), and what it raised."""
    outcome: list[BaseException] = []

    def look_up() -> None:
        try:
            client.fetch_contact(DEMO_CONTACT_ID, KEY, cancel=token)
        except BaseException as exc:
            outcome.append(exc)

    caller = threading.Thread(target=look_up)
    caller.start()
    return caller, outcome


def test_a_cancel_shuts_the_request_down_so_its_thread_ends() -> None:
    """Cancelling releases the caller, and its socket is shut down, so the request's own
    thread ends too, while the server still holds the answer back."""
    with serving(_TestServer()) as srv:
        srv.hold = threading.Event()
        client = CloseClient(srv.base_url, timeout=(5.0, 60.0))
        token = CancelToken()
        before = {t for t in threading.enumerate() if t.name == "http-request"}
        caller, outcome = look_up_in_a_thread(client, token)
        while not srv.headers:  # the request reached the server
            caller.join(0.01)
        (request_thread,) = {t for t in threading.enumerate() if t.name == "http-request"} - before
        token.cancel()
        caller.join(10)
        request_thread.join(10)
        assert not caller.is_alive()
        assert len(outcome) == 1 and isinstance(outcome[0], e.FetchCancelled)
        assert not request_thread.is_alive()  # ended by the cancel: the server still holds
        assert not srv.hold.is_set()
        client.close()
