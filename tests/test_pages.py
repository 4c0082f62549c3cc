"""HTML pages: the iceberg overview, the report pages and the quote, theme and layer permalinks,
on both backends. It is long because it holds a test per promise of the pages, and the paging
of the layer and theme pages, walked by their next links.
"""

import math
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import lxml.html
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from pydantic import ValidationError
from sqlalchemy import Engine

from app import urls
from app.config import Settings, get_settings
from app.db import make_engine
from app.seeding import load_seeds
from tests.helpers.api import Json, assert_problem, json_at, walk_pages
from tests.helpers.databases import client_for, migrate
from tests.helpers.html import JSONLD, QUOTE_IDS, jsonld, page, theme_sections, walk_html_pages
from tests.helpers.seeds import REPORT_DIR, copy_seeds, editing
from tests.helpers.settings import Configure

BASE = urls.base_url()
PAGES = [
    "/",
    "/quotes/cgt-2026-q07",
    "/themes/fda-pathways",
    "/layers/a-bit-deeper",
    "/reports/cgt-insights-2026",
    "/reports/cgt-seminar-report-2026",
]
FEED_TYPES = {
    "application/atom+xml": f"{BASE}/feeds/quotes.atom",
    "application/rss+xml": f"{BASE}/feeds/quotes.rss",
    "application/feed+json": f"{BASE}/feeds/quotes.json",
}
HOSTILE_IDS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "nope"]


def body_of(text: str) -> str:
    """The markup after `<body>`: what a reader sees, without the head's metadata."""
    return text.split("<body>", 1)[1]


@pytest.mark.parametrize("quote_id", ["cgt-2026-q01", "cgt-2026-q19", "cgt-2026-q21"])
def test_quote_page_shows_the_quote_escaped_once(client: TestClient, quote_id: str) -> None:
    expected = json_at(client, f"/v1/quotes/{quote_id}")
    text = client.get(f"/quotes/{quote_id}").text
    escaped = str(escape(expected["text"]))
    # Once as the quote, once marked in its report's paragraph: escaped both times.
    assert body_of(text).count(escaped) == 2
    assert body_of(text).count(f"<mark>{escaped}</mark>") == 1
    if '"' in expected["text"]:
        assert expected["text"] not in JSONLD.sub("", text), "double quotes stay escaped"
    doc = page(client, f"/quotes/{quote_id}")
    (figure,) = doc.xpath("//main//figure[blockquote]")
    assert figure.xpath("string(blockquote/p)") == expected["text"]
    assert figure.xpath("string(figcaption/cite)") == expected["attribution"]
    assert doc.xpath("string(//h1)") == (
        f"{expected['attribution']} on {expected['theme']['title']}"
    )


def test_quote_page_links_its_theme_layer_and_credit(client: TestClient) -> None:
    doc = page(client, "/quotes/cgt-2026-q08")
    hrefs = set(doc.xpath("//main//a/@href"))
    expected = json_at(client, "/v1/quotes/cgt-2026-q08")
    assert f"{BASE}/themes/{expected['theme']['id']}" in hrefs
    assert f"{BASE}/layers/{expected['layer']['id']}" in hrefs
    assert [li.text_content() for li in doc.xpath("//ul[@class='tags']/li")] == [
        tag["name"] for tag in expected["tags"]
    ]
    credit = json_at(client, "/v1/reports/cgt-insights-2026")["credit"]
    assert doc.xpath("string(//footer//p[@class='credit'])") == credit


def test_quote_page_metadata(client: TestClient) -> None:
    expected = json_at(client, "/v1/quotes/cgt-2026-q19")
    permalink = f"{BASE}/quotes/cgt-2026-q19"
    doc = page(client, "/quotes/cgt-2026-q19")
    oembed = doc.xpath("//head/link[@type='application/json+oembed']/@href")
    assert oembed == [f"{BASE}/oembed?{urlencode({'url': permalink, 'format': 'json'})}"]
    assert doc.xpath("//link[@rel='canonical']/@href") == [permalink]
    meta = {m.get("property"): m.get("content") for m in doc.xpath("//meta[@property]")}
    assert meta["og:url"] == permalink
    assert meta["og:type"] == "article"
    assert meta["og:description"] == f"“{expected['text']}”"
    assert expected["attribution"] in meta["og:title"]


def test_quote_page_jsonld_is_a_quotation(client: TestClient) -> None:
    expected = json_at(client, "/v1/quotes/cgt-2026-q21")
    data = jsonld(client.get("/quotes/cgt-2026-q21").text)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Quotation"
    assert data["text"] == expected["text"]
    assert data["url"] == f"{BASE}/quotes/cgt-2026-q21"
    assert data["creator"]["name"] == expected["attribution"]
    assert data["isPartOf"]["name"] == expected["report"]["title"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_is_accessible_responsive_and_self_contained(
    client: TestClient, url: str
) -> None:
    text = client.get(url).text
    doc = lxml.html.document_fromstring(text)
    assert doc.get("lang") == "en"
    assert doc.xpath("//meta[@name='viewport']/@content") == ["width=device-width, initial-scale=1"]
    assert doc.xpath("string(//title)").strip()
    assert len(doc.xpath("//main")) == 1
    assert len(doc.xpath("//h1")) == 1
    assert len(doc.xpath("//body/header")) == 1
    assert len(doc.xpath("//body/footer")) == 1
    # No external assets and no script: CSS is inline, the only <script> is JSON-LD data.
    assert not doc.xpath("//*[@src]")
    assert not doc.xpath("//link[@rel='stylesheet']")
    assert all(s.get("type") == "application/ld+json" for s in doc.xpath("//script"))
    assert not doc.xpath("//@*[starts-with(name(), 'on')]")


@pytest.mark.parametrize("url", PAGES)
def test_every_page_advertises_the_feeds(client: TestClient, url: str) -> None:
    doc = page(client, url)
    alternates = {
        (link.get("type"), link.get("href")) for link in doc.xpath("//head/link[@rel='alternate']")
    }
    for media_type, href in FEED_TYPES.items():
        assert (media_type, href) in alternates


@pytest.mark.parametrize(("url", "key"), [("/themes/fda-pathways", "theme")])
def test_theme_page_adds_its_own_feeds(client: TestClient, url: str, key: str) -> None:
    doc = page(client, url)
    hrefs = doc.xpath("//head/link[@type='application/atom+xml']/@href")
    assert f"{BASE}/feeds/quotes.atom?{key}=fda-pathways" in hrefs


@pytest.mark.parametrize("url", PAGES)
def test_links_come_from_the_base_url_not_the_host(client: TestClient, url: str) -> None:
    response = client.get(url, headers={"Host": "evil.example"})
    assert response.status_code == 200
    assert "evil.example" not in response.text
    doc = lxml.html.document_fromstring(response.text)
    for href in doc.xpath("//@href"):
        assert href.startswith((f"{BASE}/", "#", "data:image/svg+xml,")), href


@pytest.mark.parametrize("theme_id", ["fda-pathways", "curative-potential", "ethical-questions"])
def test_theme_page_lists_its_quotes(client: TestClient, theme_id: str) -> None:
    theme = json_at(client, f"/v1/themes/{theme_id}")
    quotes = json_at(client, f"/v1/quotes?theme={theme_id}&limit=100")["items"]
    doc = page(client, f"/themes/{theme_id}")
    assert doc.xpath("string(//h1)") == theme["title"]
    assert theme["summary"] in doc.xpath("string(//main)")
    figures = doc.xpath("//main//figure[blockquote]")
    assert [f.xpath("string(blockquote/p)") for f in figures] == [q["text"] for q in quotes]
    assert [f.xpath("string(figcaption/cite)") for f in figures] == [
        q["attribution"] for q in quotes
    ]
    links = doc.xpath("//main//figure//a/@href")
    assert links == [f"{BASE}/quotes/{q['id']}" for q in quotes]
    assert f"{BASE}/layers/{theme['layer']['id']}" in doc.xpath("//main//a/@href")


@pytest.mark.parametrize(
    "layer_id", ["tip-of-the-iceberg", "below-the-surface", "a-bit-deeper", "the-fundamentals"]
)
def test_layer_page_lists_its_themes_and_quotes(client: TestClient, layer_id: str) -> None:
    layer = json_at(client, f"/v1/layers/{layer_id}")
    quotes = json_at(client, f"/v1/quotes?layer={layer_id}&limit=100")["items"]
    doc = page(client, f"/layers/{layer_id}")
    assert layer["name"] in doc.xpath("string(//h1)")
    assert layer["description"] in doc.xpath("string(//main)")
    theme_links = doc.xpath("//main//section/h2/a/@href")
    assert theme_links == [f"{BASE}/themes/{t['id']}" for t in layer["themes"]]
    shown = {f.xpath("string(blockquote/p)") for f in doc.xpath("//main//figure[blockquote]")}
    assert shown == {q["text"] for q in quotes}
    assert len(doc.xpath("//main//figure[blockquote]")) == layer["quote_count"]


def test_home_draws_the_iceberg(client: TestClient) -> None:
    layers = json_at(client, "/v1/layers")["items"]
    doc = page(client, "/")
    (svg,) = doc.xpath("//svg")
    assert svg.get("aria-labelledby")
    assert svg.xpath("string(title)") == "The iceberg model"
    bands = svg.xpath("a")
    assert [a.get("href") for a in bands] == [f"{BASE}/layers/{layer['id']}" for layer in layers]
    for band, layer in zip(bands, layers, strict=True):
        count = f"{layer['theme_count']} themes · {layer['quote_count']} quotes"
        assert [t.text for t in band.xpath("text")] == [layer["name"], count]
        assert band.get("aria-label") == (
            f"{layer['name']}: {layer['theme_count']} themes, {layer['quote_count']} quotes"
        )
        assert band.xpath("polygon")
    tops = [min(int(p.split(",")[1]) for p in a.xpath("polygon/@points")[0].split()) for a in bands]
    assert tops == sorted(tops), "the layers stack from tip to base"
    assert svg.xpath("path[@aria-hidden='true']"), "the waterline"


def test_home_lists_every_theme_under_its_layer(client: TestClient) -> None:
    themes = json_at(client, "/v1/themes")["items"]
    doc = page(client, "/")
    items = doc.xpath("//ol[@class='layers']/li")
    assert len(items) == 4
    listed = [
        (item.xpath("string(h3)"), a.get("href")) for item in items for a in item.xpath("ul/li/a")
    ]
    assert listed == [(t["layer"]["name"], f"{BASE}/themes/{t['id']}") for t in themes]


@pytest.mark.parametrize("kind", ["quotes", "themes", "layers"])
@pytest.mark.parametrize("object_id", HOSTILE_IDS)
def test_unknown_ids_are_404_problems_never_html(
    client: TestClient, kind: str, object_id: str
) -> None:
    response = client.get(f"/{kind}/{quote(object_id, safe='')}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.json()["status"] == 404


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_cacheable_and_revalidate(client: TestClient, url: str) -> None:
    response = client.get(url)
    etag = response.headers["etag"]
    revalidated = client.get(url, headers={"If-None-Match": etag})
    assert revalidated.status_code == 304
    assert "frame-ancestors 'none'" in revalidated.headers["content-security-policy"]
    assert revalidated.headers["x-frame-options"] == "DENY"


HOSTILE = "</script><script>alert(1)</script> & <img src=x onerror=alert(2)> \u2028 '</style>"


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The API over a SQLite copy of the seeds where q01's text, attribution and theme, and the
    first sponsor, are markup that must stay inert."""
    root = tmp_path_factory.mktemp("hostile")
    seeds = copy_seeds(root / "seeds")
    with editing(seeds, f"{REPORT_DIR}/quotes.yaml") as document:
        original = document["quotes"][0]["text"]
        document["quotes"][0]["text"] = HOSTILE + original
    report_text = seeds / REPORT_DIR / "text.txt"
    report_text.write_text(report_text.read_text().replace(original, HOSTILE + original, 1))
    report_text.write_text(report_text.read_text().replace("AstraZeneca", HOSTILE, 1))
    with editing(seeds, f"{REPORT_DIR}/report.yaml") as document:
        document["report"]["sponsors"][0] = HOSTILE
    for name, key in (("interviews.yaml", "interviews"), ("themes.yaml", "themes")):
        with editing(seeds, f"{REPORT_DIR}/{name}") as data:
            for item in data[key]:
                field = "attribution" if key == "interviews" else "title"
                item[field] = f"{item[field]} <b onmouseover=alert(3)>\"'&"
    engine: Engine = make_engine(f"sqlite:///{root / 'hostile.db'}")
    migrate(engine)
    load_seeds(engine, seeds)
    yield client_for(engine)
    engine.dispose()


@pytest.mark.parametrize(
    "url",
    [
        "/quotes/cgt-2026-q01",
        "/themes/curative-potential",
        "/layers/tip-of-the-iceberg",
        "/",
        "/reports/cgt-insights-2026",
    ],
)
def test_stored_markup_is_escaped_everywhere(hostile_client: TestClient, url: str) -> None:
    response = hostile_client.get(url)
    assert response.status_code == 200
    for raw in ("<script>alert", "<img src=x", "<b onmouseover", "'</style>"):
        assert raw not in response.text
    if url.startswith("/quotes/"):
        data = jsonld(response.text)
        assert data["text"].startswith(HOSTILE)
        assert "<b onmouseover" in data["creator"]["name"]
        block = response.text.split('<script type="application/ld+json">', 1)[1]
        assert block.index("</script>") == block.index("}</script>") + 1


# --- paging: a layer's or theme's quotes, HTML_PAGE_QUOTES at a time ----------------------------

LAYERS = ["tip-of-the-iceberg", "below-the-surface", "a-bit-deeper", "the-fundamentals"]
PAGED = [("layer", layer_id) for layer_id in LAYERS] + [
    ("theme", theme_id)
    for theme_id in ("current-policy-discussions", "fda-pathways", "who-gets-access")
]
DEFAULT_PAGE_QUOTES = Settings.model_fields["html_page_quotes"].default


def totals(client: TestClient, kind: str, object_id: str) -> str:
    """What every page of the object says of its size: the catalogue's counts."""
    found = json_at(client, f"/v1/{kind}s/{object_id}")
    if kind == "layer":
        return f"{found['theme_count']} themes, {found['quote_count']} quotes"
    return f"{found['quote_count']} quote{'s' if found['quote_count'] != 1 else ''}"


def assert_sections_follow_the_quotes(pages: list[tuple[str, Any]], quotes: list[Json]) -> None:
    """Each section of a layer's pages holds one run of its theme's `quotes`; the first section
    of a page is marked continued exactly when the previous page ended in its theme."""
    theme_of = {quote["id"]: urls.theme(quote["theme"]["id"]) for quote in quotes}
    before = None  # the theme of the previous page's last quote
    for _, doc in pages:
        sections = theme_sections(doc)
        for n, (theme_url, continued, quote_ids) in enumerate(sections):
            assert quote_ids
            assert {theme_of[q] for q in quote_ids} == {theme_url}
            assert continued == (n == 0 and before == theme_url)
            assert n == 0 or sections[n - 1][0] != theme_url, "a run is never split"
        ids = doc.xpath("//@id")
        assert len(ids) == len(set(ids))
        before = theme_of[doc.xpath(QUOTE_IDS)[-1]]


@pytest.mark.parametrize("size", [1, 4])
@pytest.mark.parametrize(("kind", "object_id"), PAGED)
def test_next_links_walk_every_quote_once_in_report_order(
    configure: Configure, engine: Engine, kind: str, object_id: str, size: int
) -> None:
    configure(html_page_quotes=str(size))
    client = client_for(engine)
    expected = walk_pages(client, f"/v1/quotes?{kind}={object_id}&limit=100", max_pages=1)
    first = getattr(urls, kind)(object_id)
    pages = walk_html_pages(client, first, max_pages=len(expected))
    assert [q for _, doc in pages for q in doc.xpath(QUOTE_IDS)] == [q["id"] for q in expected]
    assert len(pages) == math.ceil(len(expected) / size)
    said = totals(client, kind, object_id)
    for n, (url, doc) in enumerate(pages):
        assert 1 <= len(doc.xpath(QUOTE_IDS)) <= size
        assert doc.xpath("//link[@rel='canonical']/@href") == [url]
        assert doc.xpath("//meta[@property='og:url']/@content") == [url]
        assert doc.xpath("//main//a[@rel='first']/@href") == ([first] if n else [])
        assert doc.xpath("string(//main//h2)") == said
    if kind == "layer":
        assert_sections_follow_the_quotes(pages, expected)


def test_a_cursor_past_the_end_is_an_empty_last_page(client: TestClient) -> None:
    doc = page(client, "/layers/a-bit-deeper?cursor=999999.zzz")
    assert not doc.xpath(QUOTE_IDS)
    assert not doc.xpath("//@rel[. = 'next']")
    assert doc.xpath("//main//a[@rel='first']/@href") == [urls.layer("a-bit-deeper")]


BAD_CURSORS = ["", "x", "12", "12.", ".q07", "1.Q07", "1.q 07", "1.q07-", "-1.q07", "1" * 16 + ".q"]


@pytest.mark.parametrize("url", ["/layers/a-bit-deeper", "/themes/fda-pathways"])
@pytest.mark.parametrize("cursor", [*BAD_CURSORS, "1." + "a" * 199])
def test_a_malformed_cursor_is_a_422_problem(client: TestClient, url: str, cursor: str) -> None:
    body = assert_problem(client.get(url, params={"cursor": cursor}), 422)
    assert [error["loc"] for error in body["errors"]] == [["query", "cursor"]]


def test_the_default_page_size_bounds_every_page(configure: Configure, crowded: Engine) -> None:
    configure()
    client = client_for(crowded)
    layers = json_at(client, "/v1/layers")["items"]
    themes = json_at(client, "/v1/themes")["items"]
    assert min(layer["quote_count"] for layer in layers) > DEFAULT_PAGE_QUOTES
    assert max(theme["quote_count"] for theme in themes) > DEFAULT_PAGE_QUOTES
    for kind, found in [("layer", layer) for layer in layers] + [("theme", t) for t in themes]:
        doc = page(client, f"/{kind}s/{found['id']}")
        assert len(doc.xpath(QUOTE_IDS)) == min(found["quote_count"], DEFAULT_PAGE_QUOTES)
        assert bool(doc.xpath("//head/link[@rel='next']")) == (
            found["quote_count"] > DEFAULT_PAGE_QUOTES
        )
    expected = walk_pages(client, f"/v1/quotes?layer={layers[0]['id']}&limit=100", max_pages=10)
    pages = walk_html_pages(client, urls.layer(layers[0]["id"]), max_pages=20)
    assert [q for _, doc in pages for q in doc.xpath(QUOTE_IDS)] == [q["id"] for q in expected]
    assert_sections_follow_the_quotes(pages, expected)


@pytest.mark.parametrize("value", ["0", "501", "many"])
def test_the_page_size_setting_is_bounded(configure: Configure, value: str) -> None:
    configure(html_page_quotes=value)
    with pytest.raises(ValidationError, match="html_page_quotes"):
        get_settings()
