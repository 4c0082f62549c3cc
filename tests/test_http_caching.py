"""ETags, Cache-Control, 304s and HEAD on every GET; tags follow the content across reseeds."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.seeding import load_seeds
from tests.helpers.databases import client_for
from tests.helpers.seeds import SEEDS_DIR, copy_seeds, editing

CACHEABLE = [
    "/v1/quotes",
    "/v1/quotes?stakeholder_type=payer&limit=3",
    "/v1/quotes/cgt-2026-q01",
    "/v1/layers",
    "/v1/layers/a-bit-deeper",
    "/v1/themes",
    "/v1/stakeholder-types",
    "/v1/interviews",
    "/v1/tags",
    "/v1/reports/cgt-insights-2026",
    "/v1/meta",
]


@pytest.mark.parametrize("url", CACHEABLE)
def test_get_is_tagged_and_revalidates_to_304(client: TestClient, url: str) -> None:
    response = client.get(url)
    etag = response.headers["etag"]
    assert etag.startswith('W/"')
    assert response.headers["cache-control"] == "public, max-age=300"
    strong = etag.removeprefix("W/")
    for header in (etag, strong, f'"other", {etag}', "*"):
        revalidated = client.get(url, headers={"If-None-Match": header})
        assert revalidated.status_code == 304
        assert revalidated.content == b""
        assert revalidated.headers["etag"] == etag
    assert client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200


def test_different_content_has_different_tags(client: TestClient) -> None:
    tags = {client.get(url).headers["etag"] for url in CACHEABLE}
    assert len(tags) == len(CACHEABLE)


def test_random_quote_is_never_stored_or_tagged(client: TestClient) -> None:
    response = client.get("/v1/quotes/random")
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


def test_errors_are_not_tagged(client: TestClient) -> None:
    assert "etag" not in client.get("/v1/quotes/nope").headers


@pytest.mark.parametrize("url", ["/v1/layers", "/v1/quotes/cgt-2026-q01", "/v1/quotes/nope"])
def test_head_answers_like_get_without_a_body(client: TestClient, url: str) -> None:
    get, head = client.get(url), client.head(url)
    assert head.status_code == get.status_code
    assert head.content == b""
    assert head.headers.get("etag") == get.headers.get("etag")
    assert head.headers["content-type"] == get.headers["content-type"]


def seeds_with_first_tag_renamed(tmp_path: Path) -> Path:
    """A copy of the seeds in which the first tag is called "Renamed"."""
    seeds = copy_seeds(tmp_path / "seeds")
    with editing(seeds, "tags.yaml") as document:
        document["tags"][0]["name"] = "Renamed"
    return seeds


def test_tags_change_exactly_when_the_content_changes(seeded: Engine, tmp_path: Path) -> None:
    client = client_for(seeded)
    before = {url: client.get(url).headers["etag"] for url in ("/v1/tags", "/v1/layers")}
    load_seeds(seeded, SEEDS_DIR)
    assert {url: client.get(url).headers["etag"] for url in before} == before

    load_seeds(seeded, seeds_with_first_tag_renamed(tmp_path))
    assert client.get("/v1/tags").headers["etag"] != before["/v1/tags"]
    assert client.get("/v1/layers").headers["etag"] == before["/v1/layers"]


def test_the_response_cache_never_serves_stale_data(seeded: Engine, tmp_path: Path) -> None:
    client = client_for(seeded)
    for _ in range(3):  # warm the cache
        assert "Renamed" not in client.get("/v1/tags").text
    load_seeds(seeded, seeds_with_first_tag_renamed(tmp_path))
    assert "Renamed" in client.get("/v1/tags").text
    tags = client.get("/v1/tags").json()["items"]
    assert any(tag["name"] == "Renamed" for tag in tags)
    load_seeds(seeded, SEEDS_DIR)
    assert "Renamed" not in client.get("/v1/tags").text
