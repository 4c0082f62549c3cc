"""Counting quotes by dimension, in SQL: facets, cross-tabs, a stakeholder type's profile.

The dimensions are spelled the same everywhere (filters, facets, cross-tabs): layer, theme,
stakeholder_type, organisation_type, interview, tag. `stakeholder_type` counts by the type an
interview is classified as (the taxonomy's leaves), so its values partition the quotes; a parent
type's totals are on `/v1/stakeholder-types`. A quote with several tags counts once under each.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    FromClause,
    Select,
    func,
    literal,
    select,
)
from sqlalchemy.orm import Session

from app import schemas
from app.params import Dimension, QuoteFilters
from app.queries.coded_counts import coded_counts, counts_apply
from app.queries.errors import InvalidQuery
from app.queries.quotes import CompiledFilters, quote_conditions
from app.queries.snapshot import KEPT_DIMENSIONS, snapshot
from app.queries.tables import (
    DIMENSION_KEYS,
    interview,
    layer,
    organisation_type,
    quote,
    quote_count,
    quote_tag,
    report,
    stakeholder_type,
    tag,
    theme,
)

NO_ORGANISATION = "No organisation named"
UNTAGGED = "Untagged"
# The dimensions under which one quote can fall under several values (and so count more than once).
MULTI_VALUED = (Dimension.tag,)


@dataclass(frozen=True)
class DimensionSpec:
    """How a dimension reads a quote's value, and every value it has, in its natural order."""

    key: ColumnElement[Any]
    values: Select[Any] | CompoundSelect[Any]
    needs_tags: bool = False
    # The report a value belongs to, for the dimensions each report has values of its own of.
    report_id: ColumnElement[str] | None = None


_parent_types = select(stakeholder_type.c.parent_id).where(
    stakeholder_type.c.parent_id.is_not(None)
)
SPECS: dict[Dimension, DimensionSpec] = {
    Dimension.layer: DimensionSpec(
        DIMENSION_KEYS["layer"], select(layer.c.id, layer.c.name).order_by(layer.c.depth)
    ),
    Dimension.theme: DimensionSpec(
        DIMENSION_KEYS["theme"],
        select(theme.c.id, theme.c.title)
        .join(report, report.c.id == theme.c.report_id)
        .order_by(report.c.published_on.desc(), report.c.id, theme.c.position),
        report_id=theme.c.report_id,
    ),
    Dimension.stakeholder_type: DimensionSpec(
        DIMENSION_KEYS["stakeholder_type"],
        select(stakeholder_type.c.id, stakeholder_type.c.name)
        .where(stakeholder_type.c.id.not_in(_parent_types))
        .order_by(stakeholder_type.c.position),
    ),
    Dimension.organisation_type: DimensionSpec(
        DIMENSION_KEYS["organisation_type"],
        select(organisation_type.c.id, organisation_type.c.name)
        .union_all(select(literal(None), literal(NO_ORGANISATION)))
        .order_by("name"),
    ),
    Dimension.interview: DimensionSpec(
        DIMENSION_KEYS["interview"],
        select(interview.c.id, interview.c.attribution).order_by(
            interview.c.report_id, interview.c.position
        ),
        report_id=interview.c.report_id,
    ),
    # Untagged quotes count under a value of their own, last, as organisation type's "none".
    Dimension.tag: DimensionSpec(
        DIMENSION_KEYS["tag"],
        select(tag.c.id, tag.c.name, literal(0).label("untagged"), tag.c.kind)
        .union_all(select(literal(None), literal(UNTAGGED), literal(1), literal(None)))
        .order_by("untagged", "kind", "name"),
        needs_tags=True,
    ),
    # Newest report first, as the reports list them; companions without quotes count 0.
    Dimension.report: DimensionSpec(
        DIMENSION_KEYS["report"],
        select(report.c.id, report.c.title).order_by(report.c.published_on.desc(), report.c.id),
    ),
}


def dimension_values(
    session: Session, dimension: Dimension, reports: list[str] | None = None
) -> list[schemas.DimensionValue]:
    """Every value of a dimension, in its natural order; with `reports`, a theme or an
    interview only of those reports."""
    spec = SPECS[dimension]
    values = spec.values
    if reports and spec.report_id is not None and isinstance(values, Select):
        values = values.where(spec.report_id.in_(reports))
    return [schemas.DimensionValue(value=row[0], label=row[1]) for row in session.execute(values)]


def _counted_source(dimensions: list[Dimension]) -> FromClause:
    """`quote`, joined to its tags when grouping by tag (an untagged quote: a NULL tag)."""
    if any(SPECS[d].needs_tags for d in dimensions):
        return quote.outerjoin(quote_tag, quote_tag.c.quote_id == quote.c.id)
    return quote


def count_by(
    session: Session, conditions: list[ColumnElement[bool]], dimensions: list[Dimension]
) -> dict[tuple[Any, ...], int]:
    """Matching quotes per combination of the dimensions' values (none: the total).

    Every dimension is a column of `quote` (the loader copies layer and types onto it), so the
    count reads one table. Joined to its tags only when grouping by tag: each (quote, tag) row
    then falls in a group of its own tag, so count(*) counts each quote once per group. With no
    filter, one dimension's counts come from `quote_count`, made when the seeds loaded.
    """
    if not conditions and len(dimensions) == 1:
        stored = select(quote_count.c.value_id, quote_count.c.quotes).where(
            quote_count.c.dimension == dimensions[0].value
        )
        return {(value or None,): n for value, n in session.execute(stored)}
    keys = [SPECS[d].key for d in dimensions]
    source = _counted_source(dimensions)
    statement = select(*keys, func.count()).select_from(source).where(*conditions).group_by(*keys)
    return {tuple(row[:-1]): row[-1] for row in session.execute(statement)}


def facets(
    session: Session, filters: CompiledFilters, dimensions: list[Dimension]
) -> dict[str, list[schemas.FacetValue]]:
    """For each dimension, the values the matching quotes have: most frequent first."""
    result: dict[str, list[schemas.FacetValue]] = {}
    for dimension in dict.fromkeys(dimensions):
        values, counts = _values_and_counts(session, filters, dimension)
        present = [
            (index, value, counts[(value.value,)])
            for index, value in enumerate(values)
            if counts.get((value.value,), 0) > 0
        ]
        present.sort(key=lambda item: (-item[2], item[0]))
        result[dimension.value] = [
            schemas.FacetValue(value=value.value, label=value.label, count=count)
            for _, value, count in present
        ]
    return result


def _values_and_counts(
    session: Session, filters: CompiledFilters, dimension: Dimension
) -> tuple[list[schemas.DimensionValue], dict[tuple[Any, ...], int]]:
    """A dimension's values and the matching quotes' counts by value. A kept dimension's
    values (app.queries.snapshot), and its counts over all quotes, are read once per version;
    under a search, its counts may come from the version's arrays (app.queries.coded_counts)."""
    conditions = filters.conditions
    if dimension.value not in KEPT_DIMENSIONS:
        return dimension_values(session, dimension), count_by(session, conditions, [dimension])
    kept = snapshot(session)
    values = kept.memo(("values", dimension), lambda: dimension_values(session, dimension))
    if counts_apply(session, filters, dimension.value):
        return values, coded_counts(session, filters, dimension.value)
    if conditions:
        return values, count_by(session, conditions, [dimension])
    return values, kept.memo(("counts", dimension), lambda: count_by(session, [], [dimension]))


def crosstab(
    session: Session, filters: QuoteFilters, rows: Dimension, cols: Dimension, max_cells: int
) -> schemas.Crosstab:
    """The matrix of quote counts by two dimensions under the filters, zero cells included.

    Under a `report` filter, themes and interviews are those of the reports asked for: with a
    thousand reports, interviews by tags is a matrix per report, not of the whole series. A
    matrix of more than `max_cells` cells is refused before anything is counted.
    """
    if rows == cols:
        raise InvalidQuery.of("cols", "rows and cols must be different dimensions.")
    conditions = quote_conditions(session, filters)
    row_values, col_values = _bounded_values(session, filters, rows, cols, max_cells)
    cells_by_key = count_by(session, conditions, [rows, cols])
    row_counts = count_by(session, conditions, [rows])
    col_counts = count_by(session, conditions, [cols])
    cells = [[cells_by_key.get((r.value, c.value), 0) for c in col_values] for r in row_values]
    row_totals = [sum(row) for row in cells]
    col_totals = [sum(column) for column in zip(*cells, strict=True)] or [0] * len(col_values)
    total = sum(row_totals)
    return schemas.Crosstab(
        rows_dimension=rows.value,
        cols_dimension=cols.value,
        rows=row_values,
        cols=col_values,
        cells=cells,
        row_totals=row_totals,
        col_totals=col_totals,
        total=total,
        distinct_quotes=schemas.CrosstabDistinct(
            rows=[row_counts.get((r.value,), 0) for r in row_values],
            cols=[col_counts.get((c.value,), 0) for c in col_values],
            total=count_by(session, conditions, []).get((), 0),
        ),
        multi_valued=[d.value for d in (rows, cols) if d in MULTI_VALUED],
        shares=_shares(cells, row_totals, col_totals, total),
    )


def _shares(
    cells: list[list[int]], row_totals: list[int], col_totals: list[int], total: int
) -> schemas.CrosstabShares:
    return schemas.CrosstabShares(
        of_total=[[_share(n, total) for n in row] for row in cells],
        of_row=[[_share(n, rt) for n in row] for row, rt in zip(cells, row_totals, strict=True)],
        of_col=[[_share(n, ct) for n, ct in zip(row, col_totals, strict=True)] for row in cells],
    )


def _bounded_values(
    session: Session, filters: QuoteFilters, rows: Dimension, cols: Dimension, max_cells: int
) -> tuple[list[schemas.DimensionValue], list[schemas.DimensionValue]]:
    """The values of the rows and the columns, or InvalidQuery when they make too many cells."""
    row_values = dimension_values(session, rows, filters.report)
    col_values = dimension_values(session, cols, filters.report)
    if len(row_values) * len(col_values) > max_cells:
        raise InvalidQuery.of(
            "cols",
            f"{rows.value} by {cols.value} is {len(row_values)} x {len(col_values)} cells, "
            f"over the limit of {max_cells} (MAX_CROSSTAB_CELLS); narrow it with `report`.",
            kind="too_many_cells",
        )
    return row_values, col_values


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def stakeholder_profile(
    session: Session, type_id: str, reports: list[str] | None = None
) -> tuple[list[schemas.DimensionCount], list[schemas.DimensionCount]]:
    """Quotes of a type (sub-types included) by layer and by theme, zeros included; only in
    some reports' quotes when `reports` is given."""
    filters = QuoteFilters(stakeholder_type=[type_id], report=reports or [])
    conditions = quote_conditions(session, filters)
    profile = []
    for dimension in (Dimension.layer, Dimension.theme):
        counts = count_by(session, conditions, [dimension])
        profile.append(
            [
                schemas.DimensionCount(
                    id=str(value.value), name=value.label, count=counts.get((value.value,), 0)
                )
                for value in dimension_values(session, dimension)
            ]
        )
    return profile[0], profile[1]
