"""Quote statements: filtering, keyset pagination, one quote, a random quote.

A page is found in two steps: first the ids of its quotes, from the `quote` table alone (every
filter is a column of it, or a subquery), read off an index in the requested order so that the
query stops after the page; then those quotes with everything they show, through QUOTE_JOINS.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Integer,
    Row,
    Select,
    column,
    false,
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
from app.errors import InvalidParameter
from app.params import QuoteFilters, QuoteListParams, QuoteSort, decode_cursor, encode_cursor
from app.queries.fulltext import (
    Term,
    fts5_expression,
    fts5_rowids,
    parse_query,
    search_condition,
)
from app.queries.tables import (
    DIMENSION_TABLES,
    interview,
    layer,
    organisation_type,
    quote,
    quote_tag,
    report,
    report_section,
    stakeholder_type,
    tag,
    theme,
)

# Every quote with its interview, theme, layer, stakeholder and organisation type, report, section.
QUOTE_JOINS = (
    quote.join(interview, interview.c.id == quote.c.interview_id)
    .join(theme, theme.c.id == quote.c.theme_id)
    .join(layer, layer.c.id == theme.c.layer_id)
    .join(stakeholder_type, stakeholder_type.c.id == interview.c.stakeholder_type_id)
    .outerjoin(organisation_type, organisation_type.c.id == interview.c.organisation_type_id)
    .join(report, report.c.id == quote.c.report_id)
    .join(report_section, report_section.c.id == quote.c.section_id)
)


def quote_select() -> Select[Any]:
    """Every column a public quote needs, over QUOTE_JOINS."""
    return select(
        quote.c.id,
        quote.c.text,
        quote.c.position,
        quote.c.length,
        quote.c.start_offset,
        quote.c.end_offset,
        interview.c.id.label("interview_id"),
        interview.c.attribution,
        interview.c.role_title,
        theme.c.id.label("theme_id"),
        theme.c.title.label("theme_title"),
        layer.c.id.label("layer_id"),
        layer.c.name.label("layer_name"),
        stakeholder_type.c.id.label("stakeholder_type_id"),
        stakeholder_type.c.name.label("stakeholder_type_name"),
        organisation_type.c.id.label("organisation_type_id"),
        organisation_type.c.name.label("organisation_type_name"),
        report.c.id.label("report_id"),
        report.c.title.label("report_title"),
        report_section.c.numeral.label("section_numeral"),
        report_section.c.title.label("section_title"),
        report_section.c.page_start,
        report_section.c.page_end,
    ).select_from(QUOTE_JOINS)


def type_and_descendants(type_ids: Sequence[str]) -> Select[Any]:
    """The given stakeholder types and all their sub-types, at any depth."""
    tree = (
        select(stakeholder_type.c.id)
        .where(stakeholder_type.c.id.in_(type_ids))
        .cte("type_tree", recursive=True)
    )
    tree = tree.union(
        select(stakeholder_type.c.id).where(stakeholder_type.c.parent_id == tree.c.id)
    )
    return select(tree.c.id)


# The filters that are columns of `quote` with a (column, position, id) index.
ORDERED_FILTERS = {
    "theme": quote.c.theme_id,
    "layer": quote.c.layer_id,
    "stakeholder_type": quote.c.stakeholder_type_id,
    "organisation_type": quote.c.organisation_type_id,
    "interview": quote.c.interview_id,
    "report": quote.c.report_id,
}


@dataclass(frozen=True)
class CompiledFilters:
    """The filters as WHERE conditions on `quote`, and what a page query needs to plan with."""

    by_id: list[ColumnElement[bool]]
    tagged: ColumnElement[bool] | None = None
    text: ColumnElement[bool] | None = None
    terms: list[Term] = field(default_factory=list)
    # Each ordered filter's values, a stakeholder type expanded to itself and its sub-types.
    ordered_values: dict[str, list[str]] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)

    @property
    def conditions(self) -> list[ColumnElement[bool]]:
        """Every filter, the search included."""
        return [*self.id_conditions, *([self.text] if self.text is not None else [])]

    @property
    def id_conditions(self) -> list[ColumnElement[bool]]:
        """Every filter but the search."""
        return [*self.by_id, *([self.tagged] if self.tagged is not None else [])]


def compile_filters(session: Session, filters: QuoteFilters) -> CompiledFilters:
    """The filters as conditions on the `quote` table; unknown ids are a 422."""
    check_ids_exist(session, filters.dimensions())
    values = {name: list(dict.fromkeys(getattr(filters, name))) for name in ORDERED_FILTERS}
    if values["stakeholder_type"]:
        tree = type_and_descendants(values["stakeholder_type"])
        values["stakeholder_type"] = sorted(session.execute(tree).scalars())
    ordered_values = {name: ids for name, ids in values.items() if ids}
    by_id: list[ColumnElement[bool]] = [
        ORDERED_FILTERS[name].in_(ids) for name, ids in ordered_values.items()
    ]
    tags = list(dict.fromkeys(filters.tag))
    tagged = None
    if tags:
        tagged = quote.c.id.in_(select(quote_tag.c.quote_id).where(quote_tag.c.tag_id.in_(tags)))
    condition, terms = (None, []) if filters.q is None else text_search(session, filters.q)
    return CompiledFilters(by_id, tagged, condition, terms, ordered_values, tags)


def quote_conditions(session: Session, filters: QuoteFilters) -> list[ColumnElement[bool]]:
    """WHERE conditions for the filters, over `quote_select()`; unknown ids are a 422."""
    return compile_filters(session, filters).conditions


def text_search(session: Session, query: str) -> tuple[ColumnElement[bool], list[Term]]:
    """Quotes whose text matches `query`; nothing matches a query with no searchable term."""
    if "\x00" in query:
        raise InvalidParameter(["query", "q"], "The search text contains a NUL character.")
    terms = parse_query(query)
    if not terms:
        return (false() if query.strip() else true()), terms
    dialect = session.get_bind().dialect.name
    return search_condition(dialect, quote.c.seq, terms), terms


def check_ids_exist(session: Session, dimensions: dict[str, list[str]]) -> None:
    """Raise a 422 naming every filter value that is no known id."""
    errors: list[dict[str, Any]] = []
    for name, values in dimensions.items():
        table = DIMENSION_TABLES[name]
        found = set(session.execute(select(table.c.id).where(table.c.id.in_(values))).scalars())
        errors.extend(
            {"loc": ["query", name], "msg": f"unknown {name} {value!r}", "type": "unknown_id"}
            for value in dict.fromkeys(values)
            if value not in found
        )
    if errors:
        detail = "; ".join(error["msg"] for error in errors)
        raise InvalidParameter.from_errors(f"Unknown filter value: {detail}.", errors)


def list_quotes(
    session: Session, params: QuoteListParams, filters: CompiledFilters
) -> tuple[list[schemas.Quote], str | None]:
    """One page of the quotes meeting the filters, in order, and the next page's cursor."""
    keys = session.execute(page_keys(session, params, filters)).all()
    next_cursor = None
    if len(keys) > params.limit:
        keys = keys[: params.limit]
        next_cursor = encode_cursor(keys[-1].key, keys[-1].id)
    found = session.execute(quote_select().where(quote.c.id.in_([k.id for k in keys]))).all()
    by_id = {row.id: row for row in found}
    return to_quotes(session, [by_id[k.id] for k in keys]), next_cursor


def page_keys(session: Session, params: QuoteListParams, filters: CompiledFilters) -> Select[Any]:
    """(key, id) of the page's quotes and one more, in order: a query that stops early.

    In report order there are two ways to read just the page instead of every match: a search
    on SQLite walks the FTS5 matches in rowid order (the quotes' `seq`); a filter by several
    values of an indexed column, or by tags, becomes one ordered, limited read per value,
    merged. With a one-value filter on an indexed column, or in another order, the database's
    planner picks the index.
    """
    by_report_order = params.sort in (QuoteSort.position, QuoteSort.position_desc)
    limit = params.limit + 1
    if by_report_order and filters.terms and session.get_bind().dialect.name == "sqlite":
        return _search_page_keys(session, params, filters, limit)
    text_condition = filters.text if filters.terms else None
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
        select(quote.c.position.label("key"), quote.c.id)
        .select_from(matches.join(quote, quote.c.id == matches.c.id))
        .where(*filters.id_conditions, *_after(params, quote.c.position, quote.c.id))
    )
    return _ordered(statement, params.sort, limit)


def _merged_reads(params: QuoteListParams, filters: CompiledFilters, limit: int) -> Select[Any]:
    """The page as one ordered read per value of the filter with the fewest values, merged."""
    candidates = [(len(ids), name) for name, ids in filters.ordered_values.items()]
    if filters.tags:
        candidates.append((len(filters.tags), ""))  # "" sorts first: tags win a tie
    _, name = min(candidates)
    arms: list[Select[Any]]
    if name:
        column = ORDERED_FILTERS[name]
        after = _after(params, quote.c.position, quote.c.id)
        arms = [
            _ordered(
                select(quote.c.position.label("key"), quote.c.id).where(
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
        conditions = [*filters.by_id, *([filters.text] if filters.text is not None else [])]
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
    words = [term for term in filters.terms if not term.prefix]
    prefixes = [term for term in filters.terms if term.prefix]
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
        select(quote.c.position.label("key"), quote.c.id)
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
    position = tuple_(quote.c.position, quote.c.id)
    if params.sort.descending:
        first_at = select(quote.c.seq).where(position >= cursor)
        bound = session.execute(first_at.order_by(quote.c.position, quote.c.id).limit(1))
        seq = bound.scalar()
        return rowid < seq if seq is not None else true()
    last_at = select(quote.c.seq).where(position <= cursor)
    bound = session.execute(last_at.order_by(quote.c.position.desc(), quote.c.id.desc()).limit(1))
    return rowid > (bound.scalar() or 0)


def iter_quotes(
    session: Session, conditions: list[ColumnElement[bool]], batch: int = 500
) -> Iterator[schemas.Quote]:
    """Every quote meeting `conditions` in report order, fetched a batch at a time by keyset."""
    after: tuple[int, str] | None = None
    while True:
        statement = quote_select().where(*conditions)
        if after is not None:
            statement = statement.where(tuple_(quote.c.position, quote.c.id) > after)
        rows = session.execute(statement.order_by(quote.c.position, quote.c.id).limit(batch)).all()
        yield from to_quotes(session, rows)
        if len(rows) < batch:
            return
        after = (rows[-1].position, rows[-1].id)


def quote_batches(
    engine: Engine, conditions: list[ColumnElement[bool]], batch: int = 500
) -> Iterator[list[schemas.Quote]]:
    """Every quote meeting `conditions` in report order, a batch per short-lived session.

    For streams: no connection is held between batches, so a slow reader never keeps one
    from the pool (nor a worker thread waiting for one).
    """
    after: tuple[int, str] | None = None
    while True:
        with Session(engine) as session:
            statement = quote_select().where(*conditions)
            if after is not None:
                statement = statement.where(tuple_(quote.c.position, quote.c.id) > after)
            rows = session.execute(
                statement.order_by(quote.c.position, quote.c.id).limit(batch)
            ).all()
            quotes = to_quotes(session, rows)
        yield quotes
        if len(rows) < batch:
            return
        after = (rows[-1].position, rows[-1].id)


def get_quote(session: Session, quote_id: str) -> schemas.Quote | None:
    """One quote by id."""
    row = session.execute(quote_select().where(quote.c.id == quote_id)).first()
    return to_quotes(session, [row])[0] if row else None


def random_quote(session: Session, filters: QuoteFilters) -> schemas.Quote | None:
    """A quote chosen at random among those matching the filters."""
    statement = (
        quote_select().where(*quote_conditions(session, filters)).order_by(func.random()).limit(1)
    )
    row = session.execute(statement).first()
    return to_quotes(session, [row])[0] if row else None


def daily_quote(session: Session, filters: QuoteFilters, day: date) -> schemas.Quote | None:
    """The quote of the day: the same for the same day and filters, on every backend and reseed.

    sha256 of the ISO date and the canonical filters (ids sorted and deduplicated, the search
    text as given), modulo the number of matching quotes, indexes the matches in report order.
    """
    conditions = quote_conditions(session, filters)
    count = session.execute(
        select(func.count()).select_from(QUOTE_JOINS).where(*conditions)
    ).scalar_one()
    if not count:
        return None
    canonical: dict[str, Any] = {
        name: sorted(set(values)) for name, values in filters.dimensions().items()
    }
    if filters.q is not None:
        canonical["q"] = filters.q
    key = json.dumps([day.isoformat(), canonical], sort_keys=True, separators=(",", ":"))
    index = int.from_bytes(hashlib.sha256(key.encode()).digest(), "big") % count
    statement = (
        quote_select()
        .where(*conditions)
        .order_by(quote.c.position, quote.c.id)
        .offset(index)
        .limit(1)
    )
    return to_quotes(session, [session.execute(statement).one()])[0]


def to_quotes(session: Session, rows: Sequence[Row[Any]]) -> list[schemas.Quote]:
    """Public quotes from `quote_select()` rows, with their tags fetched in one query."""
    tags = tags_of(session, [row.id for row in rows])
    return [
        schemas.Quote(
            id=row.id,
            text=row.text,
            attribution=row.attribution,
            role_title=row.role_title,
            position=row.position,
            length=row.length,
            theme=schemas.ThemeRef(id=row.theme_id, title=row.theme_title),
            layer=schemas.LayerRef(id=row.layer_id, name=row.layer_name),
            stakeholder_type=schemas.StakeholderTypeRef(
                id=row.stakeholder_type_id, name=row.stakeholder_type_name
            ),
            organisation_type=schemas.OrganisationTypeRef.of(
                row.organisation_type_id, row.organisation_type_name
            ),
            interview=schemas.InterviewRef(id=row.interview_id),
            report=schemas.ReportRef(id=row.report_id, title=row.report_title),
            tags=tags.get(row.id, []),
            location=schemas.QuoteLocation(
                section=schemas.SectionRef(
                    numeral=row.section_numeral,
                    title=row.section_title,
                    page_start=row.page_start,
                    page_end=row.page_end,
                ),
                start_offset=row.start_offset,
                end_offset=row.end_offset,
            ),
        )
        for row in rows
    ]


def tags_of(session: Session, quote_ids: list[str]) -> dict[str, list[schemas.TagRef]]:
    """The tags of each quote, ordered by kind and name."""
    if not quote_ids:
        return {}
    statement = (
        select(quote_tag.c.quote_id, tag.c.id, tag.c.name, tag.c.kind)
        .join(tag, tag.c.id == quote_tag.c.tag_id)
        .where(quote_tag.c.quote_id.in_(quote_ids))
        .order_by(quote_tag.c.quote_id, tag.c.kind, tag.c.name, tag.c.id)
    )
    tags: dict[str, list[schemas.TagRef]] = defaultdict(list)
    for row in session.execute(statement):
        tags[row.quote_id].append(schemas.TagRef(id=row.id, name=row.name, kind=row.kind))
    return tags
