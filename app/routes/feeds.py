"""Feeds of the quotes: JSON Feed 1.1, Atom 1.0 and RSS 2.0, with the quote list's filters."""

from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from app.deps import SessionDep, api_router
from app.errors import NON_JSON_PROBLEMS
from app.params import QuoteFilters
from app.queries import catalogue
from app.queries.quotes import first_quotes
from app.render import feeds
from app.render.feeds import FeedFormat, JsonFeed

router = api_router(prefix="/feeds", tags=["feeds"])


class JsonFeedResponse(JSONResponse):
    """A JSON Feed document (declared so the OpenAPI shows its schema under its media type)."""

    media_type = FeedFormat.json.media_type


JSON_FEED_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "A JSON Feed 1.1 document."},
    **NON_JSON_PROBLEMS,
}


def xml_responses(feed_format: FeedFormat, name: str) -> dict[int | str, dict[str, Any]]:
    """The 200 response of an XML feed, documented under its own media type."""
    return {
        200: {
            "description": f"An {name} feed.",
            "content": {feed_format.media_type: {"schema": {"type": "string"}}},
        }
    }


def feed_response(session: Session, filters: QuoteFilters, feed_format: FeedFormat) -> Response:
    """The whole feed with its Content-Length, so it gets an ETag like any other GET; unknown
    filter ids are a 422 before anything is built."""
    quotes = first_quotes(session, filters, feeds.MAX_ITEMS)
    feed = feeds.build_feed(filters, quotes, catalogue.read_reports(session), feed_format)
    return Response(feeds.feed_body(feed, feed_format), media_type=feed_format.media_type)


@router.get(
    "/quotes.json",
    response_class=JsonFeedResponse,
    response_model=JsonFeed,
    responses=JSON_FEED_RESPONSES,
)
def quotes_json_feed(session: SessionDep, filters: Annotated[QuoteFilters, Query()]) -> Response:
    """The quotes matching the filters as a JSON Feed 1.1 (`application/feed+json`).

    Items are in report order, at most 100; each item's id is the quote's permalink.
    """
    return feed_response(session, filters, FeedFormat.json)


@router.get(
    "/quotes.atom",
    response_class=Response,
    responses=xml_responses(FeedFormat.atom, "Atom 1.0"),
)
def quotes_atom_feed(session: SessionDep, filters: Annotated[QuoteFilters, Query()]) -> Response:
    """The quotes matching the filters as an Atom 1.0 feed (`application/atom+xml`).

    Entries are in report order, at most 100; each entry's id is the quote's permalink.
    """
    return feed_response(session, filters, FeedFormat.atom)


@router.get(
    "/quotes.rss",
    response_class=Response,
    responses=xml_responses(FeedFormat.rss, "RSS 2.0"),
)
def quotes_rss_feed(session: SessionDep, filters: Annotated[QuoteFilters, Query()]) -> Response:
    """The quotes matching the filters as an RSS 2.0 feed (`application/rss+xml`).

    Items are in report order, at most 100; each item's guid is the quote's permalink.
    """
    return feed_response(session, filters, FeedFormat.rss)
