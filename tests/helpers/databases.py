"""Databases for the tests: a new one per backend, migrated and seeded, and an API client on it.

PostgreSQL comes from INSIGHTS_TEST_POSTGRES_URL (an admin URL; each run creates and drops its
own databases). When it is unreachable a test that needs it is skipped, except under CI=true,
where that is a failure.
"""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.cli import alembic_config
from app.db import make_engine
from app.main import create_app
from app.seeding import load_seeds
from tests.helpers.ci import skip_or_fail
from tests.helpers.seeds import SEEDS_DIR

BACKENDS = ("sqlite", "postgresql")

ADMIN_URL = os.environ.get(
    "INSIGHTS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


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
