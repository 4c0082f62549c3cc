"""Every filtered page of quotes is read through an index, never a full scan of the table.

Asserted on SQLite's query plans (at report scale its planner already chooses by the schema's
indexes). Facets, cross-tabs and exports read everything that matches by nature, and are exempt.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.params import QuoteListParams
from app.queries.quotes import quote_conditions, quote_select
from app.queries.tables import quote
from tests.conftest import new_database_url, seeded_engine


@pytest.fixture(scope="module")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    urls = new_database_url("sqlite", Path(tmp_path_factory.mktemp("plans")))
    engine = seeded_engine(next(urls))
    yield engine
    engine.dispose()


def plan(engine: Engine, params: QuoteListParams) -> list[str]:
    """SQLite's plan for the page query the API runs for `params`."""
    with Session(engine) as session:
        column = quote.c[params.sort.column]
        statement = (
            quote_select()
            .where(*quote_conditions(session, params))
            .order_by(column, quote.c.id)
            .limit(params.limit + 1)
        )
        compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})
        rows = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return [row[-1] for row in rows]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"theme": ["fda-pathways"]},
        {"layer": ["a-bit-deeper"]},
        {"stakeholder_type": ["payer"]},
        {"interview": ["former-federal-regulator"]},
        {"organisation_type": ["biotech-trade-association"]},
        {"tag": ["medicaid"]},
        {"report": ["cgt-insights-2026"]},
        {"sort": "-length"},
        {"q": "patient"},
        {"q": "medic*", "stakeholder_type": ["payer"]},
    ],
)
def test_filtered_page_uses_an_index(sqlite_engine: Engine, filters: dict[str, object]) -> None:
    steps = plan(sqlite_engine, QuoteListParams.model_validate(filters))
    scans = [step for step in steps if step.startswith("SCAN quote") and "INDEX" not in step]
    assert not scans, steps
    assert any("INDEX" in step or "VIRTUAL TABLE" in step for step in steps), steps
