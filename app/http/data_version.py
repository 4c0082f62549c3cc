"""The current data version, read off the event loop, for the response cache.

A reseed changes the version in its transaction, so a request that reads it knows which stored
responses are current. The read is a database query, and the event loop must never wait on a
database: a held lock or a stalled server would stall every request of the worker, `/healthz`
included. So the read runs on a thread of its own, one read at a time shared by the requests
that arrive meanwhile, and a request waits for it a bounded time. Past that, the last version
read stands: while a lock holds the new data back, the old data is still the committed one.
"""

import asyncio
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import SingletonThreadPool

from app.queries.snapshot import read_data_version

logger = logging.getLogger("insights.cache")


class DataVersion:
    """Reads the data version on a connection and a thread of its own.

    Its own connection: it never waits for the API's pool, whose connections may be held by
    requests that need the loop to finish. After a failure it does not try again for a second
    (the requests go through to the routes, which answer the outage with a 503).
    """

    RETRY_AFTER_S = 1.0

    def __init__(self, engine: Engine, *, wait_s: float, statement_timeout_ms: int) -> None:
        self.wait_s = wait_s
        self.probe = _probe_engine(engine, statement_timeout_ms)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="data-version")
        self.reading: Future[str | None] | None = None
        self.started_at = 0.0
        self.last: str | None = None
        self.retry_at = 0.0

    async def current(self) -> str | None:
        """The version, or None when it is not known (the request then goes through)."""
        now = time.monotonic()
        if now < self.retry_at:
            return None
        if self.reading is None or self.reading.done():
            self.reading, self.started_at = self.executor.submit(self._read), now
        remaining = self.wait_s - (now - self.started_at)
        if remaining <= 0:
            return self.last  # a read already overdue: don't wait for it again
        waited = asyncio.wrap_future(self.reading)
        done, _ = await asyncio.wait([waited], timeout=remaining)
        return waited.result() if done else self.last

    def _read(self) -> str | None:
        try:
            with self.probe.connect() as connection:
                self.last = read_data_version(connection)
                return self.last
        except Exception:  # an outage: let the route answer it with its 503
            logger.debug("data version unavailable", exc_info=True)
            self.retry_at = time.monotonic() + self.RETRY_AFTER_S
            return None


def _probe_engine(engine: Engine, statement_timeout_ms: int) -> Engine:
    """One connection to the API's database, with its statement time limit."""
    if engine.dialect.name == "sqlite":
        return create_engine(
            engine.url,
            poolclass=SingletonThreadPool,
            connect_args={"check_same_thread": False, "timeout": statement_timeout_ms / 1000},
        )
    return create_engine(
        engine.url,
        pool_size=1,
        max_overflow=0,
        pool_timeout=0.1,
        connect_args={
            "connect_timeout": 1,
            "options": f"-c statement_timeout={statement_timeout_ms}",
        },
    )
