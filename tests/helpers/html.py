"""Reading the HTML the API serves: a page parsed, the JSON-LD block of a page or an embed,
and a paged page (a layer's, a theme's) walked by its next links."""

import json
import re
from typing import Any

import lxml.html
from fastapi.testclient import TestClient

from app import urls
from tests.helpers.api import Json

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
QUOTE_IDS = "//main//figure[blockquote]/@id"


def jsonld(text: str) -> Json:
    """The one JSON-LD block of a page, parsed."""
    blocks = JSONLD.findall(text)
    assert len(blocks) == 1
    data: Json = json.loads(blocks[0])
    return data


def walk_html_pages(client: TestClient, url: str, *, max_pages: int) -> list[tuple[str, Any]]:
    """(URL, parsed document) of every page from `url` (absolute) to the last, by next links.

    Every page answers 200 as HTML; a page with a next page names it twice, as the same absolute
    URL under the base URL (`<link rel="next">` in the head, `<a rel="next">` in the page); the
    last page has neither; more than `max_pages` pages fails.
    """
    pages: list[tuple[str, Any]] = []
    start = url
    for _ in range(max_pages):
        response = client.get(url.removeprefix(urls.base_url()))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        doc = lxml.html.document_fromstring(response.text)
        pages.append((url, doc))
        head = doc.xpath("//head/link[@rel='next']/@href")
        assert doc.xpath("//body//a[@rel='next']/@href") == head
        if not head:
            return pages
        (url,) = head
        assert url.startswith(f"{urls.base_url()}/"), url
    raise AssertionError(f"the next links from {start} did not end within {max_pages} pages")


def theme_sections(doc: Any) -> list[tuple[str, bool, list[str]]]:
    """(theme link, marked continued, quote ids) of each theme section of a layer's page."""
    return [
        (
            section.xpath("string(h2/a/@href)"),
            bool(section.xpath("h2/*[@class='continued']")),
            section.xpath("figure[blockquote]/@id"),
        )
        for section in doc.xpath("//main//section")
    ]


def page(client: TestClient, url: str, **headers: str) -> Any:
    """The parsed document of an HTML page that answered 200."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return lxml.html.document_fromstring(response.text)
