"""Faults against a PostgreSQL this test starts and stops itself: outage, restart, killed
connections, an exhausted pool, slow statements. The API answers 503 fast and recovers alone.

The time bounds here only catch hangs; speed is measured in the benchmark, not asserted.
"""

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from app.config import Settings
from app.db import make_engine
from tests.helpers.api import ORIGIN
from tests.helpers.databases import client_for
from tests.helpers.pg_cluster import Cluster

HANG = 30.0  # seconds: anything slower is a hang, not a slow answer


def settings(**overrides: object) -> Settings:
    return Settings(**{"pool_size": 4, "pool_timeout_s": 2.0, **overrides})  # type: ignore[arg-type]


@pytest.fixture
def api(cluster: Cluster) -> Iterator[tuple[TestClient, Engine]]:
    engine = make_engine(cluster.url, settings())
    yield client_for(engine), engine
    engine.dispose()


def timed(call: Callable[[], object]) -> float:
    start = time.monotonic()
    call()
    return time.monotonic() - start


def test_outage_gives_fast_503s_and_recovery_needs_no_restart(
    cluster: Cluster, api: tuple[TestClient, Engine]
) -> None:
    client, _engine = api
    assert client.get("/v1/quotes").status_code == 200
    cluster.stop()
    try:
        for url in ("/v1/quotes", "/v1/quotes/cgt-2026-q01", "/v1/search?q=patient", "/readyz"):
            started = time.monotonic()
            response = client.get(url, headers={"Origin": ORIGIN})
            assert time.monotonic() - started < HANG
            assert response.status_code == 503, url
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["retry-after"].isdigit()
            assert response.headers["access-control-allow-origin"] == "*"
        assert client.get("/healthz").status_code == 200
    finally:
        cluster.start()
    statuses = [client.get("/v1/quotes?limit=5").status_code for _ in range(20)]
    assert statuses == [200] * 20
    assert client.get("/readyz").status_code == 200


def test_killed_connections_cost_no_request(
    cluster: Cluster, api: tuple[TestClient, Engine]
) -> None:
    client, _engine = api
    with ThreadPoolExecutor(4) as pool:  # fill the pool with live connections
        assert set(pool.map(lambda _: client.get("/v1/layers").status_code, range(8))) == {200}
    admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        killed = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE pid <> pg_backend_pid() AND datname = 'postgres' AND backend_type = "
                "'client backend'"
            )
        ).scalar_one()
    admin.dispose()
    assert killed >= 1
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda _: client.get("/v1/quotes").status_code, range(20)))
    assert statuses == [200] * 20


def test_exhausted_pool_is_a_503_within_the_pool_timeout(cluster: Cluster) -> None:
    engine = make_engine(cluster.url, settings(pool_size=1, pool_timeout_s=1.0))
    client = client_for(engine)
    held = engine.connect()  # the pool's only connection
    try:
        started = time.monotonic()
        response = client.get("/v1/quotes", headers={"Origin": ORIGIN})
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert response.headers["retry-after"].isdigit()
        assert response.headers["access-control-allow-origin"] == "*"
        assert 0.9 <= elapsed < HANG
    finally:
        held.close()
    assert client.get("/v1/quotes").status_code == 200
    engine.dispose()


def test_statement_timeout_bounds_every_query(cluster: Cluster) -> None:
    engine = make_engine(cluster.url, settings(statement_timeout_ms=200))
    with engine.connect() as connection:
        assert connection.execute(text("SHOW statement_timeout")).scalar_one() == "200ms"
        started = time.monotonic()
        with pytest.raises(OperationalError):
            connection.execute(text("SELECT pg_sleep(5)"))
        assert time.monotonic() - started < 4
    engine.dispose()
