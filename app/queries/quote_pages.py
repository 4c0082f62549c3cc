"""A page of the quote list with its facets: the filters are checked and compiled once."""

from sqlalchemy.orm import Session

from app import schemas
from app.params import QuoteListParams
from app.queries.dimensions import facets
from app.queries.quotes import compile_filters, list_quotes


def quote_page(session: Session, params: QuoteListParams) -> schemas.QuotePage:
    """The page of quotes that `params` asks for, and the facet counts it asks for."""
    filters = compile_filters(session, params)
    items, next_cursor = list_quotes(session, params, filters)
    return schemas.QuotePage(
        items=items,
        next_cursor=next_cursor,
        facets=facets(session, filters.conditions, params.facet) if params.facet else {},
    )
