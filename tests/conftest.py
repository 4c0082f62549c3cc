"""Fixtures: the seeded report on SQLite and on a real PostgreSQL, and an API client for each.

Every test that takes `client` or `engine` runs once per backend. PostgreSQL comes from
INSIGHTS_TEST_POSTGRES_URL (an admin URL; each run creates and drops its own databases). When it
is unreachable the PostgreSQL half is skipped, except under CI=true, where that is a failure.
"""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.cli import alembic_config
from app.config import PROJECT_ROOT
from app.db import make_engine
from app.main import create_app
from app.seeding import load_seeds
from tests.helpers.ci import skip_or_fail

SEEDS_DIR = PROJECT_ROOT / "seeds"
ADMIN_URL = os.environ.get(
    "INSIGHTS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")


def postgres_admin() -> Engine:
    """An autocommit engine on the admin database, or a skip (a failure in CI)."""
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        message = f"PostgreSQL at {make_url(ADMIN_URL).render_as_string()} is unreachable: {exc}"
        skip_or_fail(message)
    return engine


def new_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the backend; dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'insights.db'}"
        return
    admin = postgres_admin()
    name = f"insights_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Run the migrations on `engine` (the same path `insights migrate` takes)."""
    config = alembic_config()
    config.attributes["connection"] = engine
    command.upgrade(config, revision)


def seeded_engine(database_url: str) -> Engine:
    """An engine on a migrated database holding the seeded report."""
    engine = make_engine(database_url)
    migrate(engine)
    load_seeds(engine, SEEDS_DIR)
    return engine


def client_for(engine: Engine) -> TestClient:
    """An API client whose requests use `engine`."""
    return TestClient(create_app(engine), raise_server_exceptions=False)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend under test."""
    return str(request.param)


@pytest.fixture(scope="session")
def engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The seeded report, shared read-only by the tests of one backend."""
    urls = new_database_url(backend, tmp_path_factory.mktemp(backend))
    engine = seeded_engine(next(urls))
    yield engine
    engine.dispose()
    next(urls, None)


@pytest.fixture(scope="session")
def client(engine: Engine) -> TestClient:
    """An API client over the shared seeded database."""
    return client_for(engine)


@pytest.fixture
def fresh_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the backend, for tests that write."""
    yield from new_database_url(backend, tmp_path)


pytest_plugins = ["tests.pg_cluster"]
