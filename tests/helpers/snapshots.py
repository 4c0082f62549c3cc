"""What a database holds, row by row and schema object by object, to compare one state with another.

The seeding and migration tests compare snapshots: a reload that changes nothing, a rejected
load, an upgrade that keeps every row, the bulk load path against the general one.
"""

import gc
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, select, text

from app.db import make_engine
from app.models import metadata
from app.seeding import TABLE_ORDER, load_seeds
from app.seeding import load as seed_load
from app.seeding import writes as seed_writes
from tests.helpers.databases import migrate

# What a load records of itself, not what it loads: every load that changes something appends
# to the change history (tests/test_changes.py compares it).
NOT_CONTENT = frozenset({"dataset_state", "change_set", "change"})


def table_columns(engine: Engine) -> dict[str, list[str]]:
    """The model columns each table has in the database now (at any revision), the load's own
    records aside."""
    inspector = inspect(engine)
    present = set(inspector.get_table_names())
    return {
        name: [
            column["name"]
            for column in inspector.get_columns(name)
            if column["name"] in metadata.tables[name].c  # not PostgreSQL's search vectors
        ]
        for name in metadata.tables
        if name not in NOT_CONTENT and name in present
    }


def snapshot(
    engine: Engine, columns: dict[str, list[str]] | None = None
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the search index too, on SQLite), in a stable order.

    `columns` picks the columns per table (default: all that the database has), so that a
    snapshot after a migration can be compared with one taken before it.
    """
    columns = columns or table_columns(engine)
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for name, names in columns.items():
            table = metadata.tables[name]
            rows = connection.execute(select(*(table.c[n] for n in names))).all()
            tables[name] = sorted(tuple(row) for row in rows)
        if engine.dialect.name == "sqlite":
            for fts in ("search_fts", "search_fts_prefix"):
                rows = connection.execute(
                    text(f"SELECT rowid, kind, object_id, title, body FROM {fts}")
                ).all()
                tables[fts] = sorted(tuple(row) for row in rows)
        tables["dataset_state"] = [
            tuple(row) for row in connection.execute(text("SELECT data_version FROM dataset_state"))
        ]
    return tables


def schema(engine: Engine) -> list[tuple[Any, ...]]:
    """Every table, column, index and constraint as the database defines it, by name."""
    if engine.dialect.name == "sqlite":
        query = "SELECT type, tbl_name, name, sql FROM sqlite_master ORDER BY 1, 2, 3"
    else:
        query = (
            "SELECT 'column', table_name, column_name, concat_ws(' ', data_type, "
            "character_maximum_length, is_nullable, column_default, generation_expression) "
            "FROM information_schema.columns WHERE table_schema = 'public' "
            "UNION ALL SELECT 'index', tablename, indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = 'public' "
            "UNION ALL SELECT 'constraint', conrelid::regclass::text, conname, "
            "pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2, 3"
        )
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query))]


def empty_tables(engine: Engine) -> None:
    """Delete every loaded row and the data version: the database a first load finds."""
    with engine.begin() as connection:
        for name in (*reversed(TABLE_ORDER), "dataset_state"):
            connection.execute(text(f"DELETE FROM {name}"))


def assert_bulk_load_is_the_general_load(
    fresh_database_url: str, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first load (streamed report by report through COPY or a plain executemany, indexes and
    foreign keys made after the rows) writes the rows, search index and data version that the
    general path (the whole tree, diffed with every table) writes, and leaves the schema exactly
    as the migrations made it."""
    engine = make_engine(fresh_database_url)
    migrate(engine)
    migrated = schema(engine)
    with monkeypatch.context() as general_path:
        # As if the database held an older version, and every table rows to compare with.
        general_path.setattr(seed_load, "_current_version", lambda _connection: "older")
        general_path.setattr(seed_writes, "_is_empty", lambda *_: False)
        general = load_seeds(engine, seeds)
    loaded = snapshot(engine)
    empty_tables(engine)
    bulk = load_seeds(engine, seeds)
    assert gc.isenabled()  # paused for the load only
    assert bulk == general
    assert snapshot(engine) == loaded
    assert schema(engine) == migrated
    engine.dispose()
