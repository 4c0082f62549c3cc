"""A mix of paths at a fixed total rate, with hey (Debian's package): its p50 and p99.

wrk sends as fast as the server answers, so its latencies are those of a saturated server. A
rate the server can keep up with shows the latency a client meets in normal traffic. hey
holds a rate (`-q`, per worker) for one URL, so the mix runs one hey per path, each at its
share of the rate, and every request's time (`-o csv`) is merged into one distribution.
hey's CSV lists answered requests only, so a request that failed, or that the rate could not
hold, shows as one short of `rate × seconds`.
"""

import csv
import io
import math
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

# Workers per path: two, so a slow answer does not stall that path's share of the rate.
WORKERS_PER_PATH = 2


@dataclass(frozen=True)
class RateResult:
    """What one fixed-rate run measured, over every path."""

    rate: float
    seconds: int
    requests: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    status_5xx: int
    # Requests short of rate × seconds: failed, or not sent in time because answers lagged.
    short: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def run_at_rate(base: str, paths: list[str], *, rate: float, seconds: int) -> RateResult:
    """Load `base` with GETs of `paths` at `rate` requests per second in all, for `seconds`."""
    per_worker = rate / len(paths) / WORKERS_PER_PATH
    with ThreadPoolExecutor(len(paths)) as pool:
        runs = [pool.submit(_hey, base + path, per_worker, seconds) for path in paths]
        outputs = [run.result() for run in runs]
    times: list[float] = []
    fives = 0
    for output in outputs:
        for row in csv.DictReader(io.StringIO(output)):
            times.append(float(row["response-time"]) * 1000)
            fives += int(row["status-code"]) >= 500
    times.sort()
    return RateResult(
        rate=rate,
        seconds=seconds,
        requests=len(times),
        p50_ms=_percentile(times, 50),
        p99_ms=_percentile(times, 99),
        max_ms=times[-1] if times else math.nan,
        status_5xx=fives,
        short=max(0, round(rate * seconds) - len(times)),
    )


def _hey(url: str, per_worker: float, seconds: int) -> str:
    command = ["hey", "-z", f"{seconds}s", "-c", str(WORKERS_PER_PATH), "-q", f"{per_worker:.3f}"]
    command += ["-o", "csv", url]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _percentile(ordered: list[float], percent: float) -> float:
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, math.ceil(len(ordered) * percent / 100) - 1)]
