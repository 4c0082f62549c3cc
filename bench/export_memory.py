"""An export of every quote, streamed from a server, with the server's memory sampled throughout.

DATABASE_URL=sqlite:///var/s1m.db python -m bench.export_memory [/v1/quotes.csv]

Prints the bytes and rows received, the time taken, and the server's resident memory at the
start, at most and at the end: an export streamed in constant memory stays flat however many
quotes it holds.
"""

import os
import sys
import threading
import time

import httpx

from bench.server import insights_server, process_tree_rss_mb


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else "/v1/quotes.ndjson"
    env = {"DATABASE_URL": os.environ["DATABASE_URL"], "RATE_LIMIT_ENABLED": "false"}
    with insights_server(env=env) as (base, process):
        samples: list[float] = [process_tree_rss_mb(process.pid)]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.5):
                samples.append(process_tree_rss_mb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        received = lines = 0
        started = time.perf_counter()
        with httpx.stream("GET", base + path, timeout=None) as response:
            response.raise_for_status()
            for chunk in response.iter_bytes():
                received += len(chunk)
                lines += chunk.count(b"\n")
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
        samples.append(process_tree_rss_mb(process.pid))
    print(f"{path}: {lines:,} lines, {received / 2**20:,.0f} MiB in {elapsed:.1f} s")
    print(
        f"server memory: {samples[0]:.0f} MiB at the start, {max(samples):.0f} MiB at most, "
        f"{samples[-1]:.0f} MiB at the end ({len(samples)} samples)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
