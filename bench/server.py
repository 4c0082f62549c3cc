"""Start the API for a measurement, and stop it: as production serves it (`insights serve`,
granian), or a peer or ceiling app on the same server and edge settings (bench/serve.py)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A loopback TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def insights_server(
    *, workers: int = 1, env: dict[str, str] | None = None, ready_path: str = "/healthz"
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`insights serve` (granian, the edge bounded by the HTTP_* settings, as `make serve`, the
    image and compose run it) on a free loopback port; yields the base URL and the process."""
    with granian_server(None, workers=workers, env=env, ready_path=ready_path) as served:
        yield served


@contextmanager
def granian_server(
    app: str | None,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    ready_path: str = "/healthz",
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Another ASGI app (`module:attribute`; None: the API by `insights serve`) on a free
    loopback port, served as `insights serve` serves the API (bench/serve.py)."""
    port = free_port()
    settings = {"HOST": "127.0.0.1", "PORT": str(port), "WORKERS": str(workers), **(env or {})}
    command = [sys.executable, "-m", "app.cli", "serve"]
    if app is not None:
        command = [sys.executable, "-m", "bench.serve", app]
    with _serving(command, port, settings, ready_path, timeout=60) as served:
        yield served


@contextmanager
def _serving(
    command: list[str], port: int, env: dict[str, str], ready_path: str, *, timeout: float
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run a server `command` listening on `port` until the block ends; wait until it is ready."""
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + ready_path, process, timeout=timeout)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def process_tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the server's workers), in MiB."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    total_kb = 0
    for each in pids:
        status = Path(f"/proc/{each}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024
