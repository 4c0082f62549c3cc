"""Quote statements: the filters compiled to conditions on `quote`, one quote, a random quote, the
quote of the day, and every quote in report order (for feeds and exports). It is long because
all of them share one select and one row-to-model mapping, which belong beside the filters they
serve. A page of the list is planned in `app.queries.quote_pages`.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Engine,
    Row,
    Select,
    false,
    func,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.orm import Session

from app import schemas
from app.params import EXCLUDED, QuoteFilters
from app.queries.errors import InvalidQuery
from app.queries.fulltext import (
    Term,
    parse_query,
    search_condition,
)
from app.queries.snapshot import KEPT_DIMENSIONS, snapshot
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
        quote.c.seq,
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


# The filters that are columns of `quote` with a (column, seq, id) index.
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
    # The search is checked quote by quote, not by collecting its matches (see few_candidates).
    text_per_quote: bool = False
    # Each ordered filter's excluded values (expanded as `ordered_values`).
    excluded: dict[str, list[str]] = field(default_factory=dict)
    # Narrowed by a condition that is neither an ordered value nor the search (`not_tag`, a
    # length): only SQL knows it.
    narrowed: bool = False

    @property
    def conditions(self) -> list[ColumnElement[bool]]:
        """Every filter, the search included."""
        return [*self.id_conditions, *([self.text] if self.text is not None else [])]

    @property
    def untagged_conditions(self) -> list[ColumnElement[bool]]:
        """Every filter but the tags (for a read that starts from the tags)."""
        return [*self.by_id, *([self.text] if self.text is not None else [])]

    @property
    def id_conditions(self) -> list[ColumnElement[bool]]:
        """Every filter but the search."""
        return [*self.by_id, *([self.tagged] if self.tagged is not None else [])]


def compile_filters(session: Session, filters: QuoteFilters) -> CompiledFilters:
    """The filters as conditions on the `quote` table; unknown ids are a 422."""
    check_ids_exist(session, filters.id_filters())
    ordered_values = _ordered_values(session, filters.dimensions())
    excluded = _ordered_values(session, filters.exclusions())
    by_id: list[ColumnElement[bool]] = [
        ORDERED_FILTERS[name].in_(ids) for name, ids in ordered_values.items()
    ]
    by_id.extend(_leaving_out(ORDERED_FILTERS[name], ids) for name, ids in excluded.items())
    if filters.not_tag:
        by_id.append(quote.c.id.not_in(_tagged_with(list(dict.fromkeys(filters.not_tag)))))
    lengths = filters.lengths()
    if "min_length" in lengths:
        by_id.append(quote.c.length >= lengths["min_length"])
    if "max_length" in lengths:
        by_id.append(quote.c.length <= lengths["max_length"])
    tags = list(dict.fromkeys(filters.tag))
    tagged = quote.c.id.in_(_tagged_with(tags)) if tags else None
    per_quote = few_candidates(ordered_values)
    condition, terms = (
        (None, []) if filters.q is None else text_search(session, filters.q, per_quote=per_quote)
    )
    return CompiledFilters(
        by_id,
        tagged,
        condition,
        terms,
        ordered_values,
        tags,
        per_quote,
        excluded=excluded,
        narrowed=bool(filters.not_tag or lengths),
    )


def _ordered_values(session: Session, values: dict[str, list[str]]) -> dict[str, list[str]]:
    """The ids of each ordered filter that is set, a stakeholder type with its sub-types."""
    ordered = {
        name: list(dict.fromkeys(values[name])) for name in ORDERED_FILTERS if name in values
    }
    if "stakeholder_type" in ordered:
        subtypes = snapshot(session).subtypes
        ordered["stakeholder_type"] = sorted(
            {sub for type_id in ordered["stakeholder_type"] for sub in subtypes[type_id]}
        )
    return ordered


def _leaving_out(column: ColumnElement[Any], ids: list[str]) -> ColumnElement[bool]:
    """Quotes whose `column` is none of `ids`; a quote with no value (no organisation named)
    is none of them, where SQL's NOT IN would leave it out too."""
    if isinstance(column, Column) and column.nullable:
        return or_(column.is_(None), column.not_in(ids))
    return column.not_in(ids)


def _tagged_with(tags: list[str]) -> Select[Any]:
    return select(quote_tag.c.quote_id).where(quote_tag.c.tag_id.in_(tags))


def few_candidates(ordered_values: dict[str, list[str]]) -> bool:
    """Whether the filters leave few enough quotes to check each against a search: an
    interview filter does (an interview gives some dozens of quotes, however large the
    corpus), where a common word may match a tenth of a million quotes."""
    return bool(ordered_values.get("interview"))


def quote_conditions(session: Session, filters: QuoteFilters) -> list[ColumnElement[bool]]:
    """WHERE conditions for the filters, over `quote_select()`; unknown ids are a 422."""
    return compile_filters(session, filters).conditions


def text_search(
    session: Session, query: str, *, per_quote: bool = False
) -> tuple[ColumnElement[bool], list[Term]]:
    """Quotes whose text matches `query`; nothing matches a query with no searchable term.
    `per_quote`: see `search_condition`."""
    if "\x00" in query:
        raise InvalidQuery.of("q", "The search text contains a NUL character.")
    terms = parse_query(query)
    if not terms:
        return (false() if query.strip() else true()), terms
    dialect = session.get_bind().dialect.name
    return search_condition(dialect, quote.c.seq, terms, per_quote=per_quote), terms


def check_ids_exist(session: Session, id_filters: dict[str, list[str]]) -> None:
    """Raise InvalidQuery naming every filter value that is no known id; `id_filters` is keyed
    by parameter (`tag`, `not_tag`, ...)."""
    problems: list[tuple[str, str, str]] = []
    for parameter, values in id_filters.items():
        name = parameter.removeprefix(EXCLUDED)
        if name in KEPT_DIMENSIONS:
            found = snapshot(session).ids[name]
        else:
            table = DIMENSION_TABLES[name]
            found = frozenset(
                session.execute(select(table.c.id).where(table.c.id.in_(values))).scalars()
            )
        problems.extend(
            (parameter, f"unknown {name} {value!r}", "unknown_id")
            for value in dict.fromkeys(values)
            if value not in found
        )
    if problems:
        detail = "; ".join(message for _, message, _ in problems)
        raise InvalidQuery(f"Unknown filter value: {detail}.", problems)


def count_quotes(session: Session, conditions: list[ColumnElement[bool]], most: int) -> int:
    """How many quotes meet `conditions`, counted up to `most` + 1 (enough to refuse more)."""
    matching = select(quote.c.id).where(*conditions).limit(most + 1)
    return session.execute(select(func.count()).select_from(matching.subquery())).scalar_one()


def first_quotes(session: Session, filters: QuoteFilters, limit: int) -> list[schemas.Quote]:
    """The first `limit` quotes meeting the filters, in report order (a feed's items)."""
    conditions = quote_conditions(session, filters)
    return list(islice(iter_quotes(session, conditions, batch=limit), limit))


def iter_quotes(
    session: Session, conditions: list[ColumnElement[bool]], batch: int = 500
) -> Iterator[schemas.Quote]:
    """Every quote meeting `conditions` in report order, fetched a batch at a time by keyset."""
    after: tuple[int, str] | None = None
    while True:
        quotes, after = _batch_after(session, conditions, after, batch)
        yield from quotes
        if after is None:
            return


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
            quotes, after = _batch_after(session, conditions, after, batch)
        yield quotes
        if after is None:
            return


def _batch_after(
    session: Session,
    conditions: list[ColumnElement[bool]],
    after: tuple[int, str] | None,
    batch: int,
) -> tuple[list[schemas.Quote], tuple[int, str] | None]:
    """The next `batch` quotes past the keyset `after`, and the keyset to go on from (None
    when this batch is the last)."""
    statement = quote_select().where(*conditions)
    if after is not None:
        statement = statement.where(tuple_(quote.c.seq, quote.c.id) > after)
    rows = session.execute(statement.order_by(quote.c.seq, quote.c.id).limit(batch)).all()
    last = (rows[-1].seq, rows[-1].id) if len(rows) == batch else None
    return to_quotes(session, rows), last


def read_quote(session: Session, quote_id: str) -> schemas.Quote | None:
    """One quote by id."""
    return quotes_by_id(session, [quote_id]).get(quote_id)


def quotes_by_id(session: Session, quote_ids: list[str]) -> dict[str, schemas.Quote]:
    """The quotes of `quote_ids` that exist, by id: kept ones from the snapshot."""

    def build(missing: list[str]) -> list[schemas.Quote]:
        rows = session.execute(quote_select().where(quote.c.id.in_(missing))).all()
        return to_quotes(session, rows)

    return snapshot(session).quotes_by_id(quote_ids, build)


def read_random_quotes(session: Session, filters: QuoteFilters, count: int) -> list[schemas.Quote]:
    """`count` distinct quotes chosen at random among those matching the filters (all of them
    when fewer match)."""
    statement = (
        quote_select()
        .where(*quote_conditions(session, filters))
        .order_by(func.random())
        .limit(count)
    )
    return to_quotes(session, session.execute(statement).all())


def read_daily_quote(session: Session, filters: QuoteFilters, day: date) -> schemas.Quote | None:
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
        name: sorted(set(values)) for name, values in filters.id_filters().items()
    }
    canonical.update(filters.lengths())
    if filters.q is not None:
        canonical["q"] = filters.q
    key = json.dumps([day.isoformat(), canonical], sort_keys=True, separators=(",", ":"))
    index = int.from_bytes(hashlib.sha256(key.encode()).digest(), "big") % count
    statement = (
        quote_select().where(*conditions).order_by(quote.c.seq, quote.c.id).offset(index).limit(1)
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
