"""The sitemap (sitemaps.org 0.9) and robots.txt: every HTML page, by its absolute URL.

A sitemap file may list at most 50,000 URLs. Past MAX_URLS, `/sitemap.xml` is a sitemap index
whose files (`/sitemaps/{n}.xml`) each list MAX_URLS pages or fewer, so no one response grows
with the corpus beyond that bound.
"""

from collections.abc import Callable, Iterable
from datetime import date
from typing import Protocol
from xml.sax.saxutils import escape

from app import urls

# The sitemaps.org limit on the URLs of one file; a test lowers it to see the index form.
MAX_URLS = 50_000
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MEDIA_TYPE = "application/xml"
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


class SitemapEntry(Protocol):
    """A page the query layer lists: its kind, its object's id (empty for home and explorer)
    and its last modification."""

    @property
    def kind(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def lastmod(self) -> date: ...


# The page of each kind of object (a theme's or layer's first page).
_OBJECT_URLS: dict[str, Callable[[str], str]] = {
    "report": urls.report,
    "layer": urls.layer,
    "theme": urls.theme,
    "quote": urls.quote,
}


def page_url(entry: SitemapEntry) -> str:
    """The absolute URL of a page the sitemap lists (a theme's or layer's first page)."""
    if entry.kind == "home":
        return urls.home()
    if entry.kind == "explore":
        return urls.explore()
    return _OBJECT_URLS[entry.kind](entry.id)


def file_count(pages: int) -> int:
    """How many sitemap files `pages` pages need (1 for an empty site)."""
    return max(1, -(-pages // MAX_URLS))


def urlset(entries: Iterable[SitemapEntry]) -> bytes:
    """A `<urlset>` of the pages, each with its last modification (a W3C date)."""
    rows = (
        f"<url><loc>{escape(page_url(e))}</loc><lastmod>{e.lastmod.isoformat()}</lastmod></url>\n"
        for e in entries
    )
    return f'{_HEAD}<urlset xmlns="{NAMESPACE}">\n{"".join(rows)}</urlset>\n'.encode()


def sitemap_index(files: int, lastmod: date | None) -> bytes:
    """A `<sitemapindex>` of the numbered sitemap files (1 to `files`)."""
    modified = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
    rows = (
        f"<sitemap><loc>{escape(urls.sitemap_file(n))}</loc>{modified}</sitemap>\n"
        for n in range(1, files + 1)
    )
    return f'{_HEAD}<sitemapindex xmlns="{NAMESPACE}">\n{"".join(rows)}</sitemapindex>\n'.encode()


def robots_txt() -> str:
    """Everything may be crawled; the sitemap says where the pages are."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.sitemap()}\n"
