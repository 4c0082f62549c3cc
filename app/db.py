"""The database engine and the per-request session."""

import asyncio
import math
import time
import weakref
from collections.abc import AsyncIterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlmodel import Session
from starlette.requests import Request

from app.config import Settings, get_settings

# SQLite FTS5 copies of the text of quotes, themes and layers (stemmed words; unstemmed prefixes),
# refilled by each load.
FTS_TABLE = "search_fts"
FTS_PREFIX_TABLE = "search_fts_prefix"
# SQLite calls the time-limit check every this many virtual-machine steps (about 0.1-1 ms).
PROGRESS_STEPS = 10_000
# Within this much of its whole budget, a query is already bounded by the server's own limit.
NARROW_AFTER_MS = 100


def make_engine(database_url: str, settings: Settings | None = None) -> Engine:
    """An engine configured for the backend: pragmas on SQLite, pool and timeouts on both."""
    settings = settings or get_settings()
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        engine = _sqlite_engine(url, settings)
    else:
        engine = create_engine(
            url,
            pool_pre_ping=True,  # a restarted server costs no failed request
            pool_size=settings.pool_size,
            max_overflow=0,
            pool_timeout=settings.pool_timeout_s,
            connect_args={
                "connect_timeout": 5,
                # No JIT: it compiles for tens of milliseconds to save less on these short queries.
                "options": f"-c statement_timeout={settings.statement_timeout_ms} -c jit=off",
            },
        )
    _limit_each_checkout(engine, settings.statement_timeout_ms)
    return engine


def _sqlite_engine(url: URL, settings: Settings) -> Engine:
    """SQLite with the same pool bounds as PostgreSQL."""
    memory = not url.database or url.database == ":memory:"
    if not memory:
        Path(str(url.database)).parent.mkdir(parents=True, exist_ok=True)
    pool: dict[str, Any] = (
        {}
        if memory  # one connection per thread: nothing to bound
        else {
            "pool_size": settings.pool_size,
            "max_overflow": 0,
            "pool_timeout": settings.pool_timeout_s,
        }
    )
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pool)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _limit_each_checkout(engine: Engine, limit_ms: int) -> None:
    """One time budget for all the queries of one checkout of a connection: a request's.

    A request may run several queries (a page, then a facet per dimension), and a limit per
    query would let it run for several limits. So the budget starts when the request's session
    takes its connection from the pool. On SQLite a progress handler interrupts whatever runs
    past it (sqlite3 raises "interrupted"); on PostgreSQL each query after the first is given
    what is left as its statement_timeout (SET LOCAL: the transaction's end undoes it).
    """
    sqlite = engine.dialect.name == "sqlite"

    @event.listens_for(engine, "connect")
    def connect(dbapi_connection: Any, record: Any) -> None:
        budget = record.info["time_limit"] = TimeLimit(limit_ms / 1000)
        if sqlite:
            dbapi_connection.set_progress_handler(budget.exceeded, PROGRESS_STEPS)

    @event.listens_for(engine, "checkout")
    def checkout(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        record.info["time_limit"].start()

    @event.listens_for(engine, "checkin")
    def checkin(_dbapi_connection: Any, record: Any) -> None:
        if "time_limit" in record.info:
            record.info["time_limit"].lift()

    if sqlite:
        return

    @event.listens_for(engine, "before_cursor_execute")
    def narrow(connection: Connection, cursor: Any, *_: Any) -> None:
        left_ms = connection.connection.info["time_limit"].left_ms()
        # The server's own statement_timeout already bounds a query started with the budget
        # (nearly) whole: only a later one pays the round trip.
        if left_ms is not None and left_ms < limit_ms - NARROW_AFTER_MS:
            cursor.connection.execute(f"SET LOCAL statement_timeout = {max(1, left_ms)}")


class TimeLimit:
    """The time budget of one checkout of a connection (see _limit_each_checkout)."""

    def __init__(self, limit_s: float) -> None:
        self.limit_s = limit_s
        self.deadline = math.inf

    def start(self) -> None:
        self.deadline = time.monotonic() + self.limit_s

    def lift(self) -> None:
        self.deadline = math.inf

    def exceeded(self) -> int:
        return 1 if time.monotonic() > self.deadline else 0

    def left_ms(self) -> int | None:
        """Milliseconds left; None without a limit."""
        if self.deadline == math.inf:
            return None
        return int((self.deadline - time.monotonic()) * 1000)


def lift_time_limit(connection: Connection) -> None:
    """No time limit on this connection until it goes back to the pool: for a load or a
    migration, whose statements may rightly run for minutes, and a command-line export."""
    budget = connection.connection.info.get("time_limit")
    if budget is not None:
        budget.lift()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets readers go on while a reseed writes; the reseed swaps the content atomically.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine for the configured database."""
    return make_engine(get_settings().database_url)


class ConnectionSlots:
    """One slot per pooled connection, awaited on the event loop before a request's session.

    The routes run on a pool of 40 threads (app.deps.OneThreadHop), as do a streamed
    export's batches. Were more requests let in than there are connections, the threads could
    all be waiting for a connection while the requests holding the connections wait for a
    thread to go on in: nothing moves until the pool timeout, and every one is a 503. Waiting
    here instead holds no thread, and a request that has a slot always gets a connection at
    once.
    """

    def __init__(self, engine: Engine, timeout_s: float) -> None:
        size = getattr(engine.pool, "size", None)
        self.count = size() if callable(size) else None  # None: one connection per thread
        self.timeout_s = timeout_s
        # A semaphore belongs to one event loop, and a test client may run several.
        self.by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self.by_loop = weakref.WeakKeyDictionary()

    def _semaphore(self) -> asyncio.Semaphore | None:
        if self.count is None:
            return None
        loop = asyncio.get_running_loop()
        if loop not in self.by_loop:
            self.by_loop[loop] = asyncio.Semaphore(self.count)
        return self.by_loop[loop]

    async def acquire(self) -> asyncio.Semaphore | None:
        """A slot (to release), within the pool timeout; PoolTimeoutError (a 503) past it."""
        semaphore = self._semaphore()
        if semaphore is not None:
            try:
                await asyncio.wait_for(semaphore.acquire(), self.timeout_s)
            except TimeoutError:
                raise PoolTimeoutError("no connection slot within the pool timeout") from None
        return semaphore


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session per request on the app's engine (a FastAPI dependency), once a connection
    slot is free (see ConnectionSlots).

    Async on purpose, though the routes are sync: FastAPI runs a sync dependency's teardown in
    its thread pool, which is the wait ConnectionSlots exists to avoid. Closing here, on the
    event loop, needs no thread; it costs the loop a rollback on the way back to the pool.
    """
    slot = await request.app.state.connection_slots.acquire()
    try:
        with Session(request.app.state.engine) as session:
            yield session
    finally:
        if slot is not None:
            slot.release()
