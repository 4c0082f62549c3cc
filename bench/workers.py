"""Requests per second of one and of two worker processes on PostgreSQL, cached and uncached.

DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/insights python -m bench.workers

The database must be migrated and seeded. wrk at 32 connections, 10 s per case after a warm-up;
wrk, the workers and PostgreSQL share the machine.
"""

import os
import sys

from bench.run import measure
from bench.server import insights_server

CASES = (
    ("a page by stakeholder type (a response-cache hit)", "/v1/quotes?stakeholder_type=payer"),
    ("a random quote (never cached: three queries)", "/v1/quotes/random"),
)


def main() -> int:
    env = {"DATABASE_URL": os.environ["DATABASE_URL"], "RATE_LIMIT_ENABLED": "false"}
    print("| workers | request | req/s | p50 ms | p99 ms | 5xx |")
    print("| --- | --- | --- | --- | --- | --- |")
    for workers in (1, 2):
        with insights_server(workers=workers, env=env) as (base, _):
            for name, path in CASES:
                result = measure(base, [path], 32, 10)
                print(
                    f"| {workers} | {name} | {result.rps:.0f} | {result.p50_ms:.1f} | "
                    f"{result.p99_ms:.1f} | {result.status_5xx} |"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
