"""The service as `make serve` runs it: `insights migrate`, `seed` and `serve`, in a process of
its own on a free port, for the tests that need a real server (links, the HTTP edge)."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.config import PROJECT_ROOT
from bench.server import free_port, wait_ready

INSIGHTS = str(Path(sys.executable).with_name("insights"))


@contextmanager
def make_serve(folder: Path, **settings: str) -> Iterator[tuple[int, "subprocess.Popen[bytes]"]]:
    """`make serve`'s commands on a SQLite database in `folder` (or the DATABASE_URL among
    `settings`), with BASE_URL unset and `settings` in the environment; yields the port and the
    server process once it is ready."""
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name != "BASE_URL"}
    env.update(DATABASE_URL=f"sqlite:///{folder / 'insights.db'}", PORT=str(port))
    env.update(settings)
    for step in ("migrate", "seed"):
        subprocess.run([INSIGHTS, step], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    process = subprocess.Popen(
        [INSIGHTS, "serve"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}/healthz", process, timeout=60)
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=15)
        shutil.rmtree(folder, ignore_errors=True)
