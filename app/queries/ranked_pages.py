"""A page of the quote list in order of relevance to its search (`sort=rank`): the score
/v1/search gives quotes (bm25 on SQLite, ts_rank on PostgreSQL), ties in report order.

Every match is scored before the best can be known, so a ranked page costs what a ranked search
does; its cursor is how many ranked quotes came before it, and it goes at most MAX_RANK_OFFSET
deep, as /v1/search's does.
"""

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from app.db import FTS_PREFIX_TABLE, FTS_TABLE
from app.params import QuoteListParams, decode_cursor
from app.queries.errors import InvalidQuery
from app.queries.fulltext import (
    QUOTE_VECTORS,
    fts5_expression,
    fts5_rowids,
    split_terms,
    tsquery,
)
from app.queries.quotes import CompiledFilters
from app.queries.tables import quote

MAX_RANK_OFFSET = 1000


def rank_offset(params: QuoteListParams) -> int:
    """How many ranked quotes precede the page (the cursor's key)."""
    offset = decode_cursor(params.cursor)[0] if params.cursor else 0
    if offset > MAX_RANK_OFFSET:
        raise InvalidQuery.of("cursor", f"a ranked list goes {MAX_RANK_OFFSET} quotes deep at most")
    return offset


def ranked_page_keys(
    session: Session, params: QuoteListParams, filters: CompiledFilters, limit: int
) -> Select[Any]:
    """(seq, id) of the page's quotes and one more, best match first."""
    words, prefixes = split_terms(filters.terms)
    offset = rank_offset(params)
    if session.get_bind().dialect.name == "sqlite":
        main = FTS_TABLE if words else FTS_PREFIX_TABLE
        fts = table(main, column("rowid", Integer))
        conditions: list[Any] = [
            text(f"{main} MATCH :rank_query").bindparams(
                rank_query=fts5_expression(words or prefixes)
            ),
            *filters.id_conditions,
        ]
        if words and prefixes:
            conditions.append(fts.c.rowid.in_(fts5_rowids(FTS_PREFIX_TABLE, prefixes)))
        # bm25 is lower for better matches; the weights are /v1/search's.
        score: ColumnElement[float] = literal_column(f"bm25({main}, 0, 0, 2.0, 1.0)")
        statement = (
            select(quote.c.seq.label("key"), quote.c.id)
            .select_from(fts.join(quote, quote.c.seq == fts.c.rowid))
            .where(*conditions)
            .order_by(score, quote.c.seq)
        )
    else:
        groups = (("english", words), ("simple", prefixes))
        scores = [func.ts_rank(QUOTE_VECTORS[config], tsquery(g)) for config, g in groups if g]
        statement = (
            select(quote.c.seq.label("key"), quote.c.id)
            .where(*filters.conditions)
            .order_by(sum(scores[1:], scores[0]).desc(), quote.c.seq)
        )
    return statement.limit(limit).offset(offset)
