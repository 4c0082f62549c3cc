"""Discovery: the sitemap (and its index form), robots.txt, on both backends."""

import re
from datetime import date

import lxml.etree
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app import urls
from app.render import sitemap
from tests.helpers.api import assert_problem, walk_pages
from tests.helpers.databases import client_for

NS = {"s": sitemap.NAMESPACE}
BASE = urls.base_url()
# A W3C Datetime (https://www.w3.org/TR/NOTE-datetime): a date, or a date and time with a zone.
W3C_DATETIME = re.compile(
    r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?"
)
KINDS = {"reports": "report", "layers": "layer", "themes": "theme", "quotes": "quote"}


def parse(client: TestClient, path: str, root: str) -> lxml.etree._Element:
    """The XML of `path`, checked against sitemaps.org's rules for its root element."""
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/xml"
    document = lxml.etree.fromstring(response.content)
    assert document.tag == f"{{{sitemap.NAMESPACE}}}{root}"
    child = "url" if root == "urlset" else "sitemap"
    entries = document.findall(f"s:{child}", NS)
    assert len(entries) <= 50_000
    assert len(response.content) <= 50 * 1024 * 1024
    for entry in entries:
        # Only loc and lastmod, each once, loc first; every loc absolute, under the base URL.
        assert [node.tag.split("}")[1] for node in entry] in (["loc"], ["loc", "lastmod"])
        loc = entry.findtext("s:loc", namespaces=NS) or ""
        assert loc.startswith(f"{BASE}/"), loc
        assert len(loc) < 2048
        lastmod = entry.findtext("s:lastmod", namespaces=NS)
        assert lastmod is None or W3C_DATETIME.fullmatch(lastmod), lastmod
    return document


def locations(document: lxml.etree._Element) -> list[str]:
    """The `<loc>` of every entry, in order."""
    return [str(loc) for loc in document.xpath("//s:loc/text()", namespaces=NS)]


def seeded_ids(client: TestClient, collection: str) -> list[str]:
    """The ids of every object of an API collection."""
    limit = "?limit=100" if collection == "quotes" else ""
    return [item["id"] for item in walk_pages(client, f"/v1/{collection}{limit}", max_pages=5)]


def test_sitemap_lists_every_page_of_the_seeds(client: TestClient) -> None:
    listed = locations(parse(client, "/sitemap.xml", "urlset"))
    expected = [urls.home(), urls.explore()]
    for collection, kind in KINDS.items():
        ids = seeded_ids(client, collection)
        assert ids
        expected += [getattr(urls, kind)(object_id) for object_id in sorted(ids)]
    assert listed == expected
    assert len(listed) == len(set(listed))


def test_every_sitemap_url_is_an_html_page(client: TestClient) -> None:
    for loc in locations(parse(client, "/sitemap.xml", "urlset")):
        response = client.get(loc.removeprefix(BASE))
        assert response.status_code == 200, loc
        assert response.headers["content-type"].startswith("text/html"), loc


def test_sitemap_lastmod_is_the_reports_date(client: TestClient) -> None:
    reports = {r["id"]: r["published_on"] for r in collection_items(client, "reports")}
    document = parse(client, "/sitemap.xml", "urlset")
    dates = {
        entry.findtext("s:loc", namespaces=NS): entry.findtext("s:lastmod", namespaces=NS)
        for entry in document.findall("s:url", NS)
    }
    for report_id, published_on in reports.items():
        assert dates[urls.report(report_id)] == published_on
    quote = client.get("/v1/quotes/cgt-2026-q07").json()
    assert dates[urls.quote("cgt-2026-q07")] == reports[quote["report"]["id"]]
    assert dates[urls.home()] == max(reports.values())


def collection_items(client: TestClient, collection: str) -> list[dict[str, str]]:
    """Every object of an API collection."""
    return walk_pages(client, f"/v1/{collection}", max_pages=5)


def test_sitemap_lastmod_of_a_page_spanning_reports_is_the_newest(series: Engine) -> None:
    client = client_for(series)
    reports = {r["id"]: r["published_on"] for r in collection_items(client, "reports")}
    document = parse(client, "/sitemap.xml", "urlset")
    dates = {
        entry.findtext("s:loc", namespaces=NS): entry.findtext("s:lastmod", namespaces=NS)
        for entry in document.findall("s:url", NS)
    }
    assert len(set(reports.values())) > 1
    assert dates[urls.home()] == dates[urls.explore()] == max(reports.values())
    for layer in collection_items(client, "layers"):
        printed_by = client.get(f"/v1/layers/{layer['id']}").json()["reports"]
        newest = max(reports[text["report"]["id"]] for text in printed_by)
        assert dates[urls.layer(layer["id"])] == newest


def test_sitemap_past_its_limit_is_an_index_of_files(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sitemap, "MAX_URLS", 20)
    client = client_for(engine)  # its own response cache: the whole sitemap is cached elsewhere
    index = parse(client, "/sitemap.xml", "sitemapindex")
    files = locations(index)
    whole = []
    for number, loc in enumerate(files, start=1):
        assert loc == f"{BASE}/sitemaps/{number}.xml"
        part = locations(parse(client, loc.removeprefix(BASE), "urlset"))
        assert 0 < len(part) <= 20
        whole += part
    monkeypatch.setattr(sitemap, "MAX_URLS", 50_000)
    assert whole == locations(parse(client_for(engine), "/sitemap.xml", "urlset"))
    assert len(files) == -(-len(whole) // 20)
    assert_problem(client.get(f"/sitemaps/{len(files) + 1}.xml"), 404)
    assert all(
        W3C_DATETIME.fullmatch(text) for text in index.xpath("//s:lastmod/text()", namespaces=NS)
    )


@pytest.mark.parametrize("number", ["0", "-1", "x", "99999999999999999999"])
def test_a_sitemap_file_number_out_of_range_is_a_problem(client: TestClient, number: str) -> None:
    assert client.get(f"/sitemaps/{number}.xml").status_code in (404, 422)


def test_robots_txt_allows_everything_and_names_the_sitemap(client: TestClient) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    assert not [line for line in lines if line.lower().startswith("disallow")]
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    assert client.get(f"Sitemap: {BASE}/sitemap.xml".split(BASE)[1]).status_code == 200


def test_sitemap_dates_are_dates(client: TestClient) -> None:
    document = parse(client, "/sitemap.xml", "urlset")
    for text in document.xpath("//s:lastmod/text()", namespaces=NS):
        date.fromisoformat(text)
