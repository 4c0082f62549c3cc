"""The response cache: keyed on a route's own parameters and the negotiated format, bounded in
bytes, off with RESPONSE_CACHE_MAX_BYTES=0, and never leaking its bookkeeping onto the wire."""

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.http.asgi import Buffered
from app.http.response_cache import Entries, ResponseCacheMiddleware
from bench.server import process_tree_rss_mb
from tests.helpers.databases import client_for
from tests.helpers.servers import make_serve
from tests.helpers.settings import Configure

MiB = 1024 * 1024


def cache_of(client: TestClient) -> ResponseCacheMiddleware | None:
    """The response cache layer of the client's app (built on the first request)."""
    layer = getattr(client.app, "middleware_stack", None)
    while layer is not None and not isinstance(layer, ResponseCacheMiddleware):
        layer = getattr(layer, "app", None)
    return layer


@pytest.fixture
def fresh_client(engine: Engine, configure: Configure) -> TestClient:
    """An app of its own over the seeded report, so its cache starts empty."""
    configure()
    client = client_for(engine)
    client.get("/v1/meta")
    return client


def stored_keys(client: TestClient, path: str) -> list[tuple[str, ...]]:
    cache = cache_of(client)
    assert cache is not None
    return [key for key in cache.entries.stored if key[1] == path]


@pytest.mark.parametrize(
    ("path", "variants"),
    [
        ("/openapi.json", ["", "?junk=1", "?junk=2&more=x", "?a=%41"]),
        ("/v1/layers", ["", "?x=1", "?limit=5"]),
        ("/v1/quotes", ["?limit=3", "?limit=3&junk=1", "?junk=2&limit=3", "?limit=%33"]),
        ("/v1/quotes/cgt-2026-q07", ["", "?utm_source=partner", "?fbclid=abc"]),
    ],
    ids=["openapi", "layers", "quote-list", "one-quote"],
)
def test_junk_parameters_share_one_entry(
    fresh_client: TestClient, path: str, variants: list[str]
) -> None:
    bodies = {fresh_client.get(path + variant).content for variant in variants}
    assert len(bodies) == 1
    assert len(stored_keys(fresh_client, path)) == 1


@pytest.mark.parametrize(
    "accept", ["", "*/*", "application/json", "application/json, text/plain, */*", "text/html"]
)
def test_accept_spellings_that_choose_json_share_one_entry(
    fresh_client: TestClient, accept: str
) -> None:
    fresh_client.get("/v1/stats/crosstab?rows=layer&cols=stakeholder_type")
    response = fresh_client.get(
        "/v1/stats/crosstab?rows=layer&cols=stakeholder_type", headers={"Accept": accept}
    )
    assert response.headers["content-type"] == "application/json"
    assert len(stored_keys(fresh_client, "/v1/stats/crosstab")) == 1


def test_the_negotiated_format_keeps_its_own_entry(fresh_client: TestClient) -> None:
    url = "/v1/stats/crosstab?rows=layer&cols=stakeholder_type"
    as_json = fresh_client.get(url)
    as_csv = fresh_client.get(url, headers={"Accept": "text/csv, application/json"})
    again = fresh_client.get(url, headers={"Accept": "text/csv"})
    assert as_json.headers["content-type"] == "application/json"
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert again.content == as_csv.content
    assert len(stored_keys(fresh_client, "/v1/stats/crosstab")) == 2


def test_parameters_a_route_reads_keep_their_entries_apart(fresh_client: TestClient) -> None:
    first = fresh_client.get("/v1/quotes?limit=2&layer=a-bit-deeper").json()
    other = fresh_client.get("/v1/quotes?limit=2&layer=the-fundamentals").json()
    assert first != other
    assert {q["layer"]["id"] for q in other["items"]} == {"the-fundamentals"}
    assert len(stored_keys(fresh_client, "/v1/quotes")) == 2


@pytest.mark.parametrize(
    "url", ["/healthz", "/readyz", "/docs", "/static/docs/swagger-ui.css", "/v1/layers"]
)
def test_no_internal_header_reaches_the_client(fresh_client: TestClient, url: str) -> None:
    for _ in range(2):  # a miss, then a hit where the path is cached
        response = fresh_client.get(url)
        assert response.status_code == 200
        assert not [name for name in response.headers if name.startswith("x-insights")]


def test_a_cache_of_zero_bytes_is_off(engine: Engine, configure: Configure) -> None:
    configure(response_cache_max_bytes="0")
    client = client_for(engine)
    first, second = client.get("/v1/layers"), client.get("/v1/layers")
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]
    assert cache_of(client) is None


def response_of(size: int) -> Buffered:
    return Buffered(200, [(b"content-type", b"application/json")], b"x" * size)


def test_entries_stay_within_their_bytes_least_recently_used_first() -> None:
    entries = Entries(max_bytes=64 * 1024)
    for n in range(200):
        entries.put(("v1", f"/p{n}", "", "json", ""), response_of(3000))
        entries.get(("v1", "/p0", "", "json", ""))  # kept in use: never the one evicted
        assert entries.bytes <= entries.max_bytes
    assert entries.get(("v1", "/p0", "", "json", "")) is not None
    assert entries.get(("v1", "/p1", "", "json", "")) is None
    assert entries.get(("v1", "/p199", "", "json", "")) is not None
    assert entries.bytes == sum(size for _, size in entries.stored.values())


def test_a_response_over_an_eighth_of_the_cache_is_not_kept() -> None:
    entries = Entries(max_bytes=80 * 1024)
    entries.put(("v1", "/small", "", "json", ""), response_of(1000))
    entries.put(("v1", "/big", "", "json", ""), response_of(10 * 1024))
    assert entries.get(("v1", "/big", "", "json", "")) is None
    assert entries.get(("v1", "/small", "", "json", "")) is not None


def test_new_data_drops_every_old_entry() -> None:
    entries = Entries(max_bytes=MiB)
    entries.put(("v1", "/a", "", "json", ""), response_of(100))
    entries.put(("v2", "/b", "", "json", ""), response_of(100))
    assert list(entries.stored) == [("v2", "/b", "", "json", "")]
    assert entries.bytes == next(iter(entries.stored.values()))[1]


def test_junk_parameters_leave_the_servers_memory_flat(tmp_path: Path) -> None:
    # Keyed on the raw query, each junk value kept another copy of the ~100 KB OpenAPI document:
    # 4,200 of them took the server from 131 to 550 MB.
    serve = make_serve(tmp_path, RESPONSE_CACHE_MAX_BYTES=str(8 * MiB))
    with serve as (port, process), httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
        size = len(http.get("/openapi.json").content)
        before = process_tree_rss_mb(process.pid)
        for n in range(600):
            assert http.get(f"/openapi.json?junk={n}").status_code == 200
        grown = process_tree_rss_mb(process.pid) - before
    assert size > 50_000
    assert grown < 16, f"RSS grew {grown:.1f} MiB over 600 junk requests of {size} bytes"
