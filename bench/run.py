"""`make bench`: the API beside a ceiling and Datasette, loaded by wrk, as a Markdown table.

The API runs as the Dockerfile runs it (uvicorn, access log on), here on SQLite with one
worker; the ceiling (bench/ceiling.py) and Datasette run under the same uvicorn settings.
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

from bench.datasette_peer import build_database
from bench.server import ROOT, uvicorn_server
from bench.wrk import WrkResult, run_wrk


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    datasette: str | None = None
    json: bool = True


CASES = [
    Case(
        "page of 20, by stakeholder type",
        "/v1/quotes?stakeholder_type=public-payer&limit=20",
        "/bench/quotes.json?stakeholder_type=public-payer&_size=20",
    ),
    Case("full-text search", "/v1/quotes?q=patient", "/bench/quotes.json?_search=patient"),
    Case("one quote by id", "/v1/quotes/cgt-2026-q07", "/bench/quotes/cgt-2026-q07.json"),
    Case(
        "facets (stakeholder type, layer)",
        "/v1/quotes?facet=stakeholder_type&facet=layer&limit=20",
        "/bench/quotes.json?_facet=stakeholder_type&_facet=layer&_size=20",
    ),
    Case("Atom feed", "/feeds/quotes.atom", json=False),
    Case("embed card", "/embed/quotes/cgt-2026-q07", json=False),
]


def measure(base: str, path: str, connections: int, seconds: int) -> WrkResult:
    run_wrk(base, [path], connections=connections, seconds=max(2, seconds // 3))  # warm-up
    return run_wrk(base, [path], connections=connections, seconds=seconds)


def main() -> int:
    # Long because it is the whole run, step by step, as docs/benchmarks.md reports it.
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--no-datasette", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="insights-bench-"))
    database = f"sqlite:///{work / 'insights.db'}"
    env = {"DATABASE_URL": database, "RATE_LIMIT_ENABLED": "false"}
    for command in ("migrate", "seed"):
        subprocess.run(
            [sys.executable, "-m", "app.cli", command],
            cwd=ROOT,
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )

    results: dict[str, WrkResult] = {}
    with uvicorn_server("bench.ceiling:app", ready_path="/quote") as (base, _):
        results["ceiling"] = measure(base, "/quote", args.connections, args.seconds)
    with uvicorn_server("app.main:app", env=env) as (base, _):
        for case in CASES:
            results[case.name] = measure(base, case.path, args.connections, args.seconds)
    if not args.no_datasette:
        from app.db import make_engine

        engine = make_engine(database)
        build_database(engine, work / "bench.db")
        engine.dispose()
        with uvicorn_server(
            "bench.datasette_app:app",
            env={"DATASETTE_DB": str(work / "bench.db")},
            ready_path="/-/versions.json",
        ) as (base, _):
            for case in CASES:
                if case.datasette:
                    results["datasette: " + case.name] = measure(
                        base, case.datasette, args.connections, args.seconds
                    )
    print_report(results, args)
    return 0


def print_report(results: dict[str, WrkResult], args: argparse.Namespace) -> None:
    ceiling = results["ceiling"].rps
    print(
        f"Command: `make bench` ({args.connections} connections, {args.seconds} s per "
        f"endpoint after a warm-up; one uvicorn worker, access log on, SQLite)\n"
    )
    versions = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("fastapi", "uvicorn", "sqlalchemy", "datasette")
    )
    print(
        f"Machine: {os.cpu_count()} cores, {platform.platform()}, Python "
        f"{platform.python_version()}; {versions}\n"
    )
    print("| endpoint | req/s | p50 ms | p99 ms | vs ceiling | vs Datasette | 5xx |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, result in results.items():
        if name.startswith("datasette: "):
            continue
        peer = results.get("datasette: " + name)
        versus = f"{result.rps / peer.rps:.1f}×" if peer else "—"
        print(
            f"| {name} | {result.rps:.0f} | {result.p50_ms:.1f} | {result.p99_ms:.1f} | "
            f"{result.rps / ceiling:.0%} | {versus} | {result.status_5xx} |"
        )
    for name, result in results.items():
        if name.startswith("datasette: "):
            print(
                f"| {name} | {result.rps:.0f} | {result.p50_ms:.1f} | {result.p99_ms:.1f} | "
                f"{result.rps / ceiling:.0%} | — | {result.status_5xx} |"
            )


if __name__ == "__main__":
    sys.exit(main())
