"""The quote list, one quote and its context, a random quote, a sample of quotes, and the check
of a text said to be a quote."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import Query, Request, Response

from app import schemas
from app.deps import ObjectId, SessionDep, api_router, found, next_link
from app.errors import NotFound
from app.params import QuoteFilters, QuoteListParams
from app.queries import quotes as queries
from app.queries.context import quote_context
from app.queries.quote_pages import read_quote_page
from app.queries.verification import MAX_TEXT_CHARS, verify_quote

router = api_router(prefix="/v1/quotes", tags=["quotes"])
# The most quotes one sample draws: a wall of cards, not an export.
MAX_SAMPLE = 50
MAX_CONTEXT_PARAGRAPHS = 10


@router.get("", response_model=schemas.QuotePage)
def list_quotes(
    session: SessionDep,
    request: Request,
    response: Response,
    params: Annotated[QuoteListParams, Query()],
) -> schemas.QuotePage:
    """List interview quotes, filtered, searched, sorted, paged by cursor, with facets."""
    page = read_quote_page(session, params)
    if page.next_cursor is not None:
        response.headers["Link"] = next_link(request, page.next_cursor)
    return page


@router.get("/random", response_model=schemas.Quote)
def random_quote(
    session: SessionDep, response: Response, filters: Annotated[QuoteFilters, Query()]
) -> schemas.Quote:
    """A quote chosen at random among those matching the filters (never cached)."""
    response.headers["Cache-Control"] = "no-store"
    drawn = queries.read_random_quotes(session, filters, 1)
    if not drawn:
        raise NotFound("No quote matches these filters.")
    return drawn[0]


@router.get("/sample", response_model=schemas.QuoteSample)
def sample_quotes(
    session: SessionDep,
    response: Response,
    filters: Annotated[QuoteFilters, Query()],
    count: Annotated[
        int,
        Query(
            ge=1,
            le=MAX_SAMPLE,
            description=f"How many distinct quotes to draw, 1 to {MAX_SAMPLE}; fewer when fewer "
            "match.",
        ),
    ] = 5,
) -> schemas.QuoteSample:
    """Several distinct quotes drawn at random among those matching the filters (never cached);
    an empty list when none matches."""
    response.headers["Cache-Control"] = "no-store"
    return schemas.QuoteSample(items=queries.read_random_quotes(session, filters, count))


@router.get("/daily", response_model=schemas.Quote)
def daily_quote(
    session: SessionDep,
    response: Response,
    filters: Annotated[QuoteFilters, Query()],
    day: Annotated[
        date | None,
        Query(
            alias="date",
            ge=date(2000, 1, 1),
            le=date(2099, 12, 31),
            description="The day (UTC) to pick for, YYYY-MM-DD from 2000-01-01 to 2099-12-31; "
            "default today.",
        ),
    ] = None,
) -> schemas.Quote:
    """The quote of the day among those matching the filters: the same all day (UTC).

    The pick is deterministic (sha256 of the date and the canonical filters, modulo the number
    of matches, in report order); cached until the next UTC midnight.
    """
    now = datetime.now(UTC)
    quote = queries.read_daily_quote(session, filters, day or now.date())
    if quote is None:
        raise NotFound("No quote matches these filters.")
    midnight = datetime.combine(now.date() + timedelta(days=1), time(), UTC)
    response.headers["Cache-Control"] = f"public, max-age={int((midnight - now).total_seconds())}"
    return quote


@router.get("/verify", response_model=schemas.Verification)
def verify(
    session: SessionDep,
    filters: Annotated[QuoteFilters, Query()],
    text: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_TEXT_CHARS,
            description="The text said to be a quote, with or without its quotation marks.",
        ),
    ],
) -> schemas.Verification:
    """Whether a text said to be a quote from the reports is one, among the quotes that meet
    the filters: the quotes that print it word for word (whole or as an excerpt), or, when none
    does, the closest quotes and how the text differs from each."""
    return verify_quote(session, text, filters)


@router.get("/{quote_id}/context", response_model=schemas.QuoteContext)
def get_quote_context(
    session: SessionDep,
    quote_id: ObjectId,
    paragraphs: Annotated[
        int,
        Query(ge=0, le=MAX_CONTEXT_PARAGRAPHS, description="Paragraphs before and after, 0 to 10."),
    ] = 2,
) -> schemas.QuoteContext:
    """A quote where its report prints it: the paragraph holding it, cut at the quote, and the
    paragraphs before and after, from the report's stored full text."""
    return found(quote_context(session, quote_id, paragraphs), "quote", quote_id)


@router.get("/{quote_id}", response_model=schemas.Quote)
def get_quote(session: SessionDep, quote_id: ObjectId) -> schemas.Quote:
    """One quote by id."""
    return found(queries.read_quote(session, quote_id), "quote", quote_id)
