"""Migrations on SQLite and PostgreSQL: one head, upgrade, down and up again, no model drift.

pytest-alembic's automatic collection crashes on pytest 9, so its tests are imported here (and
`pytest_alembic_tests_path` in pyproject.toml points at a file that does not exist).
"""

from collections.abc import Iterator

import pytest
from pytest_alembic import Config
from pytest_alembic.tests import (
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import Engine, inspect

from app.cli import alembic_config as project_alembic_config
from app.db import make_engine
from tests.conftest import migrate

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


def test_data_seeded_before_an_upgrade_is_intact_after_it(alembic_engine: Engine) -> None:
    """Every revision after the first: seed at the one before, upgrade, the rows are the same."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from app.seeding import load_seeds
    from tests.conftest import SEEDS_DIR
    from tests.test_seeding import snapshot

    config = project_alembic_config()
    config.attributes["connection"] = alembic_engine
    revisions = list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))
    assert len(revisions) >= 2, "needs a revision after the first"
    command.upgrade(config, revisions[0].revision)
    load_seeds(alembic_engine, SEEDS_DIR)
    for revision in revisions[1:]:
        before = snapshot(alembic_engine)
        command.upgrade(config, revision.revision)
        assert snapshot(alembic_engine) == before, revision.revision
    assert load_seeds(alembic_engine, SEEDS_DIR).changed is False
