"""Quote feeds (JSON Feed, Atom, RSS) and the quote of the day, on both backends. It is long because
three formats are each read back by a real parser."""

import hashlib
import html
import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import feedparser
import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app import urls
from app.config import get_settings
from app.params import QuoteFilters
from app.queries.catalogue import read_reports
from app.queries.quotes import first_quotes
from app.render import feeds
from tests.helpers.api import Json, walk_pages

BASE = urls.base_url()
PUBLISHED = date(2026, 2, 3)
REPORT = "cgt-insights-2026"
FORMATS = ("json", "atom", "rss")
MEDIA_TYPES = {
    "json": "application/feed+json",
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
}
FILTER_SETS = [
    "",
    "layer=a-bit-deeper",
    "theme=fda-pathways",
    "stakeholder_type=payer",
    "tag=medicaid",
    "layer=tip-of-the-iceberg&layer=the-fundamentals",
    "q=medicaid&stakeholder_type=public-payer",
    "q=%22value-based+purchasing%22",
    "interview=former-federal-regulator&theme=fda-pathways",
    "stakeholder_type=state-policymaker",
    "report=cgt-press-release-2026",
]
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "]]><script>alert(1)</script>",
    "R&D &amp; <b>bold</b>",
    "a\x0bb\x01c",
]


@dataclass(frozen=True)
class Entry:
    """One feed item, read back the same way from every format."""

    id: str
    link: str
    title: str
    author: str
    categories: list[str]
    text: str
    published: date
    source: tuple[str, str]  # the title and feed URL of the report that prints the quote


@dataclass(frozen=True)
class ParsedFeed:
    """A feed document, read back the same way from every format."""

    title: str
    self_link: str
    home_link: str
    author: str
    rights: str
    updated: date
    entries: list[Entry]


def fetch(client: TestClient, fmt: str, query: str = "", **kwargs: Any) -> Response:
    response = client.get(f"/feeds/quotes.{fmt}?{query}", **kwargs)
    assert response.status_code == 200, response.text
    return response


def api_quotes(client: TestClient, query: str = "") -> list[Json]:
    """Every quote `/v1/quotes` lists for the query (they fit on one page)."""
    return walk_pages(client, f"/v1/quotes?limit=100&{query}", max_pages=1)


def assert_json_feed_1_1(document: Json) -> None:
    """The fields JSON Feed 1.1 requires, and the ones this API promises."""
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(document["title"], str)
    assert document["title"]
    assert isinstance(document["items"], list)
    for url in (document["home_page_url"], document["feed_url"]):
        assert url.startswith(f"{BASE}/")
    assert [author["name"] for author in document["authors"]]
    assert all(key.startswith("_") for key in set(document) - JSON_FEED_KEYS)
    for item in document["items"]:
        assert isinstance(item["id"], str)
        assert item["id"]
        assert isinstance(item["content_text"], str)
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None


JSON_FEED_KEYS = {
    "version",
    "title",
    "home_page_url",
    "feed_url",
    "description",
    "user_comment",
    "next_url",
    "icon",
    "favicon",
    "authors",
    # JSON Feed 1.0's single author, which 1.1 keeps (deprecated) for 1.0 readers.
    "author",
    "language",
    "expired",
    "hubs",
    "items",
}


def parse(response: Response, fmt: str) -> ParsedFeed:
    """JSON Feed by json (feedparser 6.0 reads XML only), Atom and RSS by feedparser."""
    if fmt == "json":
        document = json.loads(response.content)
        assert_json_feed_1_1(document)
        return ParsedFeed(
            title=document["title"],
            self_link=document["feed_url"],
            home_link=document["home_page_url"],
            author=document["authors"][0]["name"],
            rights=document["_insights"]["rights"],
            updated=datetime.fromisoformat(document["_insights"]["updated"]).date(),
            entries=[
                Entry(
                    id=item["id"],
                    link=item["url"],
                    title=item["title"],
                    author=item["authors"][0]["name"],
                    categories=item["tags"],
                    text=item["content_text"],
                    published=datetime.fromisoformat(item["date_published"]).date(),
                    source=(
                        item["_insights"]["report"]["title"],
                        item["_insights"]["report_feed_url"],
                    ),
                )
                for item in document["items"]
            ],
        )
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == {"atom": "atom10", "rss": "rss20"}[fmt]
    links = {link["rel"]: link for link in parsed.feed.links}
    assert links["self"]["type"] == MEDIA_TYPES[fmt]
    return ParsedFeed(
        title=as_text(parsed.feed.title_detail),
        self_link=links["self"]["href"],
        home_link=links["alternate"]["href"],
        author=parsed.feed.author,
        rights=parsed.feed.rights,
        updated=date(*parsed.feed.updated_parsed[:3]),
        entries=[
            Entry(
                id=entry.id,
                link=entry.link,
                title=as_text(entry.title_detail),
                author=entry.author,
                categories=[tag["term"] for tag in entry.tags],
                text=as_text(entry.content[0] if fmt == "atom" else entry.summary_detail),
                published=date(*entry.published_parsed[:3]),
                source=(entry.source.title, entry.source.get("href") or entry.source.link),
            )
            for entry in parsed.entries
        ],
    )


def as_text(detail: Any) -> str:
    """The text a reader shows: RSS titles and descriptions are HTML, Atom's here are text."""
    value: str = detail["value"]
    if detail["type"] == "text/html":
        assert "<" not in value, "markup reached the feed"
        return html.unescape(value)
    assert detail["type"] == "text/plain"
    return value


def expected_entry(quote: Json, fmt: str) -> Entry:
    permalink = f"{BASE}/quotes/{quote['id']}"
    report_feed = f"{BASE}/feeds/quotes.{fmt}?report={quote['report']['id']}"
    return Entry(
        id=permalink,
        link=permalink,
        title=f"{quote['attribution']} — {quote['theme']['title']}",
        author=quote["attribution"],
        categories=[quote["theme"]["title"], quote["layer"]["name"]],
        text=quote["text"],
        published=PUBLISHED,
        source=(quote["report"]["title"], report_feed),
    )


# --- feeds ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_has_its_media_type_a_length_and_an_etag(client: TestClient, fmt: str) -> None:
    response = fetch(client, fmt)
    assert response.headers["content-type"] == MEDIA_TYPES[fmt]
    assert response.headers["etag"].startswith('W/"')
    assert response.headers["cache-control"] == f"public, max-age={get_settings().cache_max_age_s}"
    again = client.get(f"/feeds/quotes.{fmt}", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query", FILTER_SETS)
def test_feed_items_are_the_matching_quotes_in_report_order(
    client: TestClient, fmt: str, query: str
) -> None:
    feed = parse(fetch(client, fmt, query), fmt)
    assert feed.entries == [expected_entry(quote, fmt) for quote in api_quotes(client, query)]


def test_the_filter_sets_cover_empty_and_non_empty_feeds(client: TestClient) -> None:
    counts = {query: len(api_quotes(client, query)) for query in FILTER_SETS}
    assert counts[""] == 62
    assert counts["stakeholder_type=state-policymaker"] == 0
    assert len({count for count in counts.values() if count}) >= 5


@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_metadata(client: TestClient, fmt: str) -> None:
    report = client.get(f"/v1/reports/{REPORT}").json()
    feed = parse(fetch(client, fmt, "theme=fda-pathways&layer=a-bit-deeper"), fmt)
    assert feed.title == "Insights API: interview quotes (layer: a-bit-deeper; theme: fda-pathways)"
    assert feed.self_link == f"{BASE}/feeds/quotes.{fmt}?layer=a-bit-deeper&theme=fda-pathways"
    assert feed.home_link == f"{BASE}/"
    assert feed.author == report["publisher"]
    assert feed.rights == report["credit"]
    assert feed.updated == PUBLISHED == date.fromisoformat(report["published_on"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_unfiltered_feed_title_and_self_link(client: TestClient, fmt: str) -> None:
    feed = parse(fetch(client, fmt, "unrelated=1"), fmt)
    assert feed.title == "Insights API: interview quotes"
    assert feed.self_link == f"{BASE}/feeds/quotes.{fmt}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_id_and_self_link_are_canonical(client: TestClient, fmt: str) -> None:
    one = fetch(client, fmt, "theme=fda-pathways&layer=a-bit-deeper&theme=fda-pathways")
    other = fetch(client, fmt, "layer=a-bit-deeper&theme=fda-pathways")
    assert one.content == other.content


@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_links_come_from_base_url_not_the_host_header(client: TestClient, fmt: str) -> None:
    # A query of its own, so the response cache cannot answer with a body built for another Host.
    query = "layer=a-bit-deeper&ignored=host-test"
    response = fetch(client, fmt, query, headers={"Host": "evil.example"})
    assert b"evil.example" not in response.content
    feed = parse(response, fmt)
    assert feed.self_link == f"{BASE}/feeds/quotes.{fmt}?layer=a-bit-deeper"
    assert feed.entries
    for entry in feed.entries:
        assert urlsplit(entry.id).netloc == urlsplit(BASE).netloc
        assert entry.link == entry.id
        assert entry.id.startswith(f"{BASE}/quotes/cgt-2026-q")
    assert response.content == fetch(client, fmt, "layer=a-bit-deeper").content


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("mark", ['"', "’", "'", "...", "[", "$", "—"])
def test_quote_typography_survives_verbatim(client: TestClient, fmt: str, mark: str) -> None:
    quotes = [quote for quote in api_quotes(client) if mark in quote["text"]]
    assert quotes, f"the test needs a quote with {mark!r}"
    texts = {entry.id: entry.text for entry in parse(fetch(client, fmt), fmt).entries}
    for quote in quotes:
        assert texts[f"{BASE}/quotes/{quote['id']}"] == quote["text"]


def test_feed_is_capped_to_the_first_quotes(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On the builder: the API serves a repeated request from its response cache.
    assert feeds.MAX_ITEMS == 100
    monkeypatch.setattr(feeds, "MAX_ITEMS", 5)
    with Session(engine) as session:
        quotes = first_quotes(session, QuoteFilters(), feeds.MAX_ITEMS)
        feed = feeds.build_feed(
            QuoteFilters(), quotes, read_reports(session), feeds.FeedFormat.atom
        )
    assert [item.id for item in feed.items] == [
        f"{BASE}/quotes/cgt-2026-q{n:02d}" for n in range(1, 6)
    ]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("layer=nope", "layer"),
        ("theme=%3Cscript%3Ealert(1)%3C/script%3E", "theme"),
        ("tag=medicaid&tag=%3Cimg%20src=x%20onerror=alert(1)%3E", "tag"),
        ("interview=%22%3E%3Csvg%20onload=alert(1)%3E", "interview"),
    ],
)
def test_unknown_filter_value_is_a_422_problem(
    client: TestClient, fmt: str, query: str, name: str
) -> None:
    response = client.get(f"/feeds/quotes.{fmt}?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["loc"] for error in response.json()["errors"]] == [["query", name]]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("q", PAYLOADS)
def test_markup_in_the_search_text_never_reaches_a_feed_unescaped(
    client: TestClient, fmt: str, q: str
) -> None:
    response = fetch(client, fmt, params={"q": q})
    for raw in (b"<script", b"<img", b"<svg", b"<b>"):
        assert raw not in response.content
    feed = parse(response, fmt)
    assert feed.entries == [
        expected_entry(quote, fmt) for quote in api_quotes(client, urlencode({"q": q}))
    ]
    if "\x0b" not in q:
        assert feed.title == f"Insights API: interview quotes (q: {q})"


def test_json_feed_carries_json_feed_1_0_author_beside_authors(client: TestClient) -> None:
    """A 1.0 reader sees an author: feedparser 6.0.14 has no JSON Feed parser (it reads the
    bytes as XML), so the 1.0 shape is checked here: an `author` object with a string `name`,
    on the feed and on every item, the same as the first of 1.1's `authors`."""
    document = fetch(client, "json", "").json()
    assert document["items"]
    for node in [document, *document["items"]]:
        author = node["author"]
        assert set(author) <= {"name", "url", "avatar"}
        assert isinstance(author["name"], str)
        assert author["name"]
        assert author == node["authors"][0]
    first = document["items"][0]
    assert first["title"].startswith(f"{first['author']['name']} — ")


def test_json_feed_is_exactly_json_feed_1_1(client: TestClient) -> None:
    document = fetch(client, "json", "theme=fda-pathways").json()
    assert set(document) == {*JSON_FEED_KEYS, "_insights"} - {
        "user_comment",
        "next_url",
        "icon",
        "favicon",
        "expired",
        "hubs",
    }
    assert document["_insights"]["id"] == f"{BASE}/feeds/quotes.json?theme=fda-pathways"
    assert document["_insights"]["updated"] == "2026-02-03T00:00:00Z"
    assert set(document["items"][0]) == {
        "id",
        "url",
        "title",
        "content_text",
        "date_published",
        "authors",
        "author",
        "tags",
        "_insights",
    }
    assert document["items"][0]["_insights"] == {
        "report": {"id": REPORT, "title": document["items"][0]["_insights"]["report"]["title"]},
        "report_url": f"{BASE}/reports/{REPORT}",
        "report_feed_url": f"{BASE}/feeds/quotes.json?report={REPORT}",
    }


# --- the quote of the day ---------------------------------------------------------------------


def daily(client: TestClient, query: str = "") -> Response:
    return client.get(f"/v1/quotes/daily?{query}")


def seconds_to_midnight(now: datetime) -> float:
    return (datetime.combine(now.date() + timedelta(days=1), time(), UTC) - now).total_seconds()


@pytest.mark.parametrize(
    "query", ["", "layer=a-bit-deeper", "stakeholder_type=payer&q=medicaid", "tag=medicaid"]
)
def test_daily_quote_is_the_same_for_the_same_date_and_filters(
    client: TestClient, query: str
) -> None:
    first = daily(client, f"date=2026-02-03&{query}")
    assert first.status_code == 200
    assert daily(client, f"{query}&date=2026-02-03").json() == first.json()
    assert client.get(f"/v1/quotes/{first.json()['id']}").json() == first.json()


def test_daily_quote_is_the_documented_pick(client: TestClient) -> None:
    """sha256 of the date and the canonical filters, modulo the matches, in report order."""
    matches = api_quotes(client, "layer=a-bit-deeper&layer=the-fundamentals")
    canonical = {"layer": ["a-bit-deeper", "the-fundamentals"]}
    for day in ("2026-02-03", "2030-12-31"):
        key = json.dumps([day, canonical], sort_keys=True, separators=(",", ":"))
        index = int.from_bytes(hashlib.sha256(key.encode()).digest(), "big") % len(matches)
        # Order and repetition of the filter values do not change the pick.
        query = f"layer=the-fundamentals&layer=a-bit-deeper&layer=the-fundamentals&date={day}"
        assert daily(client, query).json()["id"] == matches[index]["id"]


def test_daily_quote_changes_with_the_date(client: TestClient) -> None:
    days = [date(2026, 2, 3) + timedelta(days=n) for n in range(14)]
    picks = {daily(client, f"date={day}").json()["id"] for day in days}
    assert len(picks) > 1


@pytest.mark.parametrize(
    ("query", "field", "allowed"),
    [
        ("layer=below-the-surface", "layer", {"below-the-surface"}),
        ("stakeholder_type=payer", "stakeholder_type", {"public-payer", "private-payer"}),
        ("theme=fda-pathways", "theme", {"fda-pathways"}),
    ],
)
def test_daily_quote_respects_filters(
    client: TestClient, query: str, field: str, allowed: set[str]
) -> None:
    matching = {quote["id"] for quote in api_quotes(client, query)}
    for n in range(10):
        quote = daily(client, f"{query}&date={date(2026, 3, 1) + timedelta(days=n)}").json()
        assert quote[field]["id"] in allowed
        assert quote["id"] in matching


def test_daily_quote_defaults_to_today_utc(client: TestClient) -> None:
    before = datetime.now(UTC).date()
    implicit = daily(client).json()
    explicit = daily(client, f"date={before}").json()
    if datetime.now(UTC).date() != before:
        pytest.skip("the UTC day changed during the test")
    assert implicit == explicit


@pytest.mark.parametrize("query", ["", "date=2026-02-03", "date=2099-12-31&layer=a-bit-deeper"])
def test_daily_quote_is_cached_until_the_next_utc_midnight(client: TestClient, query: str) -> None:
    before = datetime.now(UTC)
    response = daily(client, query)
    after = datetime.now(UTC)
    assert response.status_code == 200
    assert response.headers["etag"]
    cache_control = response.headers["cache-control"]
    assert cache_control.startswith("public, max-age=")
    max_age = int(cache_control.removeprefix("public, max-age="))
    assert 0 <= max_age <= 86400
    if before.date() == after.date():
        low, high = seconds_to_midnight(after), seconds_to_midnight(before)
        assert math.floor(low) - 2 <= max_age <= math.ceil(high) + 2


@pytest.mark.parametrize(
    "query",
    [
        "stakeholder_type=state-policymaker",
        "report=cgt-press-release-2026",
        "q=%3Cscript%3Ealert(1)%3C/script%3E",
        "layer=tip-of-the-iceberg&theme=fda-pathways",
    ],
)
def test_daily_quote_with_no_match_is_a_404_problem(client: TestClient, query: str) -> None:
    response = daily(client, f"{query}&date=2026-02-03")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "No quote matches these filters."


@pytest.mark.parametrize(
    "value", ["nope", "", "2026-02-30", "2026-13-01", "1999-12-31", "2100-01-01", "10000-01-01"]
)
def test_daily_quote_bad_date_is_a_422(client: TestClient, value: str) -> None:
    response = daily(client, f"date={value}")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == ["query", "date"]


def test_daily_quote_unknown_filter_is_a_422(client: TestClient) -> None:
    response = daily(client, "layer=%3Cscript%3E")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "layer"]
