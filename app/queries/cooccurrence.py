"""Which values of a dimension appear together: two tags on one quote, two themes raised in one
interview, two stakeholder types speaking to one theme.

Each matching quote gives its unit (the quote, its interview or its theme) and its values of the
dimension (one, or its tags); the distinct (unit, value) pairs are joined with themselves on the
unit, so a pair's count is the number of units holding both values, in one statement.
"""

from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, and_, func, select
from sqlalchemy.orm import Session

from app import schemas
from app.params import CooccurrenceParams, Dimension, Unit
from app.queries.dimensions import dimension_values
from app.queries.errors import InvalidQuery
from app.queries.quotes import quote_conditions
from app.queries.tables import DIMENSION_KEYS, quote, quote_tag

# The unit a dimension's values co-occur in unless one is asked for.
DEFAULT_UNIT = {
    Dimension.tag: Unit.quote,
    Dimension.stakeholder_type: Unit.theme,
    Dimension.organisation_type: Unit.theme,
}
UNIT_KEYS: dict[Unit, ColumnElement[str]] = {
    Unit.quote: quote.c.id,
    Unit.interview: quote.c.interview_id,
    Unit.theme: quote.c.theme_id,
}
# What each unit has only one value of: two values of those never share one.
SINGLE_IN = {
    Unit.quote: frozenset(Dimension) - {Dimension.tag},
    Unit.interview: frozenset(
        {
            Dimension.interview,
            Dimension.stakeholder_type,
            Dimension.organisation_type,
            Dimension.report,
        }
    ),
    Unit.theme: frozenset({Dimension.theme, Dimension.layer, Dimension.report}),
}


def cooccurrence(
    session: Session, params: CooccurrenceParams, max_pairs: int
) -> schemas.Cooccurrence:
    """The values of `params.dimension` that share units, under the filters. A dimension with
    so many values that its pairs could pass `max_pairs` is refused before anything is counted."""
    dimension = params.dimension
    within = params.within or DEFAULT_UNIT.get(dimension, Unit.interview)
    _check(dimension, within)
    values = [v for v in dimension_values(session, dimension, params.report) if v.value]
    if len(values) * (len(values) - 1) // 2 > max_pairs:
        raise InvalidQuery.of(
            "dimension",
            f"{dimension.value} has {len(values)} values: their pairs could pass the limit of "
            f"{max_pairs} (MAX_CROSSTAB_CELLS); narrow it with `report`.",
            kind="too_many_cells",
        )
    units = _units(session, params, dimension, within)
    shared = _shared(units)
    alone = select(units.c.value, func.count().label("n")).group_by(units.c.value)
    order = {value.value: index for index, value in enumerate(values)}
    by_id = {value.value: value for value in values}
    counts = sorted(session.execute(alone).all(), key=lambda row: (-row.n, order[row.value]))
    pairs = [
        (*sorted((row.a, row.b), key=order.__getitem__), row.n) for row in session.execute(shared)
    ]
    pairs.sort(key=lambda pair: (-pair[2], order[pair[0]], order[pair[1]]))
    return schemas.Cooccurrence(
        dimension=dimension.value,
        within=within.value,
        values=[
            schemas.CooccurrenceValue(value=row.value, label=by_id[row.value].label, count=row.n)
            for row in counts
        ],
        pairs=[schemas.CooccurrencePair(a=by_id[a], b=by_id[b], count=n) for a, b, n in pairs],
    )


def _check(dimension: Dimension, within: Unit) -> None:
    """Refuse a unit that holds one value of the dimension: its pairs would always be none."""
    if dimension not in SINGLE_IN[within]:
        return
    others = [unit.value for unit in Unit if dimension not in SINGLE_IN[unit]]
    hint = f"pair them within {' or '.join(others)}" if others else "they never share one"
    raise InvalidQuery.of("within", f"a {within.value} has one {dimension.value}: {hint}.")


def _shared(units: Any) -> Select[Any]:
    """Each pair of values with the units that hold both (each pair once: a < b by id)."""
    first, second = units.alias("first"), units.alias("second")
    return (
        select(first.c.value.label("a"), second.c.value.label("b"), func.count().label("n"))
        .select_from(first)
        .join(second, and_(first.c.unit == second.c.unit, first.c.value < second.c.value))
        .group_by(first.c.value, second.c.value)
    )


def _units(session: Session, params: CooccurrenceParams, dimension: Dimension, within: Unit) -> Any:
    """The distinct (unit, value) pairs of the matching quotes (no pair for a missing value)."""
    value = DIMENSION_KEYS[dimension.value]
    source: FromClause = quote
    if dimension is Dimension.tag:
        source = quote.join(quote_tag, quote_tag.c.quote_id == quote.c.id)
    return (
        select(UNIT_KEYS[within].label("unit"), value.label("value"))
        .select_from(source)
        .where(*quote_conditions(session, params), value.is_not(None))
        .distinct()
        .subquery("units")
    )
