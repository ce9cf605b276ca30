"""The transport's wire (requests, core/api/wire.py): https verified, through a proxy's
tunnel, and kept-alive connections that a server drops. More in tests/test_wire.py."""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from close_viewer.core import errors as e
from close_viewer.core.api import CloseClient
from close_viewer.core.api.wire import proxies_for as _proxies_for
from close_viewer.core.credentials import ApiKey
from close_viewer.demo import DEMO_API_KEY, DEMO_CONTACT_ID, DemoServer
from close_viewer.demo.samples import load_samples

KEY = ApiKey(DEMO_API_KEY)


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (openssl, installed by .ci/run)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return str(cert), str(key)


def test_https_is_verified_against_the_trusted_certificates(
    certificate: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with DemoServer(tls=certificate) as server:
        assert server.base_url.startswith("https://127.0.0.1:")
        # Not trusted (certifi's authorities did not sign it): refused, in plain words.
        monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
        monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
        with pytest.raises(e.TlsError) as caught:
            CloseClient(server.base_url).fetch_contact(DEMO_CONTACT_ID, KEY)
        assert "could not be verified" in caught.value.message
        # Trusted, as a company's own authority is through $REQUESTS_CA_BUNDLE: read, and kept alive.
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", certificate[0])
        client = CloseClient(server.base_url)
        for _ in range(2):
            assert client.fetch_contact(DEMO_CONTACT_ID, KEY).id == DEMO_CONTACT_ID
        client.close()
        assert server.connections == 1  # both on one connection (the refused one never got past TLS)


class _TunnelProxy:
    """A proxy that reads one CONNECT request, keeps its head, and refuses it (407)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.seen = b""
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            while b"\r\n\r\n" not in self.seen:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                self.seen += chunk
            conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")

    def head(self) -> str:
        self._thread.join(timeout=10)
        self.sock.close()
        return self.seen.decode("latin-1")


@pytest.fixture
def no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.mark.usefixtures("no_proxy_settings")
def test_https_goes_through_the_proxys_tunnel_with_the_proxys_own_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proxy = _TunnelProxy()
    monkeypatch.setenv("HTTPS_PROXY", f"http://rep%40acme:p%3Ass@127.0.0.1:{proxy.port}")
    client = CloseClient("https://api.close.invalid/api/v1", timeout=(5.0, 5.0))
    with pytest.raises(e.ConnectionFailed) as caught:
        client.fetch_contact(DEMO_CONTACT_ID, KEY)
    assert caught.value.message == "The proxy would not connect to api.close.invalid."
    head = proxy.head()
    assert head.startswith("CONNECT api.close.invalid:443 HTTP/1.")  # 1.0 before Python 3.12
    login = base64.b64encode(b"rep@acme:p:ss").decode()
    assert f"Proxy-Authorization: Basic {login}\r\n" in head
    # The API key is for Close, inside the tunnel: the proxy never sees it.
    assert KEY.authorization() not in head
    assert DEMO_API_KEY not in head


@pytest.mark.usefixtures("no_proxy_settings")
def test_no_proxy_names_hosts_reached_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "close.invalid")
    assert _proxies_for("https://api.close.invalid/api/v1") == {}
    assert _proxies_for("https://api.close.com/api/v1") == {"https": "http://proxy.example:3128"}


class _Dropper(BaseHTTPRequestHandler):
    """Answers a connection's first request with keep-alive headers, then drops the
    connection: at once ("close"), or only when the next request arrives ("late")."""

    protocol_version = "HTTP/1.1"
    server: _DropServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def setup(self) -> None:
        super().setup()
        self.answered = False
        with self.server.lock:
            self.server.connections += 1

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests += 1
        if self.answered:  # "late": the second request on this connection is never answered
            self.close_connection = True
            return
        body = json.dumps(load_samples()[DEMO_CONTACT_ID]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.answered = True
        self.close_connection = self.server.mode == "close"


class _DropServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, mode: str) -> None:
        super().__init__(("127.0.0.1", 0), _Dropper)
        self.mode = mode
        self.lock = threading.Lock()
        self.connections = 0
        self.requests = 0


@pytest.fixture(params=["close", "late"])
def dropping_server(request: pytest.FixtureRequest) -> Iterator[_DropServer]:
    server = _DropServer(request.param)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_kept_alive_connection_the_server_dropped_is_replaced(dropping_server: _DropServer) -> None:
    client = CloseClient(f"http://127.0.0.1:{dropping_server.server_address[1]}/api/v1")
    for _ in range(3):
        assert client.fetch_contact(DEMO_CONTACT_ID, KEY).id == DEMO_CONTACT_ID
    client.close()
    assert dropping_server.connections == 3
    # Dropped at once: seen before reuse. Dropped late: the request is sent once more, anew.
    assert dropping_server.requests == (3 if dropping_server.mode == "close" else 5)
