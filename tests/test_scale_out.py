"""Scaling out: several API processes on one PostgreSQL and one Redis behave as one API.

Two "hosts", `insights serve` servers (granian) on ports of their own (the first with two
worker processes), the way a load balancer would see them: they share one rate-limit budget,
serve a reseed from their next request on, and open no more database connections than their
pools allow. The time bounds only catch a hang; speed is measured in `make bench` and
`make loadtest`.
"""

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import Engine, text

from app.http.rate_limit import KEY_PREFIX
from app.seeding import load_seeds
from bench.server import insights_server
from tests.helpers.databases import new_database_url, seeded_engine
from tests.helpers.net import unique_address
from tests.helpers.seeds import REPORT_DIR, SEEDS_DIR, copy_seeds, editing

WORKERS = (2, 1)  # worker processes of each host
POOL_SIZE = 3
LIMIT_PER_MINUTE = 30
HANG = 60.0


@dataclass
class Hosts:
    engine: Engine
    database: str
    urls: list[str]


@pytest.fixture(scope="module")
def hosts(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[Hosts]:
    """The seeded report on a PostgreSQL database of its own, served by two hosts."""
    urls = new_database_url("postgresql", tmp_path_factory.mktemp("scale_out"))
    database_url = next(urls)
    engine = seeded_engine(database_url)
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "RATE_LIMIT_ENABLED": "true",
        "RATE_LIMIT_PER_MINUTE": str(LIMIT_PER_MINUTE),
        "TRUSTED_PROXIES": '["127.0.0.1"]',  # the "load balancer" says who the client is
        "POOL_SIZE": str(POOL_SIZE),
    }
    with (
        insights_server(workers=WORKERS[0], env=env) as (first, _),
        insights_server(workers=WORKERS[1], env=env) as (second, _),
    ):
        yield Hosts(engine, engine.url.database or "", [first, second])
    engine.dispose()
    next(urls, None)


def get(url: str, address: str | None = None) -> httpx.Response:
    headers = {"X-Forwarded-For": address or unique_address()}
    return httpx.get(url, headers=headers, timeout=HANG)


def test_every_process_counts_against_one_budget(hosts: Hosts, redis_url: str) -> None:
    address = unique_address()
    try:
        statuses = [
            get(hosts.urls[i % 2] + "/v1/layers", address).status_code
            for i in range(LIMIT_PER_MINUTE + 10)
        ]
        assert statuses == [200] * LIMIT_PER_MINUTE + [429] * 10
    finally:
        redis.Redis.from_url(redis_url).delete(KEY_PREFIX + address)


def test_every_process_serves_a_reseed_from_its_next_request(hosts: Hosts, tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    with editing(seeds, f"{REPORT_DIR}/quotes.yaml") as document:
        tagged = next(quote for quote in document["quotes"] if quote["tags"])
        tagged["tags"] = []  # a change the report's text does not constrain
    quote_url = f"/v1/quotes/{tagged['id']}"

    def everywhere(path: str) -> list[httpx.Response]:
        # Enough requests that every worker of both hosts answers some (and caches them).
        return [get(hosts.urls[i % 2] + path) for i in range(16)]

    before = {r.json()["data_version"] for r in everywhere("/v1/meta")}
    assert len(before) == 1
    assert all(r.json()["tags"] for r in everywhere(quote_url))
    try:
        result = load_seeds(hosts.engine, seeds)
        assert result.changed is True
        after = {r.json()["data_version"] for r in everywhere("/v1/meta")}
        assert after == {result.data_version} != before
        assert {json.dumps(r.json()["tags"]) for r in everywhere(quote_url)} == {"[]"}
    finally:
        load_seeds(hosts.engine, SEEDS_DIR)


def test_connections_stay_within_the_pools(hosts: Hosts) -> None:
    # Random quotes are never cached, so every request needs a connection.
    with ThreadPoolExecutor(24) as pool:
        statuses = list(
            pool.map(lambda i: get(hosts.urls[i % 2] + "/v1/quotes/random").status_code, range(96))
        )
    assert statuses == [200] * 96
    with hosts.engine.connect() as connection:
        opened = connection.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name"),
            {"name": hosts.database},
        ).scalar_one()
    # Each process: its pool, plus the response cache's one connection for the data version;
    # plus this test's own connection.
    assert opened <= sum(WORKERS) * (POOL_SIZE + 1) + 1
