"""Today's ids and URLs, pinned exactly: partner pages, feed readers and citations hold them.

Holding many reports in one database may add ids (with new reports) but must not rename, drop or
re-home one; with only today's documents loaded, the sets of ids equal tests/pinned/ids.json, and
every URL below still answers 200 with its media type. A quote's permalink is also its identity in
the JSON Feed and in its page's JSON-LD, so those are pinned to the permalink too. ids.json is
rewritten by the same PIN_UPDATE=1 run as the pinned answers (see tests/test_pinned_answers.py).
"""

import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from app import urls
from tests.helpers.pins import IDS_PIN, UPDATING, pin_path, read_pin, write_pin

Json = dict[str, Any]
BASE = urls.base_url()
QUOTE_IDS = [f"cgt-2026-q{n:02d}" for n in range(1, 63)]
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
HTML = "text/html; charset=utf-8"
CSV = "text/csv; charset=utf-8"
# Missing only while PIN_UPDATE=1 writes it for the first time.
PINNED_IDS: dict[str, list[str]] = read_pin(IDS_PIN) if pin_path(IDS_PIN).exists() else {}

# Kind of id -> the list that names them all today. Organisation types have no list of their own.
ID_SOURCES = {
    "quotes": "/v1/quotes?limit=100",
    "layers": "/v1/layers",
    "themes": "/v1/themes",
    "stakeholder_types": "/v1/stakeholder-types",
    "organisation_types": "/v1/quotes?limit=1&facet=organisation_type",
    "interviews": "/v1/interviews",
    "tags": "/v1/tags",
    "reports": "/v1/reports",
}
EMBEDDED = ["cgt-2026-q01", "cgt-2026-q31", "cgt-2026-q62"]

URLS: list[tuple[str, str]] = [
    *[(f"/quotes/{quote_id}", HTML) for quote_id in QUOTE_IDS],
    *[(f"/themes/{theme_id}", HTML) for theme_id in PINNED_IDS.get("themes", [])],
    *[(f"/layers/{layer_id}", HTML) for layer_id in PINNED_IDS.get("layers", [])],
    *[(f"/embed/quotes/{quote_id}", HTML) for quote_id in EMBEDDED],
    *[
        (
            f"/oembed?{urlencode({'url': f'{BASE}/quotes/{quote_id}', 'format': 'json'})}",
            "application/json",
        )
        for quote_id in EMBEDDED
    ],
    ("/feeds/quotes.json", "application/feed+json"),
    ("/feeds/quotes.atom", "application/atom+xml"),
    ("/feeds/quotes.rss", "application/rss+xml"),
    ("/", HTML),
    ("/docs", HTML),
    ("/openapi.json", "application/json"),
    ("/embed/widget.js", "application/javascript; charset=utf-8"),
    ("/v1/exports/refi-qda.qdpx", "application/vnd.refi-qda+zip"),
    ("/v1/quotes.csv", CSV),
    ("/v1/quotes.ndjson", "application/x-ndjson"),
    ("/v1/stats/crosstab.csv?rows=theme&cols=layer", CSV),
]


def every_item(client: TestClient, url: str) -> list[Json]:
    """Every item of a list, following `next_cursor` to the end."""
    found: list[Json] = []
    page_url = url
    for _ in range(100):
        response = client.get(page_url)
        assert response.status_code == 200, response.text
        page = response.json()
        found.extend(page["items"])
        if page["next_cursor"] is None:
            return found
        page_url = f"{url}&cursor={page['next_cursor']}"
    raise AssertionError(f"{url} did not end")


def todays_ids(client: TestClient, kind: str) -> list[str]:
    if kind == "organisation_types":
        facet = client.get(ID_SOURCES[kind]).json()["facets"]["organisation_type"]
        return sorted(value["value"] for value in facet if value["value"] is not None)
    return sorted(item["id"] for item in every_item(client, ID_SOURCES[kind]))


@pytest.mark.parametrize("kind", ID_SOURCES)
def test_ids_are_todays(client: TestClient, backend: str, kind: str) -> None:
    ids = todays_ids(client, kind)
    if UPDATING and backend == "sqlite":
        write_pin(IDS_PIN, {**(read_pin(IDS_PIN) if pin_path(IDS_PIN).exists() else {}), kind: ids})
    assert ids == read_pin(IDS_PIN)[kind]


def test_pinned_ids_are_todays_kinds_and_quote_numbers() -> None:
    assert set(PINNED_IDS) == set(ID_SOURCES)
    assert PINNED_IDS["quotes"] == QUOTE_IDS
    assert all(ids == sorted(set(ids)) for ids in PINNED_IDS.values())


@pytest.mark.parametrize(("url", "content_type"), URLS)
def test_todays_url_answers(client: TestClient, url: str, content_type: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == content_type


@pytest.fixture(scope="module")
def feed_items(client: TestClient) -> dict[str, Json]:
    """The unfiltered JSON Feed's items by quote id (the feed and the list share report order)."""
    feed = client.get("/feeds/quotes.json").json()
    quotes = every_item(client, "/v1/quotes?limit=100")
    assert len(feed["items"]) == len(quotes)
    for item, quote in zip(feed["items"], quotes, strict=True):
        assert item["content_text"] == quote["text"]
    return {quote["id"]: item for item, quote in zip(feed["items"], quotes, strict=True)}


@pytest.mark.parametrize("quote_id", QUOTE_IDS)
def test_json_feed_item_is_known_by_the_permalink(
    feed_items: dict[str, Json], quote_id: str
) -> None:
    item = feed_items[quote_id]
    assert (item["id"], item["url"]) == (f"{BASE}/quotes/{quote_id}",) * 2


@pytest.mark.parametrize("quote_id", QUOTE_IDS)
def test_permalink_page_jsonld_is_known_by_the_permalink(client: TestClient, quote_id: str) -> None:
    (block,) = JSONLD.findall(client.get(f"/quotes/{quote_id}").text)
    data = json.loads(block)
    assert (data["@id"], data["url"]) == (f"{BASE}/quotes/{quote_id}",) * 2
