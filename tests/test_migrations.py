"""Migrations on SQLite and PostgreSQL: one head, upgrade, down and up again, no model drift.

pytest-alembic's automatic collection crashes on pytest 9, so its tests are imported here (and
`pytest_alembic_tests_path` in pyproject.toml points at a file that does not exist).
"""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pytest_alembic import Config
from pytest_alembic.tests import (
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import Engine, column, insert, inspect, text
from sqlalchemy import table as table_clause

from app.cli import alembic_config as project_alembic_config
from app.db import make_engine
from app.models import metadata
from app.queries.fulltext import SEARCH_DOCUMENTS
from tests.helpers.databases import migrate
from tests.helpers.seeds import SEEDS_DIR
from tests.helpers.snapshots import snapshot, table_columns

__all__ = [
    "test_model_definitions_match_ddl",
    "test_single_head_revision",
    "test_up_down_consistency",
    "test_upgrade",
]


@pytest.fixture
def alembic_config() -> Config:
    """The project's own Alembic configuration (from pyproject.toml)."""
    return Config.from_raw_config(project_alembic_config())


@pytest.fixture
def alembic_engine(fresh_database_url: str) -> Iterator[Engine]:
    """A fresh database of the backend under test, for pytest-alembic."""
    engine = make_engine(fresh_database_url)
    yield engine
    engine.dispose()


def test_search_index_exists_after_upgrade_and_is_gone_after_downgrade(
    alembic_engine: Engine,
) -> None:
    from alembic import command

    migrate(alembic_engine)
    inspector = inspect(alembic_engine)
    if alembic_engine.dialect.name == "sqlite":
        assert {"search_fts", "search_fts_prefix"} <= set(inspector.get_table_names())
    else:
        indexes = {index["name"] for index in inspector.get_indexes("quote")}
        assert {"ix_quote_text_search", "ix_quote_text_search_prefix"} <= indexes
    config = project_alembic_config()
    config.attributes["connection"] = alembic_engine
    command.downgrade(config, "base")
    assert set(inspect(alembic_engine).get_table_names()) <= {"alembic_version"}


def seed_as_of_now(engine: Engine) -> None:
    """Write the seeded report into the columns the database has at its current revision.

    The loader writes the columns of the latest models, so an older revision gets the same
    rows cut down to its own columns, the search rows, and the data version.
    """
    from app.seeding import TABLE_ORDER, build_rows, data_version, read_all

    rows = build_rows(read_all(SEEDS_DIR), SEEDS_DIR)
    columns = table_columns(engine)
    with engine.begin() as connection:
        for name in TABLE_ORDER:
            table = metadata.tables[name]
            kept = [{k: row[k] for k in columns[name]} for row in rows[name]]
            target = table_clause(name, *(column(k, table.c[k].type) for k in columns[name]))
            connection.execute(insert(target), kept)
        if engine.dialect.name == "sqlite":
            for fts in ("search_fts", "search_fts_prefix"):
                for kind, documents in SEARCH_DOCUMENTS.items():
                    connection.execute(
                        text(
                            f"INSERT INTO {fts} (kind, object_id, title, body) "
                            f"SELECT '{kind}', id, title, body FROM ({documents})"
                        )
                    )
        connection.execute(
            text("INSERT INTO dataset_state (id, data_version, loaded_at) VALUES (1, :v, :t)"),
            {"v": data_version(rows), "t": datetime.now(UTC)},
        )


def test_data_seeded_before_an_upgrade_is_intact_after_it(alembic_engine: Engine) -> None:
    """Every revision after the first: seed at the one before, upgrade, the rows are the same.

    Columns a revision adds are compared too: the loader, reloading the same seeds after the
    last upgrade, finds nothing to change (the data version holds, and so does every row).
    """
    from alembic import command
    from alembic.script import ScriptDirectory

    from app.seeding import load_seeds

    config = project_alembic_config()
    config.attributes["connection"] = alembic_engine
    revisions = list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))
    assert len(revisions) >= 2, "needs a revision after the first"
    command.upgrade(config, revisions[0].revision)
    seed_as_of_now(alembic_engine)
    for revision in revisions[1:]:
        columns = table_columns(alembic_engine)
        before = snapshot(alembic_engine, columns)
        command.upgrade(config, revision.revision)
        assert snapshot(alembic_engine, columns) == before, revision.revision
    migrated = snapshot(alembic_engine)
    assert load_seeds(alembic_engine, SEEDS_DIR).changed is False
    with alembic_engine.begin() as connection:
        connection.execute(text("DELETE FROM dataset_state"))
    assert load_seeds(alembic_engine, SEEDS_DIR).changed is True
    assert snapshot(alembic_engine) == migrated
