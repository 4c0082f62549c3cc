"""`make bench`: the API beside a ceiling and Datasette, loaded by wrk, as a Markdown table.

Every server runs as `insights serve` runs the API (granian, the edge's HTTP_* limits, one
worker), so the ratios compare like with like. Each endpoint is measured twice:
- cached: the same URL again and again, so the response cache answers after the first;
- cold: a server with `RESPONSE_CACHE_MAX_BYTES=0` and a distinct URL per request (an ignored
  `nonce=`), so the route runs every time, on SQLite and on PostgreSQL.
Datasette has no response cache: it is measured on its one URL.
"""

import argparse
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from app.db import make_engine
from bench.datasette_peer import build_database
from bench.loadtest import fresh_database
from bench.server import ROOT, granian_server, insights_server
from bench.wrk import WrkResult, run_wrk

# Distinct URLs per cold run: more than wrk sends in a warm-up, so none repeats soon.
COLD_URLS = 5000


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    datasette: str | None = None
    json: bool = True
    # The targets for the cold figure, as multiples of Datasette's requests/s.
    cold_vs_datasette: float | None = None


CASES = [
    Case(
        "page of 20, by stakeholder type",
        "/v1/quotes?stakeholder_type=public-payer&limit=20",
        "/bench/quotes.json?stakeholder_type=public-payer&_size=20",
        cold_vs_datasette=3.0,
    ),
    Case(
        "full-text search",
        "/v1/quotes?q=patient",
        "/bench/quotes.json?_search=patient",
        cold_vs_datasette=3.0,
    ),
    Case(
        "one quote by id",
        "/v1/quotes/cgt-2026-q07",
        "/bench/quotes/cgt-2026-q07.json",
        cold_vs_datasette=1.5,
    ),
    Case(
        "facets (stakeholder type, layer)",
        "/v1/quotes?facet=stakeholder_type&facet=layer&limit=20",
        "/bench/quotes.json?_facet=stakeholder_type&_facet=layer&_size=20",
    ),
    Case("Atom feed", "/feeds/quotes.atom", json=False),
    Case("embed card", "/embed/quotes/cgt-2026-q07", json=False),
]
# Targets as shares of the ceiling's requests/s.
CACHED_VS_CEILING = 0.5
COLD_VS_CEILING = 0.2


def distinct(path: str) -> list[str]:
    """`path` made distinct COLD_URLS ways by a parameter no route reads."""
    joiner = "&" if "?" in path else "?"
    return [f"{path}{joiner}nonce={i}" for i in range(COLD_URLS)]


def measure(base: str, paths: list[str], connections: int, seconds: int) -> WrkResult:
    run_wrk(base, paths, connections=connections, seconds=max(2, seconds // 3))  # warm-up
    return run_wrk(base, paths, connections=connections, seconds=seconds)


@dataclass
class Results:
    ceiling: WrkResult
    cached: dict[str, WrkResult]
    cold: dict[str, WrkResult]
    cold_postgres: dict[str, WrkResult]
    datasette: dict[str, WrkResult]


def run_api(env: dict[str, str], *, cold: bool, args: argparse.Namespace) -> dict[str, WrkResult]:
    """Every case against one API server over `env`'s database."""
    if cold:
        env = {**env, "RESPONSE_CACHE_MAX_BYTES": "0"}
    with insights_server(env=env) as (base, _):
        return {
            case.name: measure(
                base,
                distinct(case.path) if cold else [case.path],
                args.connections,
                args.seconds,
            )
            for case in CASES
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="insights-bench-"))
    sqlite_env = {"DATABASE_URL": f"sqlite:///{work / 'insights.db'}"}
    postgres_env = {} if args.no_postgres else {"DATABASE_URL": fresh_database("insights_bench")}
    fresh_database_sqlite(sqlite_env)
    for env in (sqlite_env, postgres_env):
        env["RATE_LIMIT_ENABLED"] = "false"

    with granian_server("bench.ceiling:app", ready_path="/quote") as (base, _):
        ceiling = measure(base, ["/quote"], args.connections, args.seconds)
    results = Results(
        ceiling=ceiling,
        cached=run_api(sqlite_env, cold=False, args=args),
        cold=run_api(sqlite_env, cold=True, args=args),
        cold_postgres=run_api(postgres_env, cold=True, args=args) if postgres_env else {},
        datasette={} if args.no_datasette else run_datasette(sqlite_env, work, args),
    )
    print_report(results, args)
    return 0


def fresh_database_sqlite(env: dict[str, str]) -> None:
    """Migrate and seed the SQLite file in `env` by the CLI, as `make serve` does."""
    for command in ("migrate", "seed"):
        subprocess.run(
            [sys.executable, "-m", "app.cli", command],
            cwd=ROOT,
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )


def run_datasette(
    env: dict[str, str], work: Path, args: argparse.Namespace
) -> dict[str, WrkResult]:
    """Datasette over the same quotes, copied into its own table (bench/datasette_peer.py)."""
    engine = make_engine(env["DATABASE_URL"])
    build_database(engine, work / "bench.db")
    engine.dispose()
    served = granian_server(
        "bench.datasette_app:app",
        env={"DATASETTE_DB": str(work / "bench.db")},
        ready_path="/-/versions.json",
    )
    with served as (base, _):
        return {
            case.name: measure(base, [case.datasette], args.connections, args.seconds)
            for case in CASES
            if case.datasette
        }


def print_report(results: Results, args: argparse.Namespace) -> None:
    # Long because it is the table docs/benchmarks.md shows, column by column, and its verdicts.
    ceiling = results.ceiling.rps
    print(
        f"Command: `make bench` ({args.connections} connections, {args.seconds} s per "
        f"endpoint after a warm-up; every server on granian as `insights serve` runs it, one "
        f"worker; cold = RESPONSE_CACHE_MAX_BYTES=0 and {COLD_URLS} distinct URLs)\n"
    )
    versions = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("fastapi", "granian", "sqlalchemy", "datasette")
    )
    print(
        f"Machine: {os.cpu_count()} cores, {platform.platform()}, Python "
        f"{platform.python_version()}; {versions}\n"
    )
    print(f"Ceiling (bare FastAPI, one fixed quote): {ceiling:.0f} req/s\n")
    print(
        "| endpoint | cached req/s | cached vs ceiling | cold req/s (SQLite) | cold p99 ms "
        "| cold vs ceiling | cold PostgreSQL req/s | Datasette req/s | cold vs Datasette "
        "| targets | 5xx |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for case in CASES:
        cached, cold = results.cached[case.name], results.cold[case.name]
        postgres = results.cold_postgres.get(case.name)
        peer = results.datasette.get(case.name)
        verdicts = [
            f"cached ≥{CACHED_VS_CEILING:.0%}: {_met(cached.rps >= CACHED_VS_CEILING * ceiling)}"
        ]
        if case.json:
            verdicts.append(
                f"cold ≥{COLD_VS_CEILING:.0%}: {_met(cold.rps >= COLD_VS_CEILING * ceiling)}"
            )
        if case.cold_vs_datasette and peer:
            verdicts.append(
                f"cold ≥{case.cold_vs_datasette}× Datasette: "
                f"{_met(cold.rps >= case.cold_vs_datasette * peer.rps)}"
            )
        fives = cached.status_5xx + cold.status_5xx + (postgres.status_5xx if postgres else 0)
        print(
            f"| {case.name} | {cached.rps:.0f} | {cached.rps / ceiling:.0%} | {cold.rps:.0f} "
            f"| {cold.p99_ms:.1f} | {cold.rps / ceiling:.0%} "
            f"| {f'{postgres.rps:.0f}' if postgres else '—'} "
            f"| {f'{peer.rps:.0f}' if peer else '—'} "
            f"| {f'{cold.rps / peer.rps:.1f}×' if peer else '—'} "
            f"| {'; '.join(verdicts)} | {fives} |"
        )


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


if __name__ == "__main__":
    sys.exit(main())
