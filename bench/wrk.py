"""Run wrk (Debian's package) with a Lua script that reports its figures as JSON."""

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

LUA = r"""
local paths = {%(paths)s}
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  fivexx = 0
  other_errors = 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Accept-Encoding"] = "gzip"})
end

function response(status, headers, body)
  if status >= 500 then fivexx = fivexx + 1 end
  if status >= 400 and status < 500 then other_errors = other_errors + 1 end
end

function done(summary, latency, requests)
  local fives, fours = 0, 0
  for _, thread in ipairs(threads) do
    fives = fives + thread:get("fivexx")
    fours = fours + thread:get("other_errors")
  end
  local e = summary.errors
  io.write("WRK_JSON ", string.format(
    '{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, ' ..
    '"max_us": %%d, "status_5xx": %%d, "status_4xx": %%d, "connect_errors": %%d, ' ..
    '"read_errors": %%d, "write_errors": %%d, "timeouts": %%d}',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, fives, fours, e.connect, e.read, e.write, e.timeout), "\n")
end
"""


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    status_5xx: int
    status_4xx: int
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def run_wrk(
    base: str, paths: list[str], *, connections: int, seconds: int, threads: int = 2
) -> WrkResult:
    """Load `base` with GETs cycling through `paths`."""
    # Long because wrk's report is parsed here, field by field.
    script = LUA % {"paths": ", ".join(json.dumps(path) for path in paths)}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                handle.name,
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        Path(handle.name).unlink()
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        status_5xx=data["status_5xx"],
        status_4xx=data["status_4xx"],
        socket_errors=data["connect_errors"]
        + data["read_errors"]
        + data["write_errors"]
        + data["timeouts"],
    )
