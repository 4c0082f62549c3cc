"""Fixtures: the seeded report on SQLite and on a real PostgreSQL, and an API client for each.

Every test that takes `client` or `engine` runs once per backend. PostgreSQL comes from
INSIGHTS_TEST_POSTGRES_URL (see tests/helpers/databases.py); when it is unreachable the
PostgreSQL half is skipped, except under CI=true, where that is a failure.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.helpers.databases import client_for, new_database_url, seeded_engine

BACKENDS = ("sqlite", "postgresql")


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
