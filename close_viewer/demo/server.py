"""A Close-compatible `GET /contact/{id}/` server on 127.0.0.1, for demo mode and tests.

It checks auth like Close (API key as Basic user name, or an OAuth Bearer
token), filters `_fields`, answers errors with Close's body shapes, rate limits
with Close's headers, and has fault ids (FAULTS) that produce every failure
the client must handle. Responses go out in one write on a TCP_NODELAY socket,
so a small response is not held back by Nagle's algorithm.
"""

from __future__ import annotations

import base64
import gzip
import json
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from close_viewer.core.model import CONTACT_FIELDS
from close_viewer.demo.faults import API_PREFIX, FAULTS, GZIP_FROM, NORMAL_RATE, Fault
from close_viewer.demo.samples import load_samples

DEMO_API_KEY = "demo-key-not-a-secret"
DEMO_OAUTH_TOKEN = "demo-oauth-token"
DEMO_CONTACT_ID = "cont_4bA7x2Kq9TzRmW1vLp8NcY"
STATS_PATH = "/_demo/stats"


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    query: str
    authorization: str | None
    user_agent: str | None
    body: Any = None  # the decoded JSON body of a POST
    accept_encoding: str | None = None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    _headers_buffer: list[bytes]

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.lock:
            self.server.connections += 1

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silent: the demo server shares the app's terminal."""

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str], compress: bool = True
    ) -> None:
        if status != 429 and not any(name.lower() == "ratelimit" for name in headers):
            headers["RateLimit"] = NORMAL_RATE  # Close sends it on every answer
        if compress and len(body) > GZIP_FROM and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=1)  # fast, as a web server's
            headers["Content-Encoding"] = "gzip"
        self.send_response_only(status)
        self.send_header("Content-Type", content_type)
        if headers.pop("X-No-Length", None):
            self.send_header("Connection", "close")
        else:
            self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self._headers_buffer.append(b"\r\n")
        self.wfile.write(b"".join(self._headers_buffer) + body)
        self._headers_buffer = []

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self._send(status, body, "application/json", dict(headers or {}))

    def _not_allowed(self) -> None:
        self._record()
        self._json(405, {"error": "Method not allowed."}, {"Allow": "GET"})

    do_PUT = do_DELETE = do_PATCH = _not_allowed  # noqa: N815

    def do_POST(self) -> None:
        """`POST /data/search/`: Close's Advanced Filtering API over the sample contacts."""
        length = self.headers.get("Content-Length", "0")
        raw = self.rfile.read(int(length)) if length.isdigit() and int(length) < 1_000_000 else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        seen = self._record(body)
        if seen.path != f"{API_PREFIX}/data/search/":
            self._json(405, {"error": "Method not allowed."}, {"Allow": "GET"})
            return
        if not self._authorized(seen.authorization):
            self._json(401, {"error": "The API key or token you provided is not valid."})
            return
        if body is None:
            self._json(400, {"error": "The request body is not valid JSON."})
            return
        from close_viewer.demo.search import SearchError, run_search

        try:
            answer = run_search(body, [c for c in self.server.contacts.values() if c["id"] not in FAULTS])
        except SearchError as exc:
            self._json(400, {"error": str(exc)})
            return
        self._json(200, json.dumps(answer, ensure_ascii=False).encode())

    def _record(self, body: Any = None) -> SeenRequest:
        parts = urlsplit(self.path)
        seen = SeenRequest(
            self.command,
            parts.path,
            parts.query,
            self.headers.get("Authorization"),
            self.headers.get("User-Agent"),
            body,
            self.headers.get("Accept-Encoding"),
        )
        with self.server.lock:
            self.server.seen.append(seen)
        return seen

    def do_GET(self) -> None:
        seen = self._record()
        if seen.path == STATS_PATH:  # for benchmarks in another process: no contact data, no auth
            with self.server.lock:
                stats = {"connections": self.server.connections, "requests": len(self.server.seen)}
            self._json(200, stats)
            return
        if self.server.latency:
            self.server.stopping.wait(self.server.latency)
        if seen.path.startswith(f"{API_PREFIX}/lead/") and seen.path.endswith("/"):
            self._lead(seen)
            return
        if seen.path in (f"{API_PREFIX}/activity/", f"{API_PREFIX}/custom_activity/"):
            self._activities(seen)
            return
        if seen.path in (
            f"{API_PREFIX}/me/",
            f"{API_PREFIX}/user/",
            f"{API_PREFIX}/custom_field_schema/contact/",
        ) or (seen.path.startswith(f"{API_PREFIX}/user/") and seen.path.endswith("/")):
            self._people(seen)
            return
        prefix = f"{API_PREFIX}/contact/"
        if not (seen.path.startswith(prefix) and seen.path.endswith("/")):
            self._json(404, {"error": "Not found."})
            return
        contact_id = seen.path[len(prefix) : -1]
        if not self._authorized(seen.authorization):
            self._json(401, {"error": "The API key or token you provided is not valid."})
            return
        fault = FAULTS.get(contact_id)
        if fault is not None and self._should_fail(contact_id, fault):
            self._fault(fault)
            return
        contact = self.server.contacts.get(contact_id)
        if contact is None and fault is not None:
            contact = dict(self.server.contacts[DEMO_CONTACT_ID], id=contact_id)
        if contact is None:
            self._json(404, {"error": "Empty query: contact matching query does not exist."})
            return
        if fault is not None and fault.delay:
            self.server.stopping.wait(fault.delay)
        fields = parse_qs(seen.query).get("_fields")
        if fields:
            names = [n.strip() for n in ",".join(fields).split(",") if n.strip()]
            unknown = [n for n in names if n not in CONTACT_FIELDS and not n.startswith("custom.")]
            if unknown:
                self._json(400, {"errors": [], "field-errors": {"_fields": f"Unknown field: {unknown[0]}"}})
                return
            self._json(200, {k: v for k, v in contact.items() if k in names})
            return
        self._json(200, self.server.encoded(contact_id, contact))

    def _people(self, seen: SeenRequest) -> None:
        """`/me/`, `/user/` (paged with _skip/_limit), `/user/{id}/`, `/custom_field_schema/contact/`."""
        from close_viewer.demo.samples import CONTACT_SCHEMA, ME_ID, USERS, user

        if not self._authorized(seen.authorization):
            self._json(401, {"error": "The API key or token you provided is not valid."})
            return
        path = seen.path[len(API_PREFIX) :]
        if path == "/me/":
            self._json(200, json.dumps(user(ME_ID), ensure_ascii=False).encode())
        elif path == "/custom_field_schema/contact/":
            self._json(200, {"fields": CONTACT_SCHEMA})
        elif path == "/user/":
            query = parse_qs(seen.query)
            try:
                skip = int(query.get("_skip", ["0"])[0])
                limit = int(query.get("_limit", ["100"])[0])
            except ValueError:
                self._json(400, {"error": "_skip and _limit must be numbers."})
                return
            if not 0 <= limit <= 100 or skip < 0:  # refused as Close does, never silently capped
                self._json(400, {"error": "_limit must be at most 100 and _skip not negative."})
                return
            everyone = [user(user_id) for user_id in USERS]
            page = everyone[skip : skip + limit]
            self._json(200, json.dumps({"has_more": skip + limit < len(everyone), "data": page}).encode())
        else:
            found = user(path[len("/user/") : -1])
            if found is None:
                self._json(404, {"error": "Empty query: user matching query does not exist."})
            else:
                self._json(200, json.dumps(found, ensure_ascii=False).encode())

    def _lead(self, seen: SeenRequest) -> None:
        from close_viewer.demo.samples import lead

        if not self._authorized(seen.authorization):
            self._json(401, {"error": "The API key or token you provided is not valid."})
            return
        found = lead(seen.path[len(f"{API_PREFIX}/lead/") : -1])
        if found is None:
            self._json(404, {"error": "Empty query: lead matching query does not exist."})
            return
        fields = parse_qs(seen.query).get("_fields")
        if fields:
            names = {n.strip() for n in ",".join(fields).split(",") if n.strip()}
            found = {k: v for k, v in found.items() if k in names}
        self._json(200, json.dumps(found, ensure_ascii=False).encode())

    def _activities(self, seen: SeenRequest) -> None:
        """`GET /activity/` (Close's filters, order and paging) and `GET /custom_activity/`."""
        from close_viewer.demo.activities import CUSTOM_ACTIVITY_TYPES, ActivityQueryError, list_activities

        if not self._authorized(seen.authorization):
            self._json(401, {"error": "The API key or token you provided is not valid."})
            return
        if seen.path.endswith("/custom_activity/"):
            self._json(200, {"data": CUSTOM_ACTIVITY_TYPES, "has_more": False})
            return
        query = parse_qs(seen.query)
        for contact_id in query.get("contact_id", []):
            fault = self.server.activity_faults.get(contact_id)
            if fault is not None and self._should_fail(f"activity:{contact_id}", fault):
                self._fault(fault)
                return
            if fault is not None and fault.delay:  # slow, then the real answer
                self.server.stopping.wait(fault.delay)
        try:
            answer = list_activities(query)
        except ActivityQueryError as exc:
            self._json(400, {"error": str(exc)})
            return
        self._json(200, json.dumps(answer, ensure_ascii=False).encode())

    def _authorized(self, header: str | None) -> bool:
        if not header:
            return False
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer":
            return value == self.server.oauth_token
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return user == self.server.api_key and password == ""

    def _should_fail(self, contact_id: str, fault: Fault) -> bool:
        if fault.failures is None:
            return fault.status != 200 or fault.body is not None or fault.drop
        with self.server.lock:
            count = self.server.fault_counts.get(contact_id, 0)
            self.server.fault_counts[contact_id] = count + 1
        return count < fault.failures

    def _fault(self, fault: Fault) -> None:
        if fault.drop:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault.delay:
            self.server.stopping.wait(fault.delay)
        if fault.drip:
            self._drip(fault)
            return
        if fault.body is None and fault is FAULTS["cont_echokey"]:
            self._echo_key()
            return
        if fault.body is None:
            body = b""
        elif isinstance(fault.body, bytes):
            body = fault.body
        else:
            body = json.dumps(fault.body).encode()
        headers = dict(fault.headers)
        if fault.no_length:
            headers["X-No-Length"] = "1"
            self.close_connection = True
        self._send(fault.status, body, fault.content_type, headers, fault.compress)

    def _drip(self, fault: Fault) -> None:
        """A server that never stalls long enough for a read timeout, yet never finishes."""
        body = json.dumps(fault.body).encode()
        self._headers_buffer = []
        self.send_response_only(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.close_connection = True
        try:
            for byte in body:
                if self.server.stopping.wait(fault.drip):
                    return
                self.wfile.write(bytes((byte,)))
                self.wfile.flush()
        except OSError:
            return  # the client gave up

    def _echo_key(self) -> None:
        """A 400 whose message repeats the key: raw, JSON-escaped, and as the server decoded it."""
        header = self.headers.get("Authorization", "")
        try:
            key = base64.b64decode(header.partition(" ")[2]).decode("utf-8").partition(":")[0]
        except (ValueError, UnicodeDecodeError):
            key = ""
        mojibake = key.encode("utf-8").decode("latin-1")
        body = {
            "error": f"Invalid key {key}",
            "errors": [{"key": key}, f"seen as {mojibake}", f"header {header}"],
        }
        self._json(400, json.dumps(body).encode())  # ensure_ascii: non-ASCII as \\u escapes


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], api_key: str, oauth_token: str, latency: float) -> None:
        super().__init__(address, _Handler)
        self.api_key = api_key
        self.oauth_token = oauth_token
        self.latency = latency
        self.contacts = load_samples()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.seen: list[SeenRequest] = []
        self.connections = 0
        self.fault_counts: dict[str, int] = {}
        self.activity_faults: dict[str, Fault] = {}  # by contact id: how its activity request fails
        self._encoded: dict[str, bytes] = {}

    def handle_error(self, request: object, client_address: object) -> None:
        """Silent: a client hanging up (a cancelled lookup, a TLS probe) is routine here."""

    def encoded(self, contact_id: str, contact: dict[str, Any]) -> bytes:
        with self.lock:
            body = self._encoded.get(contact_id)
        if body is None:
            body = json.dumps(contact, ensure_ascii=False).encode()
            with self.lock:
                self._encoded[contact_id] = body
        return body


class DemoServer:
    """Runs the Close-compatible server in a background thread; use as a context manager."""

    def __init__(
        self,
        api_key: str = DEMO_API_KEY,
        oauth_token: str = DEMO_OAUTH_TOKEN,
        port: int = 0,
        latency: float = 0.0,
        tls: tuple[str, str] | None = None,
    ) -> None:
        """`tls`: a certificate and its key (PEM files) to serve https with (for tests)."""
        self._server = _Server(("127.0.0.1", port), api_key, oauth_token, latency)
        self._scheme = "http"
        if tls is not None:
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self._scheme = "https"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="demo-server", daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host!s}:{port}{API_PREFIX}"

    @property
    def seen(self) -> list[SeenRequest]:
        with self._server.lock:
            return list(self._server.seen)

    @property
    def connections(self) -> int:
        """TCP connections accepted so far (keep-alive reuse shows as fewer connections)."""
        with self._server.lock:
            return self._server.connections

    def fail_activity(self, contact_id: str, fault: Fault) -> None:
        """Make `GET /activity/` for `contact_id` fail as `fault` says (for tests)."""
        with self._server.lock:
            self._server.activity_faults[contact_id] = fault
            self._server.fault_counts.pop(f"activity:{contact_id}", None)

    @property
    def contact_ids(self) -> list[str]:
        return list(self._server.contacts)

    def start(self) -> DemoServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
