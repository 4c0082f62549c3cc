"""Quote feeds: the quotes matching the list's filters as JSON Feed 1.1, Atom 1.0 and RSS 2.0.
Long because the three formats are written side by side from one `Feed`, so that each item says
the same in all of them.

Every link is absolute from the configured base URL, never from the request's Host. Every date
is a report's publication date, so a feed changes exactly when its content does.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from urllib.parse import urlencode

from feedgen.feed import FeedGenerator
from pydantic import BaseModel, ConfigDict, Field

from app import schemas, urls
from app.params import QuoteFilters

MAX_ITEMS = 100
FEED_TITLE = "Insights API: interview quotes"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
LANGUAGE = "en"
# Characters XML 1.0 cannot carry: only the search text (`q`) can bring them into a feed.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class FeedFormat(StrEnum):
    """A feed format, by the extension of its path."""

    json = "json"
    atom = "atom"
    rss = "rss"

    @property
    def media_type(self) -> str:
        return {"json": "application/feed+json", "atom": "application/atom+xml"}.get(
            self.value, "application/rss+xml"
        )

    @property
    def path(self) -> str:
        return f"/feeds/quotes.{self.value}"


@dataclass(frozen=True)
class FeedItem:
    """One quote, as every format shows it."""

    id: str
    url: str
    title: str
    author: str
    categories: tuple[str, ...]
    text: str
    published: datetime
    # The report that prints the quote, its page and its own feed in the same format (where an
    # aggregator finds the item's source); none for an item that is not a quote.
    report: schemas.ReportRef | None = None
    report_url: str | None = None
    report_feed_url: str | None = None


@dataclass(frozen=True)
class Feed:
    """What the three formats of one feed share."""

    id: str
    title: str
    subtitle: str
    self_url: str
    home_url: str
    updated: datetime
    publisher: str
    rights: str
    items: list[FeedItem]


# --- JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) ---------------------------------------


class JsonFeedAuthor(BaseModel):
    """An author of a JSON Feed or of one of its items."""

    name: str = Field(description="Name of the author: the publisher, or the quote's attribution.")


class JsonFeedItemExtension(BaseModel):
    """What JSON Feed has no field for in an item: the report that prints the quote."""

    report: schemas.ReportRef = Field(description="The report that prints the quote.")
    report_url: str = Field(description="The report's HTML page.")
    report_feed_url: str = Field(description="The JSON Feed of that report's quotes.")


class JsonFeedItem(BaseModel):
    """One quote as a JSON Feed item."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(description="Stable id of the item: the quote's permalink.")
    url: str = Field(description="Permalink of the quote's HTML page.")
    title: str = Field(description="The quote's attribution and theme.")
    content_text: str = Field(description="The quote, verbatim, as plain text.")
    date_published: datetime = Field(
        description="Publication date of the report that prints the quote (RFC 3339, UTC)."
    )
    authors: list[JsonFeedAuthor] = Field(description="The quote's attribution, as printed.")
    author: JsonFeedAuthor = Field(
        description="The quote's attribution again, as JSON Feed 1.0's `author`, for 1.0 readers."
    )
    tags: list[str] = Field(description="The title of the quote's theme and the name of its layer.")
    insights: JsonFeedItemExtension = Field(
        alias="_insights", description="The report that prints the quote."
    )


class JsonFeedExtension(BaseModel):
    """What JSON Feed has no field for: the feed's id, update date and credit line."""

    about: str = Field(description="Where this extension is documented (the API docs).")
    id: str = Field(description="Stable id of the feed: its URL, filters in canonical order.")
    updated: datetime = Field(description="Latest publication date of the feed's reports.")
    rights: str = Field(description="Credit line to show with the quotes.")


class JsonFeed(BaseModel):
    """A JSON Feed 1.1 of interview quotes."""

    model_config = ConfigDict(populate_by_name=True)

    version: str = Field(description="The JSON Feed version URL.", examples=[JSON_FEED_VERSION])
    title: str = Field(description="Title of the feed, naming the filters that are set.")
    home_page_url: str = Field(description="The API's home page.")
    feed_url: str = Field(description="This feed's own URL, with its filters.")
    description: str = Field(description="What the feed holds.")
    language: str = Field(description="Language of the quotes.")
    authors: list[JsonFeedAuthor] = Field(description="The publisher of the report.")
    author: JsonFeedAuthor = Field(
        description="The publisher again, as JSON Feed 1.0's `author`, for 1.0 readers."
    )
    items: list[JsonFeedItem] = Field(
        description=f"The quotes, in report order (at most {MAX_ITEMS})."
    )
    insights: JsonFeedExtension = Field(
        alias="_insights", description="Feed id, update date and credit line."
    )


# --- building ----------------------------------------------------------------------------------


def feed_body(feed: Feed, feed_format: FeedFormat) -> bytes:
    """The whole feed document in its format."""
    if feed_format is FeedFormat.json:
        return json_feed(feed)
    return xml_feed(feed, rss=feed_format is FeedFormat.rss)


def build_feed(
    filters: QuoteFilters,
    quotes: list[schemas.Quote],
    reports: list[schemas.Report],
    feed_format: FeedFormat,
) -> Feed:
    """The feed of `quotes` (the first MAX_ITEMS matching `filters`, in report order), with the
    metadata of the reports they come from."""
    by_id = {report.id: report for report in reports}
    sources = [
        report
        for report in reports
        if (report.id in filters.report if filters.report else report.quote_count > 0)
    ]
    self_url = urls.with_query(feed_format.path, canonical_query(filters))
    titles = " and ".join(report.title for report in sources)
    return Feed(
        id=self_url,
        title=feed_title(filters),
        subtitle=f"Verbatim interview quotes from {titles or 'the reports'}, in report order "
        f"(at most {MAX_ITEMS}).",
        self_url=self_url,
        home_url=urls.home(),
        updated=max(
            (midnight(r.published_on) for r in sources), default=midnight(date(1970, 1, 1))
        ),
        publisher=", ".join(dict.fromkeys(r.publisher for r in sources)) or "Insights API",
        rights=" ".join(report.credit for report in sources) or FEED_TITLE,
        items=[feed_item(quote, by_id[quote.report.id], feed_format) for quote in quotes],
    )


def feed_item(quote: schemas.Quote, report: schemas.Report, feed_format: FeedFormat) -> FeedItem:
    """A quote as a feed item; its permalink is its id."""
    permalink = urls.quote(quote.id)
    report_query = canonical_query(QuoteFilters(report=[report.id]))
    return FeedItem(
        id=permalink,
        url=permalink,
        title=f"{quote.attribution} — {quote.theme.title}",
        author=quote.attribution,
        categories=(quote.theme.title, quote.layer.name),
        text=quote.text,
        published=midnight(report.published_on),
        report=quote.report,
        report_url=urls.report(report.id),
        report_feed_url=urls.with_query(feed_format.path, report_query),
    )


def canonical_query(filters: QuoteFilters) -> str:
    """The filters as a query string: fields in a fixed order, ids sorted and deduplicated."""
    return urlencode(filters.query_pairs())


def feed_title(filters: QuoteFilters) -> str:
    """The feed title, naming the filters that are set."""
    parts = [
        f"{name}: {', '.join(sorted(set(values)))}" for name, values in filters.id_filters().items()
    ]
    parts.extend(f"{name}: {value}" for name, value in filters.lengths().items())
    if filters.q is not None:
        parts.append(f"q: {filters.q}")
    title = f"{FEED_TITLE} ({'; '.join(parts)})" if parts else FEED_TITLE
    return _NOT_XML.sub("\ufffd", title)


def midnight(day: date) -> datetime:
    """The start of a day in UTC: the time feeds give a date."""
    return datetime.combine(day, time(), UTC)


def json_feed(feed: Feed) -> bytes:
    """The feed as JSON Feed 1.1; `<`, `>` and `&` are escaped so no markup is ever sniffed."""
    document = JsonFeed(
        version=JSON_FEED_VERSION,
        title=feed.title,
        home_page_url=feed.home_url,
        feed_url=feed.self_url,
        description=feed.subtitle,
        language=LANGUAGE,
        authors=[JsonFeedAuthor(name=feed.publisher)],
        author=JsonFeedAuthor(name=feed.publisher),
        items=[
            JsonFeedItem(
                id=item.id,
                url=item.url,
                title=item.title,
                content_text=item.text,
                date_published=item.published,
                authors=[JsonFeedAuthor(name=item.author)],
                author=JsonFeedAuthor(name=item.author),
                tags=list(item.categories),
                insights=JsonFeedItemExtension(
                    report=item.report,
                    report_url=item.report_url,
                    report_feed_url=item.report_feed_url,
                ),
            )
            for item in feed.items
        ],
        insights=JsonFeedExtension(
            about=urls.docs(), id=feed.id, updated=feed.updated, rights=feed.rights
        ),
    )
    body = document.model_dump_json(by_alias=True)
    # Safe outside strings too: these characters occur in JSON only inside strings.
    return body.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e").encode()


def xml_feed(feed: Feed, *, rss: bool) -> bytes:
    """The feed as Atom 1.0, or RSS 2.0 with `rss`; feedgen escapes every text."""
    generator = FeedGenerator()
    if rss:
        generator.load_extension("dc", atom=False, rss=True)
        generator.dc.dc_creator(feed.publisher)
    media_type = (FeedFormat.rss if rss else FeedFormat.atom).media_type

    markup = _markup(rss=rss)
    # feedgen names itself and its version by default: nothing about our software stack goes out.
    generator.generator("Insights API")
    generator.id(feed.id)
    generator.title(markup(feed.title))
    generator.subtitle(markup(feed.subtitle))
    generator.author({"name": feed.publisher})
    # RSS takes the last link as the channel's link: the home page.
    generator.link(href=feed.self_url, rel="self", type=media_type)
    generator.link(href=feed.home_url, rel="alternate", type="text/html")
    generator.rights(feed.rights)
    generator.language(LANGUAGE)
    generator.updated(feed.updated)  # also RSS lastBuildDate, which feedgen sets to now otherwise
    generator.pubDate(feed.updated)
    for item in feed.items:
        _add_entry(generator, item, rss=rss)
    body: bytes = generator.rss_str() if rss else generator.atom_str()
    return body


def _markup(*, rss: bool) -> Callable[[str], str]:
    """How a title or description is written: RSS reads them as HTML, so text is escaped once
    more to stay text."""
    return (lambda text: html.escape(text, quote=False)) if rss else (lambda text: text)


def _add_entry(generator: FeedGenerator, item: FeedItem, *, rss: bool) -> None:
    """One quote as an Atom entry or an RSS item."""
    markup = _markup(rss=rss)
    entry = generator.add_entry(order="append")
    entry.id(item.id)
    entry.title(markup(item.title))
    entry.link(href=item.url, rel="alternate", type="text/html")
    entry.category([{"term": category} for category in item.categories])
    entry.published(item.published)
    entry.updated(item.published)
    # RSS <source> names the channel an item came from, Atom <source> the feed an entry was
    # copied from: the report's own feed is both.
    if item.report is not None and item.report_feed_url is not None:
        entry.source(url=item.report_feed_url, title=item.report.title)
    if rss:
        entry.guid(item.id, permalink=True)
        entry.dc.dc_creator(item.author)
        entry.description(markup(item.text))
    else:
        entry.author({"name": item.author})
        entry.content(item.text, type="text")
