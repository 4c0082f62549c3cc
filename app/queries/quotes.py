"""Quote statements: filtering, keyset pagination, one quote, a random quote."""

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Row, Select, false, func, select, true, tuple_
from sqlalchemy.orm import Session

from app import schemas
from app.errors import InvalidParameter
from app.params import QuoteFilters, QuoteListParams, decode_cursor, encode_cursor
from app.queries.fulltext import parse_query, search_condition
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


def quote_conditions(session: Session, filters: QuoteFilters) -> list[ColumnElement[bool]]:
    """WHERE conditions for the filters, over `quote_select()`; unknown ids are a 422."""
    check_ids_exist(session, filters.dimensions())
    conditions: list[ColumnElement[bool]] = []
    if filters.layer:
        conditions.append(theme.c.layer_id.in_(filters.layer))
    if filters.theme:
        conditions.append(quote.c.theme_id.in_(filters.theme))
    if filters.stakeholder_type:
        conditions.append(
            interview.c.stakeholder_type_id.in_(type_and_descendants(filters.stakeholder_type))
        )
    if filters.organisation_type:
        conditions.append(interview.c.organisation_type_id.in_(filters.organisation_type))
    if filters.interview:
        conditions.append(quote.c.interview_id.in_(filters.interview))
    if filters.tag:
        tagged = select(quote_tag.c.quote_id).where(quote_tag.c.tag_id.in_(filters.tag))
        conditions.append(quote.c.id.in_(tagged))
    if filters.report:
        conditions.append(quote.c.report_id.in_(filters.report))
    if filters.q is not None:
        conditions.append(text_search_condition(session, filters.q))
    return conditions


def text_search_condition(session: Session, query: str) -> ColumnElement[bool]:
    """Quotes whose text matches `query`; nothing matches a query with no searchable term."""
    if "\x00" in query:
        raise InvalidParameter(["query", "q"], "The search text contains a NUL character.")
    terms = parse_query(query)
    if not terms:
        return false() if query.strip() else true()
    return search_condition(session.get_bind().dialect.name, quote.c.id, quote.c.text, terms)


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
    session: Session, params: QuoteListParams, conditions: list[ColumnElement[bool]]
) -> tuple[list[schemas.Quote], str | None]:
    """One page of the quotes meeting `conditions`, in order, and the next page's cursor."""
    sort_column = quote.c[params.sort.column]
    statement = quote_select().where(*conditions)
    if params.cursor is not None:
        key, after_id = decode_cursor(params.cursor)
        position = tuple_(sort_column, quote.c.id)
        statement = statement.where(
            position < (key, after_id) if params.sort.descending else position > (key, after_id)
        )
    order = (sort_column, quote.c.id)
    statement = statement.order_by(
        *(column.desc() if params.sort.descending else column.asc() for column in order)
    ).limit(params.limit + 1)
    rows = session.execute(statement).all()
    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        last = rows[-1]
        next_cursor = encode_cursor(getattr(last, params.sort.column), last.id)
    return to_quotes(session, rows), next_cursor


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
