"""Facets under a search (app/queries/coded_counts.py on SQLite, SQL on PostgreSQL) count exactly
the quotes the list walks to, on the seeded report; on SQLite the arrays and SQL agree."""

from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.params import Dimension, QuoteListParams
from app.queries.coded_counts import CODED_DIMENSIONS, coded_counts, counts_apply
from app.queries.dimensions import count_by
from app.queries.quotes import compile_filters
from tests.helpers.api import Json, walk_pages
from tests.helpers.databases import new_database_url, seeded_engine

SEARCHES = [
    "q=access",
    "q=patient*",
    "q=medic* payment",
    "q=access&stakeholder_type=payer",
    "q=patient&layer=a-bit-deeper&layer=the-fundamentals",
    "q=gene&organisation_type=biotech-trade-association&report=cgt-insights-2026",
    "q=access&not_layer=tip-of-the-iceberg",
    "q=patient*&not_stakeholder_type=payer&layer=a-bit-deeper",
    "q=gene&not_organisation_type=biotech-trade-association",
    "q=nothingmatchesthis",
]


def value_of(quote: Json, dimension: str) -> Any:
    """A quote's value of a dimension as its facet counts it (the leaf stakeholder type)."""
    held = quote[dimension]
    return held["id"] if held else None


@pytest.mark.parametrize("query", SEARCHES)
def test_facets_under_a_search_count_the_quotes_the_list_yields(
    client: TestClient, query: str
) -> None:
    facet = "&".join(f"facet={name}" for name in CODED_DIMENSIONS)
    listed = walk_pages(client, f"/v1/quotes?limit=100&{query}", max_pages=2)
    response = client.get(f"/v1/quotes?limit=1&{query}&{facet}")
    assert response.status_code == 200, response.text
    for dimension in CODED_DIMENSIONS:
        expected = Counter(value_of(quote, dimension) for quote in listed)
        counted = {row["value"]: row["count"] for row in response.json()["facets"][dimension]}
        assert counted == dict(expected), dimension
    if query != "q=nothingmatchesthis":
        assert listed, "a search with no match proves little"


@pytest.fixture(scope="module")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The seeded report on SQLite, whichever backend the suite's run is on."""
    engine = seeded_engine(next(new_database_url("sqlite", tmp_path_factory.mktemp("coded"))))
    yield engine
    engine.dispose()


@pytest.mark.parametrize("query", SEARCHES)
@pytest.mark.parametrize("dimension", CODED_DIMENSIONS)
def test_the_arrays_agree_with_sql_on_sqlite(
    sqlite_engine: Engine, query: str, dimension: str
) -> None:
    params = QuoteListParams.model_validate(_multi(query))
    with Session(sqlite_engine) as session:
        filters = compile_filters(session, params)
        assert counts_apply(session, filters, dimension)
        by_sql = count_by(session, filters.conditions, [Dimension(dimension)])
        assert coded_counts(session, filters, dimension) == by_sql


@pytest.mark.parametrize(
    "query",
    [
        "q=access&tag=medicaid",
        "q=access&theme=fda-pathways",
        "q=access&not_tag=medicaid",
        "q=access&not_theme=fda-pathways",
        "q=access&min_length=100",
        "q=access&interview=director-biotech-trade-association",  # checked quote by quote
        "layer=tip-of-the-iceberg",  # no search: SQL reads the layer's index
    ],
)
def test_other_filters_are_counted_in_sql(sqlite_engine: Engine, query: str) -> None:
    with Session(sqlite_engine) as session:
        params = QuoteListParams.model_validate(_multi(query))
        assert not counts_apply(session, compile_filters(session, params), "layer")


def _multi(query: str) -> dict[str, Any]:
    """Query parameters as QuoteListParams takes them: list filters as lists."""
    values: dict[str, Any] = {}
    for name, value in parse_qsl(query):
        values.setdefault(name, []).append(value)
    single = {"q", "min_length", "max_length"}
    return {name: found[0] if name in single else found for name, found in values.items()}
