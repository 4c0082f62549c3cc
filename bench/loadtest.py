"""A bounded load test on loopback: mixed traffic at 64 connections for 60 s against the API on
PostgreSQL with several worker processes, then the same mix at a fixed 500 requests a second
(hey). Fails on any 5xx or connection error.

    make loadtest            # or: .venv/bin/python -m bench.loadtest --seconds 60
"""

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.hey import run_at_rate
from bench.server import ROOT, insights_server, process_tree_rss_mb
from bench.wrk import run_wrk

ADMIN_URL = os.environ.get(
    "LOADTEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DATABASE = "insights_loadtest"
MIXED_PATHS = [
    "/v1/quotes",
    "/v1/quotes?stakeholder_type=payer",
    "/v1/quotes?layer=a-bit-deeper&limit=50",
    "/v1/quotes?tag=medicaid&facet=stakeholder_type&facet=layer",
    "/v1/quotes?q=patient",
    "/v1/quotes?sort=-length&limit=5",
    "/v1/quotes/cgt-2026-q07",
    "/v1/quotes/random",
    "/v1/search?q=%22value-based%20purchasing%22",
    "/v1/search?q=medic*",
    "/v1/stats/crosstab?rows=stakeholder_type&cols=layer",
    "/v1/layers",
    "/v1/themes?layer=the-fundamentals",
    "/v1/stakeholder-types/payer",
    "/v1/meta",
    "/v1/quotes.csv?layer=below-the-surface",
    "/feeds/quotes.atom",
    "/feeds/quotes.json?stakeholder_type=patient-advocate",
    "/embed/quotes/cgt-2026-q01",
    "/quotes/cgt-2026-q12",
    "/",
    "/v1/quotes?layer=nope",
]


def fresh_database(database: str = DATABASE, seeds_dir: Path | None = None) -> str:
    """A fresh database, migrated and seeded (from `seeds_dir`, default the shipped seeds) by
    the CLI as a deployment would do it; its URL."""
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {database}"))
    admin.dispose()
    url = make_url(ADMIN_URL).set(database=database).render_as_string(hide_password=False)
    seed = ["seed"] if seeds_dir is None else ["seed", "--seeds-dir", str(seeds_dir)]
    for command in (["migrate"], seed):
        subprocess.run(
            [sys.executable, "-m", "app.cli", *command],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            check=True,
            capture_output=True,
        )
    return url


def main() -> int:
    # Long because it is the whole run, step by step, as docs/reliability.md reports it.
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=500, help="requests/s of the fixed-rate run")
    parser.add_argument("--rate-seconds", type=int, default=30)
    args = parser.parse_args()

    url = fresh_database()
    env = {"DATABASE_URL": url, "POOL_SIZE": "20", "RATE_LIMIT_ENABLED": "false"}
    samples: list[float] = []
    with insights_server(workers=args.workers, env=env) as (base, process):
        run_wrk(base, MIXED_PATHS, connections=args.connections, seconds=5)  # warm-up
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                samples.append(process_tree_rss_mb(process.pid))
                stop.wait(5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        result = run_wrk(base, MIXED_PATHS, connections=args.connections, seconds=args.seconds)
        stop.set()
        sampler.join()
        samples.append(process_tree_rss_mb(process.pid))
        steady = run_at_rate(base, MIXED_PATHS, rate=args.rate, seconds=args.rate_seconds)

    print(
        f"# Load test: {args.connections} connections, {args.seconds} s, "
        f"{args.workers} workers, PostgreSQL, {len(MIXED_PATHS)} paths in rotation"
    )
    print("| requests | req/s | p50 ms | p90 ms | p99 ms | max ms | 5xx | 4xx | socket errors |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| {result.requests} | {result.rps:.0f} | {result.p50_ms:.1f} | {result.p90_ms:.1f} "
        f"| {result.p99_ms:.1f} | {result.max_ms:.1f} | {result.status_5xx} "
        f"| {result.status_4xx} | {result.socket_errors} |"
    )
    print(
        f"\nMemory (RSS of the server and its workers): first {samples[0]:.0f} MiB, "
        f"last {samples[-1]:.0f} MiB, max {max(samples):.0f} MiB, "
        f"{len(samples)} samples every 5 s"
    )
    print(
        f"(4xx are the deliberate unknown-filter requests: 1 path in {len(MIXED_PATHS)}.) "
        f"Run at {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}."
    )
    print(f"\n# The same mix at a fixed {steady.rate:.0f} requests/s for {steady.seconds} s (hey)")
    print("| requests | req/s | p50 ms | p99 ms | max ms | 5xx | short of the rate |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| {steady.requests} | {steady.rps:.0f} | {steady.p50_ms:.1f} | {steady.p99_ms:.1f} "
        f"| {steady.max_ms:.1f} | {steady.status_5xx} | {steady.short} |"
    )
    # hey's CSV cannot tell a failed request from a late one: more than 1% short fails.
    short = steady.short > steady.rate * steady.seconds / 100
    failed = result.status_5xx or result.socket_errors or steady.status_5xx or short
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
