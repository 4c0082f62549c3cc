"""A page of the quote list, and its facets: the one query in the API that must stay fast
however many quotes match.

A page is found in two steps: first the (key, id) of its quotes, from `quote` alone (every
filter is a column of it, or a subquery), read off an index in the requested order so that the
query stops after the page; then those quotes with everything they show, by primary key.
"""

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    column,
    func,
    select,
    table,
    text,
    true,
    tuple_,
    union,
    union_all,
)
from sqlalchemy.orm import Session

from app import schemas
from app.db import FTS_PREFIX_TABLE, FTS_TABLE
from app.params import QuoteListParams, QuoteSort, decode_cursor, encode_cursor
from app.queries.dimensions import facets
from app.queries.fulltext import fts5_expression, fts5_rowids, split_terms
from app.queries.quotes import (
    ORDERED_FILTERS,
    CompiledFilters,
    compile_filters,
    quotes_by_id,
)
from app.queries.ranked_pages import rank_offset, ranked_page_keys
from app.queries.tables import quote, quote_tag


def read_quote_page(session: Session, params: QuoteListParams) -> schemas.QuotePage:
    """The page of quotes that `params` asks for, and the facet counts it asks for."""
    filters = compile_filters(session, params)
    items, next_cursor = page_items(session, params, filters)
    return schemas.QuotePage(
        items=items,
        next_cursor=next_cursor,
        facets=facets(session, filters, params.facet) if params.facet else {},
    )


def page_items(
    session: Session, params: QuoteListParams, filters: CompiledFilters
) -> tuple[list[schemas.Quote], str | None]:
    """One page of the quotes meeting the filters, in order, and the next page's cursor."""
    ranked = params.sort is QuoteSort.rank
    if ranked:
        keys = session.execute(ranked_page_keys(session, params, filters, params.limit + 1)).all()
    else:
        keys = session.execute(page_keys(session, params, filters)).all()
    next_cursor = None
    if len(keys) > params.limit:
        keys = keys[: params.limit]
        # A ranked page goes on after the quotes ranked so far; any other after its last key.
        key = rank_offset(params) + params.limit if ranked else keys[-1].key
        next_cursor = encode_cursor(key, keys[-1].id)
    by_id = quotes_by_id(session, [k.id for k in keys])
    return [by_id[k.id] for k in keys], next_cursor


def page_keys(session: Session, params: QuoteListParams, filters: CompiledFilters) -> Select[Any]:
    """(key, id) of the page's quotes and one more, in order: a query that stops early.

    In report order there are two ways to read just the page instead of every match: a search
    on SQLite walks the FTS5 matches in rowid order (the quotes' `seq`), unless an interview
    filter leaves few quotes to check against it; a filter by several
    values of an indexed column, or by tags, becomes one ordered, limited read per value,
    merged. With a one-value filter on an indexed column, or in another order, the database's
    planner picks the index.
    """
    by_report_order = params.sort in (QuoteSort.position, QuoteSort.position_desc)
    limit = params.limit + 1
    # A search checked quote by quote reads the few candidates off their filter's index.
    walks_matches = bool(filters.terms) and not filters.text_per_quote
    if by_report_order and walks_matches and session.get_bind().dialect.name == "sqlite":
        return _search_page_keys(session, params, filters, limit)
    text_condition = filters.text if walks_matches else None
    if by_report_order and text_condition is not None and _rare(session, text_condition):
        return _rare_search_page_keys(params, filters, text_condition, limit)
    one_value = any(len(ids) == 1 for ids in filters.ordered_values.values())
    if by_report_order and not one_value and (filters.ordered_values or filters.tags):
        return _merged_reads(params, filters, limit)
    sort_column = quote.c[params.sort.column]
    statement = select(sort_column.label("key"), quote.c.id).where(
        *filters.conditions, *_after(params, sort_column, quote.c.id)
    )
    return _ordered(statement, params.sort, limit)


# Below this many matches a search's matches are collected and sorted; from it on, PostgreSQL
# walks the quotes in order and checks each (it stops after ~limit / share-of-matches rows).
RARE_MATCHES = 2000


def _rare(session: Session, text_condition: ColumnElement[bool]) -> bool:
    """Whether fewer than RARE_MATCHES quotes match: a bounded count, read off the GIN index.

    PostgreSQL's planner guesses 0.5% for a word its statistics do not list, and with that
    guess walks the whole table in order for a word that one quote has.
    """
    probe = select(quote.c.id).where(text_condition).limit(RARE_MATCHES).subquery()
    return session.execute(select(func.count()).select_from(probe)).scalar_one() < RARE_MATCHES


def _rare_search_page_keys(
    params: QuoteListParams,
    filters: CompiledFilters,
    text_condition: ColumnElement[bool],
    limit: int,
) -> Select[Any]:
    """A page of a rare search's matches: collected first (fewer than RARE_MATCHES), sorted."""
    matches = select(quote.c.id).where(text_condition).cte("matches").prefix_with("MATERIALIZED")
    statement = (
        select(quote.c.seq.label("key"), quote.c.id)
        .select_from(matches.join(quote, quote.c.id == matches.c.id))
        .where(*filters.id_conditions, *_after(params, quote.c.seq, quote.c.id))
    )
    return _ordered(statement, params.sort, limit)


def _merged_reads(params: QuoteListParams, filters: CompiledFilters, limit: int) -> Select[Any]:
    """The page as one ordered read per value of the filter with the fewest values, merged.

    Long because choosing the driving filter and building its reads are one decision.
    """
    candidates = [(len(ids), name) for name, ids in filters.ordered_values.items()]
    if filters.tags:
        candidates.append((len(filters.tags), ""))  # "" sorts first: tags win a tie
    _, name = min(candidates)
    arms: list[Select[Any]]
    if name:
        column = ORDERED_FILTERS[name]
        after = _after(params, quote.c.seq, quote.c.id)
        arms = [
            _ordered(
                select(quote.c.seq.label("key"), quote.c.id).where(
                    column == value, *filters.conditions, *after
                ),
                params.sort,
                limit,
            )
            for value in filters.ordered_values[name]
        ]
    else:
        # Read off (tag_id, position, quote_id); the other filters are checked on the quote.
        key, quote_id = quote_tag.c.position, quote_tag.c.quote_id
        conditions = filters.untagged_conditions
        arms = [
            _ordered(
                select(key.label("key"), quote_id.label("id"))
                .join(quote, quote.c.id == quote_id)
                .where(quote_tag.c.tag_id == tag, *conditions, *_after(params, key, quote_id)),
                params.sort,
                limit,
                (key, quote_id),
            )
            for tag in filters.tags
        ]
    if len(arms) == 1:
        return arms[0]
    reads = [select(arm.subquery()) for arm in arms]
    # A quote has one value of a quote column but may carry several of the tags.
    merged = (union(*reads) if not name else union_all(*reads)).subquery()
    order = (merged.c.key, merged.c.id)
    return _ordered(select(*order), params.sort, limit, order)


def _after(
    params: QuoteListParams, key: ColumnElement[Any], quote_id: ColumnElement[str]
) -> list[ColumnElement[bool]]:
    """The condition for the rows past the cursor, if any."""
    if params.cursor is None:
        return []
    position = tuple_(key, quote_id)
    cursor = decode_cursor(params.cursor)
    return [position < cursor if params.sort.descending else position > cursor]


def _ordered(
    statement: Select[Any],
    sort: QuoteSort,
    limit: int,
    order: tuple[ColumnElement[Any], ColumnElement[Any]] | None = None,
) -> Select[Any]:
    """`statement` in the sort's order (by key, then id), limited."""
    key, quote_id = order or (quote.c[sort.column], quote.c.id)
    direction = (key.desc(), quote_id.desc()) if sort.descending else (key.asc(), quote_id.asc())
    return statement.order_by(*direction).limit(limit)


def _search_page_keys(
    session: Session, params: QuoteListParams, filters: CompiledFilters, limit: int
) -> Select[Any]:
    """A searched page in report order on SQLite, read off the FTS5 matches in rowid order."""
    words, prefixes = split_terms(filters.terms)
    name, rest = (FTS_TABLE, prefixes) if words else (FTS_PREFIX_TABLE, [])
    fts = table(name, column("rowid", Integer))
    conditions: list[Any] = [
        text(f"{name} MATCH :page_query").bindparams(page_query=fts5_expression(words or prefixes)),
        *filters.id_conditions,
    ]
    if rest:
        conditions.append(fts.c.rowid.in_(fts5_rowids(FTS_PREFIX_TABLE, rest)))
    if params.cursor is not None:
        conditions.append(_after_seq(session, params, fts.c.rowid))
    statement = (
        select(quote.c.seq.label("key"), quote.c.id)
        .select_from(fts.join(quote, quote.c.seq == fts.c.rowid))
        .where(*conditions)
    )
    rowid_order = fts.c.rowid.desc() if params.sort.descending else fts.c.rowid.asc()
    return statement.order_by(rowid_order).limit(limit)


def _after_seq(
    session: Session, params: QuoteListParams, rowid: ColumnElement[int]
) -> ColumnElement[bool]:
    """The rows past the cursor, as a bound on `seq` (report order, on SQLite)."""
    cursor = decode_cursor(params.cursor or "")
    position = tuple_(quote.c.seq, quote.c.id)
    if params.sort.descending:
        first_at = select(quote.c.seq).where(position >= cursor)
        bound = session.execute(first_at.order_by(quote.c.seq, quote.c.id).limit(1))
        seq = bound.scalar()
        return rowid < seq if seq is not None else true()
    last_at = select(quote.c.seq).where(position <= cursor)
    bound = session.execute(last_at.order_by(quote.c.seq.desc(), quote.c.id.desc()).limit(1))
    return rowid > (bound.scalar() or 0)
