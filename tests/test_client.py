"""The client against the demo server over real sockets on 127.0.0.1."""

from __future__ import annotations

import base64
import threading
import time

import pytest

from close_viewer import USER_AGENT
from close_viewer.core import errors as e
from close_viewer.core.api import CancelToken, CloseClient, rate_limit_wait
from close_viewer.core.credentials import ApiKey, OAuthToken
from close_viewer.demo import DEMO_API_KEY, DEMO_CONTACT_ID, DEMO_OAUTH_TOKEN, DemoServer
from close_viewer.demo.samples import LARGE_CONTACT_ID

SECRET = "s3cr3t-key-that-must-never-leak"


def test_happy_path_sends_exact_request(demo_server: DemoServer, demo_key: ApiKey) -> None:
    client = CloseClient(demo_server.base_url)
    contact = client.fetch_contact(DEMO_CONTACT_ID, demo_key, fields=["id", "name", "emails"])
    assert contact.id == DEMO_CONTACT_ID
    assert contact.name == "María José Fernández-Łukasiewicz"
    assert len(contact.emails) == 3
    assert contact.phones == ()  # not asked for
    (seen,) = demo_server.seen
    assert seen.method == "GET"
    assert seen.path == f"/api/v1/contact/{DEMO_CONTACT_ID}/"
    assert seen.query == "_fields=id,name,emails"
    expected = base64.b64encode(f"{DEMO_API_KEY}:".encode()).decode()
    assert seen.authorization == f"Basic {expected}"
    assert seen.user_agent == USER_AGENT


def test_a_large_answer_comes_compressed_and_is_read_whole(demo_server: DemoServer, demo_key: ApiKey) -> None:
    contact = CloseClient(demo_server.base_url).fetch_contact(LARGE_CONTACT_ID, demo_key)
    assert contact.id == LARGE_CONTACT_ID
    assert len(contact.recent_calls) == 10_000  # megabytes of JSON, sent as gzip
    assert demo_server.seen[-1].accept_encoding == "gzip"


def test_no_fields_means_no_query(demo_server: DemoServer, demo_key: ApiKey) -> None:
    CloseClient(demo_server.base_url).fetch_contact(DEMO_CONTACT_ID, demo_key)
    assert demo_server.seen[0].query == ""


def test_oauth_token_is_sent_as_bearer(demo_server: DemoServer) -> None:
    contact = CloseClient(demo_server.base_url).fetch_contact(DEMO_CONTACT_ID, OAuthToken(DEMO_OAUTH_TOKEN))
    assert contact.id == DEMO_CONTACT_ID
    assert demo_server.seen[0].authorization == f"Bearer {DEMO_OAUTH_TOKEN}"


def test_connection_is_reused(demo_server: DemoServer, demo_key: ApiKey) -> None:
    client = CloseClient(demo_server.base_url)
    for _ in range(3):
        client.fetch_contact(DEMO_CONTACT_ID, demo_key)
    assert demo_server.connections == 1


@pytest.mark.parametrize(
    ("contact_id", "error", "words"),
    [
        ("cont_fault400", e.BadRequest, "Invalid value for _fields."),
        ("cont_fault400nested", e.BadRequest, "The request could not be understood."),
        ("cont_fault400fields", e.BadRequest, "_fields: Unknown field 'nickname'."),
        ("cont_fault402", e.PaymentRequired, "Your trial has ended"),
        ("cont_fault403", e.PermissionDenied, "not allowed to see contact cont_fault403"),
        ("cont_doesNotExist42", e.ContactNotFound, "There is no contact cont_doesNotExist42"),
        ("cont_fault405", e.UnsupportedRequest, "HTTP 405"),
        ("cont_fault415", e.UnsupportedRequest, "HTTP 415"),
        ("cont_fault500", e.ServerError, "HTTP 500"),
        ("cont_fault503", e.ServerError, "HTTP 503"),
        ("cont_ratelimitlong", e.RateLimited, "limiting"),
        ("cont_notjson", e.BadResponse, "not valid JSON"),
        ("cont_truncated", e.BadResponse, "not valid JSON"),
        ("cont_gzipcut", e.BadResponse, "could not read"),
        ("cont_deep", e.BadResponse, "nested too deeply"),
        ("cont_badshape", e.ContactParseError, "emails should be a list"),
        ("cont_drop", e.ConnectionFailed, "connection to 127.0.0.1"),
    ],
)
def test_each_failure_is_one_typed_error(
    demo_server: DemoServer, demo_key: ApiKey, contact_id: str, error: type[Exception], words: str
) -> None:
    client = CloseClient(demo_server.base_url)
    with pytest.raises(error) as info:
        client.fetch_contact(contact_id, demo_key)
    assert type(info.value) is error
    assert words in info.value.message
    assert info.value.hint


def test_wrong_key_is_rejected(demo_server: DemoServer) -> None:
    with pytest.raises(e.AuthenticationFailed) as info:
        CloseClient(demo_server.base_url).fetch_contact(DEMO_CONTACT_ID, ApiKey(SECRET))
    assert "did not accept this API key" in info.value.message
    assert SECRET not in str(info.value) + repr(info.value) + info.value.hint


def test_unknown_field_gets_the_servers_message(demo_server: DemoServer, demo_key: ApiKey) -> None:
    with pytest.raises(e.BadRequest) as info:
        CloseClient(demo_server.base_url).fetch_contact(DEMO_CONTACT_ID, demo_key, fields=["nickname"])
    assert "Unknown field: nickname" in info.value.message


def test_rate_limit_asks_to_wait(demo_server: DemoServer, demo_key: ApiKey) -> None:
    started = time.monotonic()
    with pytest.raises(e.RateLimited) as info:
        CloseClient(demo_server.base_url).fetch_contact("cont_ratelimitlong", demo_key)
    assert info.value.retry_after == 45
    assert "Wait 45 seconds" in info.value.hint
    assert time.monotonic() - started < 5  # a 45 s wait is reported, not slept
    assert len(demo_server.seen) == 1


def test_rate_limit_retries_are_bounded(demo_server: DemoServer, demo_key: ApiKey) -> None:
    started = time.monotonic()
    with pytest.raises(e.RateLimited):
        CloseClient(demo_server.base_url, max_retries=3).fetch_contact("cont_ratelimitalways", demo_key)
    assert len(demo_server.seen) == 4  # the first try and three retries
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    ("contact_id", "min_wait"),
    [
        ("cont_ratelimitheader", 0.2),
        ("cont_ratelimitretryafter", 1.0),
        ("cont_ratelimitresetheader", 0.2),
        ("cont_ratelimitnested", 0.2),
        ("cont_ratelimittoplevel", 0.2),
        ("cont_ratelimitbare", 1.0),
        ("cont_flaky502", 0.25 + 0.5),
        ("cont_flaky503", 0.1),
        ("cont_flaky504", 0.25),
    ],
)
def test_retries_then_succeeds(
    demo_server: DemoServer, demo_key: ApiKey, contact_id: str, min_wait: float
) -> None:
    started = time.monotonic()
    contact = CloseClient(demo_server.base_url).fetch_contact(contact_id, demo_key)
    spent = time.monotonic() - started
    assert contact.id == contact_id
    assert len(demo_server.seen) >= 2
    assert min_wait * 0.9 <= spent < min_wait + 5  # waited what the server said, and no longer


def test_rate_limit_header_forms() -> None:
    assert rate_limit_wait({"ratelimit": "limit=100, remaining=0, reset=1.5"}, None) == 1.5
    assert rate_limit_wait({"Retry-After": "3"}, None) == 3
    assert rate_limit_wait({"RateLimit-Reset": "2"}, None) == 2
    assert rate_limit_wait({}, {"error": {"rate_reset": 0.7}}) == 0.7
    assert rate_limit_wait({}, {"rate_reset": 0.4}) == 0.4
    assert rate_limit_wait({}, None) is None
    assert rate_limit_wait({"Retry-After": "soon"}, None) is None


def test_read_timeout(demo_server: DemoServer, demo_key: ApiKey) -> None:
    client = CloseClient(demo_server.base_url, timeout=(2.0, 0.3))
    with pytest.raises(e.RequestTimedOut) as info:
        client.fetch_contact("cont_slow", demo_key)
    assert "did not answer within 0.3 seconds" in info.value.message


def test_connection_refused() -> None:
    with DemoServer() as server:
        url = server.base_url
    with pytest.raises(e.ConnectionFailed) as info:
        CloseClient(url).fetch_contact(DEMO_CONTACT_ID, ApiKey(SECRET))
    assert "refused" in info.value.message


def test_dns_failure_is_reported_as_offline() -> None:
    # .invalid never resolves (RFC 2606), so this needs no network.
    with pytest.raises(e.ConnectionFailed) as info:
        CloseClient("https://close.invalid/api/v1").fetch_contact(DEMO_CONTACT_ID, ApiKey(SECRET))
    assert "offline" in info.value.hint


def test_tls_failure(demo_key: ApiKey) -> None:
    # A plain-http server spoken to with https fails the TLS handshake.
    with DemoServer() as server:
        url = server.base_url.replace("http://", "https://")
        with pytest.raises(e.TlsError) as info:
            CloseClient(url).fetch_contact(DEMO_CONTACT_ID, demo_key)
    assert "could not be verified" in info.value.message


@pytest.mark.parametrize("contact_id", ["cont_huge", "cont_hugestream"])
def test_body_size_is_capped(demo_server: DemoServer, demo_key: ApiKey, contact_id: str) -> None:
    client = CloseClient(demo_server.base_url, max_body_bytes=1024 * 1024)
    with pytest.raises(e.ResponseTooLarge) as info:
        client.fetch_contact(contact_id, demo_key)
    assert "larger than 1 MB" in info.value.message


def test_cancel_ends_a_blocked_request_at_once(demo_server: DemoServer, demo_key: ApiKey) -> None:
    client = CloseClient(demo_server.base_url, timeout=(2.0, 30.0))
    token = CancelToken()
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            client.fetch_contact("cont_slow", demo_key, cancel=token)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 5
    while not demo_server.seen and time.monotonic() < deadline:
        time.sleep(0.01)  # wait until the request is in flight, not a timing assertion
    token.cancel()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], e.FetchCancelled)


def test_cancel_wakes_a_retry_wait(demo_server: DemoServer, demo_key: ApiKey) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(e.FetchCancelled):
        CloseClient(demo_server.base_url).fetch_contact("cont_ratelimitbare", demo_key, cancel=token)


def test_plain_http_refused_unless_loopback() -> None:
    with pytest.raises(e.InvalidBaseUrl) as info:
        CloseClient("http://api.close.com/api/v1")
    assert "unencrypted" in info.value.message
    assert CloseClient("http://localhost:9/api/v1").base_url == "http://localhost:9/api/v1"
    assert CloseClient("http://[::1]:9/api/v1/").base_url == "http://[::1]:9/api/v1"


def test_invalid_id_never_reaches_the_network(demo_server: DemoServer, demo_key: ApiKey) -> None:
    for bad in ["cont_a/../lead_b", "cont_a%2F", "cont a", "../etc"]:
        with pytest.raises(e.InvalidContactInput):
            CloseClient(demo_server.base_url).fetch_contact(bad, demo_key)
    assert demo_server.seen == []


@pytest.mark.parametrize(
    "contact_id",
    [
        "cont_doesNotExist42",
        "cont_fault400",
        "cont_fault403",
        "cont_fault500",
        "cont_ratelimitlong",
        "cont_notjson",
        "cont_drop",
        "cont_badshape",
        "cont_slow",
    ],
)
def test_no_secret_in_any_error(
    demo_server: DemoServer, contact_id: str, capfd: pytest.CaptureFixture[str]
) -> None:
    import traceback

    client = CloseClient(demo_server.base_url, timeout=(2.0, 0.3))
    basic = base64.b64encode(f"{SECRET}:".encode()).decode()
    for credential in (ApiKey(SECRET), OAuthToken(SECRET)):
        with pytest.raises(e.CloseViewerError) as info:
            client.fetch_contact(contact_id, credential)
        text = "".join(traceback.format_exception(info.value))
        text += str(info.value) + repr(info.value) + info.value.hint + repr(credential) + str(credential)
        assert SECRET not in text and basic not in text
    out, err = capfd.readouterr()
    assert SECRET not in out + err and basic not in out + err


def test_server_text_that_echoes_the_key_is_redacted() -> None:
    from close_viewer.core.api.error_words import Subject, error_for

    err = error_for(400, {"error": f"bad key {SECRET}"}, Subject("contact", "cont_a"), ApiKey(SECRET))
    assert SECRET not in err.message and "•••" in err.message
