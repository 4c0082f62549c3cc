"""Every filtered page of quotes is read through an index, never a full scan of the table.

The statement that matters is the page's keys, `page_keys()`: it decides which rows are read
(the quotes are then fetched by primary key). Its plan is asserted on SQLite (at report scale
its planner already chooses by the schema's indexes) and on PostgreSQL, whose planner rightly
reads a table of a few dozen rows whole: there the plans are taken on a synthetic corpus large
enough, and analysed, that an index is the planner's choice. Facets, cross-tabs and exports
read everything that matches by nature, and are exempt.
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, Select, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement, Executable

from app.db import make_engine
from app.params import QuoteListParams
from app.queries.quote_pages import page_keys
from app.queries.quotes import compile_filters
from app.queries.tables import quote
from app.seeding import load_seeds
from app.seeding.synthetic import generate
from tests.helpers.databases import migrate, new_database_url, seeded_engine

# The tables a page reads its keys from: neither may be read whole.
PAGE_TABLES = frozenset({"quote", "quote_tag"})
# Quotes in the PostgreSQL corpus: its planner prefers an index from a few thousand; this many
# leaves a margin and loads in a few seconds.
CORPUS_QUOTES = 30_000


class Explain(Executable, ClauseElement):
    """`statement` prefixed by an EXPLAIN: compiled and bound as the API runs it."""

    inherit_cache = False

    def __init__(self, statement: Select[Any], explain: str) -> None:
        self.statement = statement
        self.explain = explain


@compiles(Explain)
def _compile_explain(element: Explain, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{element.explain} {compiler.process(element.statement, **kw)}"


def page_statement(session: Session, filters: dict[str, object]) -> Select[Any]:
    """The statement of the page's keys that the API runs for these query parameters."""
    params = QuoteListParams.model_validate(filters)
    return page_keys(session, params, compile_filters(session, params))


# SQLite ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    urls = new_database_url("sqlite", Path(tmp_path_factory.mktemp("plans")))
    engine = seeded_engine(next(urls))
    yield engine
    engine.dispose()


def sqlite_plan(session: Session, statement: Select[Any]) -> list[str]:
    """The steps of SQLite's plan for `statement`."""
    rows = session.execute(Explain(statement, "EXPLAIN QUERY PLAN")).all()
    return [str(row[-1]) for row in rows]


_SQLITE_READ = re.compile(r"(SCAN|SEARCH) (\w+)")


def sqlite_full_scans(steps: list[str]) -> list[str]:
    """The steps that read a page table whole, not through an index."""
    return [
        step
        for step in steps
        if (read := _SQLITE_READ.match(step))
        and read[1] == "SCAN"
        and read[2] in PAGE_TABLES
        and "INDEX" not in step
    ]


def sqlite_index_reads(steps: list[str]) -> list[str]:
    """The steps that read a page table through an index."""
    return [
        step
        for step in steps
        if (read := _SQLITE_READ.match(step)) and read[2] in PAGE_TABLES and "INDEX" in step
    ]


SEED_CURSOR = "10.cgt-2026-q10"


@pytest.mark.parametrize(
    "filters",
    [
        pytest.param({}, id="first-page"),
        pytest.param({"cursor": SEED_CURSOR}, id="after-cursor"),
        pytest.param({"theme": ["fda-pathways"]}, id="theme"),
        pytest.param({"layer": ["a-bit-deeper"]}, id="layer"),
        pytest.param({"stakeholder_type": ["public-payer"]}, id="stakeholder-leaf"),
        pytest.param({"stakeholder_type": ["payer"]}, id="stakeholder-parent"),
        pytest.param(
            {"stakeholder_type": ["payer"], "cursor": SEED_CURSOR}, id="stakeholder-parent-cursor"
        ),
        pytest.param({"organisation_type": ["biotech-trade-association"]}, id="organisation"),
        pytest.param({"interview": ["former-federal-regulator"]}, id="interview"),
        pytest.param({"report": ["cgt-insights-2026"]}, id="report"),
        pytest.param({"tag": ["medicaid"]}, id="tag"),
        pytest.param({"tag": ["medicaid", "fda"]}, id="two-tags"),
        pytest.param({"sort": "-position"}, id="desc-position"),
        pytest.param({"sort": "-position", "cursor": SEED_CURSOR}, id="desc-position-cursor"),
        pytest.param({"sort": "-length"}, id="desc-length"),
        pytest.param({"q": "patient"}, id="search"),
        pytest.param({"q": "patient", "cursor": SEED_CURSOR}, id="search-cursor"),
        pytest.param({"q": "medic*", "stakeholder_type": ["payer"]}, id="prefix-search-filter"),
        pytest.param({"q": "patient", "sort": "length"}, id="search-by-length"),
        pytest.param(
            {"q": "patient", "interview": ["former-federal-regulator"]}, id="search-interview"
        ),
    ],
)
def test_filtered_page_uses_an_index_on_sqlite(
    sqlite_engine: Engine, filters: dict[str, object]
) -> None:
    with Session(sqlite_engine) as session:
        steps = sqlite_plan(session, page_statement(session, filters))
    assert not sqlite_full_scans(steps), steps
    assert sqlite_index_reads(steps), steps


def test_the_sqlite_check_sees_a_full_scan(sqlite_engine: Engine) -> None:
    """Positive control: a filter no index serves is reported as a full scan."""
    unindexed = select(quote.c.id).where(quote.c.text.like("%patient%")).limit(21)
    with Session(sqlite_engine) as session:
        steps = sqlite_plan(session, unindexed)
    assert sqlite_full_scans(steps) == ["SCAN quote"], steps
    assert not sqlite_index_reads(steps), steps


# PostgreSQL --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A PostgreSQL database of CORPUS_QUOTES synthetic quotes, analysed (skipped without
    PostgreSQL, a failure in CI)."""
    folder = tmp_path_factory.mktemp("plans-corpus")
    urls = new_database_url("postgresql", folder)
    engine = make_engine(next(urls))
    try:
        generate(CORPUS_QUOTES, folder / "seeds")
        migrate(engine)
        load_seeds(engine, folder / "seeds")
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
        yield engine
    finally:
        engine.dispose()
        next(urls, None)


def postgres_plan(session: Session, statement: Select[Any]) -> dict[str, Any]:
    """The root node of PostgreSQL's plan for `statement`."""
    document = session.execute(Explain(statement, "EXPLAIN (FORMAT JSON)")).scalar_one()
    root: dict[str, Any] = document[0]["Plan"]
    return root


def plan_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """`node` and every node under it (sub-plans, init plans and CTEs included)."""
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def postgres_full_scans(root: dict[str, Any]) -> list[dict[str, Any]]:
    """The nodes that read a page table whole (sequentially, in parallel or not)."""
    return [
        node
        for node in plan_nodes(root)
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in PAGE_TABLES
    ]


def postgres_index_reads(root: dict[str, Any]) -> list[dict[str, Any]]:
    """The nodes that read a page table's rows through an index."""
    return [
        node
        for node in plan_nodes(root)
        if node["Node Type"] in ("Index Scan", "Index Only Scan", "Bitmap Heap Scan")
        and node.get("Relation Name") in PAGE_TABLES
    ]


CORPUS_CURSOR = "500.syn-q0000500"  # a quote halfway through the first report


@pytest.mark.parametrize(
    "filters",
    [
        pytest.param({}, id="first-page"),
        pytest.param({"cursor": CORPUS_CURSOR}, id="after-cursor"),
        pytest.param({"theme": ["syn-r0001-t03"]}, id="theme"),
        pytest.param({"layer": ["a-bit-deeper"]}, id="layer"),
        pytest.param({"stakeholder_type": ["public-payer"]}, id="stakeholder-leaf"),
        # Payers and their two sub-types: one ordered read per type, merged.
        pytest.param({"stakeholder_type": ["payer"]}, id="stakeholder-parent"),
        pytest.param(
            {"stakeholder_type": ["payer"], "cursor": CORPUS_CURSOR},
            id="stakeholder-parent-cursor",
        ),
        pytest.param({"organisation_type": ["biotech-trade-association"]}, id="organisation"),
        pytest.param({"interview": ["synthetic-r0003-i04"]}, id="interview"),
        pytest.param({"report": ["synthetic-r0002"]}, id="report"),
        pytest.param({"tag": ["medicaid"]}, id="tag"),
        pytest.param({"tag": ["medicaid"], "cursor": CORPUS_CURSOR}, id="tag-cursor"),
        pytest.param({"tag": ["medicaid", "fda"]}, id="two-tags"),
        pytest.param({"sort": "-position"}, id="desc-position"),
        pytest.param(
            {"theme": ["syn-r0001-t03"], "sort": "-position", "cursor": CORPUS_CURSOR},
            id="theme-desc-position-cursor",
        ),
        pytest.param({"sort": "-length"}, id="desc-length"),
        pytest.param({"q": "access"}, id="search"),  # in a tenth of the quotes
        pytest.param({"q": "12345"}, id="search-rare"),  # in one quote ("Quote 12345: ...")
        pytest.param({"q": "medic*"}, id="prefix-search"),
        pytest.param({"q": "access", "stakeholder_type": ["payer"]}, id="search-filter"),
        pytest.param({"q": "access", "sort": "length"}, id="search-by-length"),
        pytest.param({"q": "access", "interview": ["synthetic-r0001-i07"]}, id="search-interview"),
    ],
)
def test_filtered_page_uses_an_index_on_postgres(
    corpus_engine: Engine, filters: dict[str, object]
) -> None:
    with Session(corpus_engine) as session:
        root = postgres_plan(session, page_statement(session, filters))
    shown = json.dumps(root, indent=1)
    assert not postgres_full_scans(root), shown
    assert postgres_index_reads(root), shown


def test_the_postgres_check_sees_a_full_scan(corpus_engine: Engine) -> None:
    """Positive control: a filter no index serves is reported as a sequential scan."""
    unindexed = select(quote.c.id).where(quote.c.text.like("%access%")).limit(21)
    with Session(corpus_engine) as session:
        root = postgres_plan(session, unindexed)
    assert [node["Relation Name"] for node in postgres_full_scans(root)] == ["quote"], root
    assert not postgres_index_reads(root), root
