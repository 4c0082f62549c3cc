"""The web face's middleware: trusted hosts, per-client rate limits (memory and Redis), gzip. It is
long because the rate limiter is tested on both stores and with every forwarded-address form."""

import gzip
import logging

import anyio
import httpx2
import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from starlette.types import Message, Scope

from app.http.client_ip import TrustedProxies, budget_keys, client_address
from app.http.rate_limit import KEY_PREFIX
from app.main import create_app
from tests.helpers.api import ORIGIN
from tests.helpers.net import unique_address
from tests.helpers.settings import Configure

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
RATE_HEADERS = ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset")
LIMITED_URL = "/v1/layers"
BIG_URL = "/v1/quotes?limit=100"

Peer = tuple[str, int]


def api(engine: Engine, peer: Peer = ("testclient", 50000)) -> TestClient:
    """A client of a new app (built from the current settings), connecting from `peer`."""
    return TestClient(create_app(engine), client=peer, raise_server_exceptions=False)


def rate_headers(response: httpx2.Response) -> dict[str, str]:
    return {name: response.headers[name] for name in RATE_HEADERS if name in response.headers}


# Rate limiting: off by default, counts down, refuses with a problem that keeps CORS.


def test_rate_limit_is_off_by_default(configure: Configure, engine: Engine) -> None:
    configure()
    with api(engine) as client:
        for _ in range(30):
            response = client.get(LIMITED_URL)
            assert response.status_code == 200
            assert rate_headers(response) == {}


def test_limit_counts_down_then_refuses_with_a_problem(
    configure: Configure, engine: Engine
) -> None:
    configure(rate_limit_enabled="true", rate_limit_per_minute="5")
    with api(engine, ("203.0.113.10", 1234)) as client:
        for remaining in (4, 3, 2, 1, 0):
            response = client.get(LIMITED_URL, headers={"Origin": ORIGIN})
            assert response.status_code == 200
            headers = rate_headers(response)
            assert headers["ratelimit-limit"] == "5"
            assert headers["ratelimit-remaining"] == str(remaining)
            assert 1 <= int(headers["ratelimit-reset"]) <= 60
        refused = client.get(LIMITED_URL, headers={"Origin": ORIGIN})
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json() == {
        "type": "/problems/rate-limited",
        "title": "Too many requests",
        "status": 429,
        "detail": f"This client may make 5 requests a minute; "
        f"retry in {refused.headers['retry-after']} s.",
        "instance": LIMITED_URL,
    }
    assert rate_headers(refused)["ratelimit-remaining"] == "0"
    assert refused.headers["retry-after"] == refused.headers["ratelimit-reset"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # CORS wraps the limiter: a browser script can read the refusal and when to retry.
    assert refused.headers["access-control-allow-origin"] == "*"
    exposed = refused.headers["access-control-expose-headers"]
    assert {"retry-after", *RATE_HEADERS} <= set(exposed.lower().split(", "))


@pytest.mark.parametrize("probe", ["/healthz", "/readyz"])
def test_health_probes_are_never_limited(configure: Configure, engine: Engine, probe: str) -> None:
    configure(rate_limit_enabled="true", rate_limit_per_minute="2")
    with api(engine) as client:
        assert [client.get(LIMITED_URL).status_code for _ in range(3)] == [200, 200, 429]
        for _ in range(10):
            response = client.get(probe)
            assert response.status_code == 200
            assert rate_headers(response) == {}


@pytest.mark.parametrize(
    "headers",
    [{"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}, {}],
    ids=["preflight", "plain"],
)
def test_options_requests_are_not_counted(
    configure: Configure, engine: Engine, headers: dict[str, str]
) -> None:
    configure(rate_limit_enabled="true", rate_limit_per_minute="3")
    with api(engine) as client:
        for _ in range(10):
            assert rate_headers(client.options(LIMITED_URL, headers=headers)) == {}
        assert rate_headers(client.get(LIMITED_URL))["ratelimit-remaining"] == "2"


def test_clients_have_separate_budgets(configure: Configure, engine: Engine) -> None:
    configure(rate_limit_enabled="true", rate_limit_per_minute="2")
    app = api(engine).app
    with (
        TestClient(app, client=("10.0.0.1", 123)) as first,
        TestClient(app, client=("10.0.0.2", 123)) as second,
    ):
        assert [first.get(LIMITED_URL).status_code for _ in range(3)] == [200, 200, 429]
        assert [second.get(LIMITED_URL).status_code for _ in range(3)] == [200, 200, 429]


# Client identity: the peer, or behind a trusted proxy the right-most untrusted forwarded hop.


def test_forwarded_for_from_an_untrusted_peer_is_ignored(
    configure: Configure, engine: Engine
) -> None:
    configure(rate_limit_enabled="true", rate_limit_per_minute="3", trusted_proxies='["10.0.0.9"]')
    with api(engine, ("203.0.113.7", 1)) as client:
        statuses = [
            client.get(LIMITED_URL, headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code
            for i in range(4)
        ]
    assert statuses == [200, 200, 200, 429]


def test_forwarded_for_from_a_trusted_proxy_names_the_client(
    configure: Configure, engine: Engine
) -> None:
    configure(
        rate_limit_enabled="true", rate_limit_per_minute="1", trusted_proxies='["10.0.0.0/24"]'
    )
    with api(engine, ("10.0.0.9", 1)) as proxy:
        for i in range(4):
            # The client's own (spoofed) entry is left of the address the proxy appended.
            forwarded = f"192.0.2.1, 198.51.100.{i}"
            response = proxy.get(LIMITED_URL, headers={"X-Forwarded-For": forwarded})
            assert response.status_code == 200
        again = proxy.get(LIMITED_URL, headers={"X-Forwarded-For": "192.0.2.2, 198.51.100.0"})
        assert again.status_code == 429


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.7", ["198.51.100.1"], "203.0.113.7"),
        ("10.0.0.9", [], "10.0.0.9"),
        ("10.0.0.9", ["198.51.100.1"], "198.51.100.1"),
        ("10.0.0.9", ["192.0.2.1, 198.51.100.1"], "198.51.100.1"),
        ("10.0.0.9", ["192.0.2.1", "198.51.100.1"], "198.51.100.1"),
        ("10.0.0.9", ["198.51.100.1, 10.0.0.5"], "198.51.100.1"),
        ("10.0.0.9", ["10.0.0.4, 10.0.0.5"], "10.0.0.4"),
        ("10.0.0.9", ["2001:db8::1"], "2001:db8::1"),
        ("proxy.local", ["198.51.100.1"], "198.51.100.1"),
        ("testclient", ["198.51.100.1"], "testclient"),
    ],
)
def test_client_address(peer: str, forwarded: list[str], expected: str) -> None:
    scope: Scope = {
        "type": "http",
        "client": (peer, 1),
        "headers": [(b"x-forwarded-for", value.encode()) for value in forwarded],
    }
    assert client_address(scope, TrustedProxies(["10.0.0.0/24", "proxy.local"])) == expected


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("198.51.100.1", "198.51.100.1"),
        ("::ffff:198.51.100.1", "198.51.100.1"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("[2001:db8:1:2::9]", "2001:db8:1:2::/64"),
        ("testclient", "testclient"),
    ],
)
def test_client_key_groups_an_ipv6_subscriber(address: str, key: str) -> None:
    assert budget_keys(address)[0] == key


# Redis: one budget for every process; an outage serves requests unlimited.


def test_processes_sharing_redis_share_one_budget(
    configure: Configure, engine: Engine, redis_url: str
) -> None:
    configure(rate_limit_enabled="true", rate_limit_per_minute="5", redis_url=redis_url)
    peer = (unique_address(), 40000)
    store = redis.Redis.from_url(redis_url)
    try:
        # Two apps, each with its own connections and event loop: two API processes.
        with api(engine, peer) as first, api(engine, peer) as second:
            clients = [first, second, first, second, first]
            remaining = [rate_headers(c.get(LIMITED_URL))["ratelimit-remaining"] for c in clients]
            assert remaining == ["4", "3", "2", "1", "0"]
            assert second.get(LIMITED_URL).status_code == 429
            assert first.get(LIMITED_URL).status_code == 429
        keys = store.keys(f"{KEY_PREFIX}*{peer[0]}*")
        assert keys  # counted in Redis, not in either process
        assert all(0 < store.pttl(key) <= 120_000 for key in keys)
    finally:
        for key in store.keys(f"{KEY_PREFIX}*{peer[0]}*"):
            store.delete(key)
        store.close()


def test_unreachable_redis_fails_open(
    configure: Configure, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    configure(rate_limit_enabled="true", rate_limit_per_minute="2", redis_url=UNREACHABLE_REDIS)
    with caplog.at_level(logging.WARNING, logger="insights.ratelimit"), api(engine) as client:
        for _ in range(5):
            response = client.get(LIMITED_URL)
            assert response.status_code == 200
            assert rate_headers(response) == {}
    assert any("Redis failed" in record.getMessage() for record in caplog.records)


# Compression.


def raw_get(client: TestClient, url: str, headers: dict[str, str]) -> tuple[httpx2.Response, bytes]:
    """The response and its body as sent (not decoded), with exactly the given headers."""
    client.headers.pop("accept-encoding", None)
    with client.stream("GET", url, headers=headers) as response:
        return response, b"".join(response.iter_raw())


@pytest.mark.parametrize(
    ("url", "accept_encoding", "compressed"),
    [
        (BIG_URL, "gzip", True),
        (BIG_URL, "gzip, deflate, br", True),
        (BIG_URL, None, False),
        (BIG_URL, "identity", False),
        ("/healthz", "gzip", False),
    ],
)
def test_gzip_when_accepted_and_worth_it(
    configure: Configure,
    engine: Engine,
    url: str,
    accept_encoding: str | None,
    compressed: bool,
) -> None:
    configure()
    with api(engine) as client:
        _, plain = raw_get(client, url, {"Accept-Encoding": "identity"})
        headers = {} if accept_encoding is None else {"Accept-Encoding": accept_encoding}
        response, raw = raw_get(client, url, headers)
    sent = response.headers
    assert sent["content-length"] == str(len(raw))
    if compressed:
        assert sent["content-encoding"] == "gzip"
        assert "Accept-Encoding" in sent["vary"]
        assert len(raw) < len(plain) // 3
        assert gzip.decompress(raw) == plain
    else:
        assert "content-encoding" not in sent
        assert raw == plain
    if url == BIG_URL:
        assert "Accept-Encoding" in sent["vary"]


def test_etag_and_304_hold_under_gzip(configure: Configure, engine: Engine) -> None:
    configure()
    with api(engine) as client:
        zipped = client.get(BIG_URL, headers={"Accept-Encoding": "gzip"})
        plain = client.get(BIG_URL, headers={"Accept-Encoding": "identity"})
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.headers["etag"] == plain.headers["etag"]
        assert zipped.headers["etag"].startswith('W/"')
        assert zipped.content == plain.content
        for encoding in ("gzip", "identity"):
            revalidated = client.get(
                BIG_URL,
                headers={"Accept-Encoding": encoding, "If-None-Match": zipped.headers["etag"]},
            )
            assert revalidated.status_code == 304
            assert revalidated.content == b""
            assert "content-encoding" not in revalidated.headers
            assert "Accept-Encoding" in revalidated.headers["vary"]


def test_csv_export_still_streams_under_gzip(configure: Configure, engine: Engine) -> None:
    configure()
    client = api(engine)
    plain = client.get("/v1/quotes.csv", headers={"Accept-Encoding": "identity"}).content
    messages = anyio.run(asgi_get, client, "/v1/quotes.csv", b"gzip")
    start, bodies = messages[0], messages[1:]
    headers = dict(start["headers"])
    assert headers[b"content-encoding"] == b"gzip"
    assert b"content-length" not in headers
    # One body message per CSV line, each compressed and flushed as it comes.
    assert len(bodies) > 60
    assert all(message["more_body"] for message in bodies[:-1])
    assert gzip.decompress(b"".join(message["body"] for message in bodies)) == plain


async def asgi_get(client: TestClient, path: str, accept_encoding: bytes) -> list[Message]:
    """The ASGI messages the app sends for a GET, as a server would receive them."""
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"accept-encoding", accept_encoding)],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    messages: list[Message] = []
    requested = False

    async def receive() -> Message:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        messages.append(message)

    await client.app(scope, receive, send)
    return messages


# Trusted hosts.


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("api.example.org", 200),
        ("API.example.org:8443", 200),
        ("eu.example.net", 200),
        ("testserver", 400),
        ("example.net", 400),
        ("api.example.org.evil.test", 400),
    ],
)
def test_only_trusted_hosts_are_answered(
    configure: Configure, engine: Engine, host: str, status: int
) -> None:
    configure(trusted_hosts='["api.example.org", "*.example.net"]')
    response = api(engine).get("/healthz", headers={"Host": host})
    assert response.status_code == status
    if status == 400:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json() == {
            "type": "/problems/bad-request",
            "title": "Bad request",
            "status": 400,
            "detail": "This API does not answer for the requested Host.",
            "instance": "/healthz",
        }


def test_any_host_is_answered_by_default(configure: Configure, engine: Engine) -> None:
    configure()
    assert api(engine).get("/healthz", headers={"Host": "anything.test"}).status_code == 200
