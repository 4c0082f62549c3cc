"""The quote list, one quote, a random quote."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app import schemas
from app.config import get_settings
from app.deps import ObjectId, SessionDep, found
from app.errors import NotFound
from app.params import QuoteFilters, QuoteListParams
from app.queries import quotes as queries

router = APIRouter(prefix="/v1/quotes", tags=["quotes"])


@router.get("", response_model=schemas.Page[schemas.Quote])
def list_quotes(
    session: SessionDep,
    request: Request,
    response: Response,
    params: Annotated[QuoteListParams, Query()],
) -> schemas.Page[schemas.Quote]:
    """List interview quotes, filtered, searched, sorted and paged by cursor."""
    items, next_cursor = queries.list_quotes(session, params)
    if next_cursor is not None:
        response.headers["Link"] = f'<{next_url(request, next_cursor)}>; rel="next"'
    return schemas.Page(items=items, next_cursor=next_cursor)


@router.get("/random", response_model=schemas.Quote)
def random_quote(
    session: SessionDep, response: Response, filters: Annotated[QuoteFilters, Query()]
) -> schemas.Quote:
    """A quote chosen at random among those matching the filters (never cached)."""
    response.headers["Cache-Control"] = "no-store"
    quote = queries.random_quote(session, filters)
    if quote is None:
        raise NotFound("No quote matches these filters.")
    return quote


@router.get("/{quote_id}", response_model=schemas.Quote)
def get_quote(session: SessionDep, quote_id: ObjectId) -> schemas.Quote:
    """One quote by id."""
    return found(queries.get_quote(session, quote_id), "quote", quote_id)


def next_url(request: Request, cursor: str) -> str:
    """The absolute URL of the next page: the configured base URL, never the Host header."""
    query = request.url.include_query_params(cursor=cursor).query
    return f"{get_settings().base_url.rstrip('/')}{request.url.path}?{query}"
