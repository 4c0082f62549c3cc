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


def make_engine(database_url: str, settings: Settings | None = None) -> Engine:
    """An engine configured for the backend: pragmas on SQLite, pool and timeouts on PostgreSQL."""
    settings = settings or get_settings()
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, settings)
    return create_engine(
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


def _sqlite_engine(url: URL, settings: Settings) -> Engine:
    """SQLite with the same pool bounds as PostgreSQL and a statement time limit of its own."""
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
    limit_s = settings.statement_timeout_ms / 1000

    @event.listens_for(engine, "connect")
    def connect(dbapi_connection: Any, record: Any) -> None:
        _sqlite_pragmas(dbapi_connection, record)
        time_limit = record.info["time_limit"] = TimeLimit(limit_s)
        dbapi_connection.set_progress_handler(time_limit.exceeded, PROGRESS_STEPS)

    @event.listens_for(engine, "before_cursor_execute")
    def start(connection: Connection, *_: Any) -> None:
        connection.connection.info["time_limit"].start()

    @event.listens_for(engine, "checkin")
    def checkin(_dbapi_connection: Any, record: Any) -> None:
        if "time_limit" in record.info:
            record.info["time_limit"].lifted = False

    return engine


class TimeLimit:
    """The statement time limit of one SQLite connection, as PostgreSQL's statement_timeout.

    Its progress handler interrupts a statement that runs past the limit (sqlite3 then raises
    OperationalError "interrupted"); each statement starts the clock again.
    """

    def __init__(self, limit_s: float) -> None:
        self.limit_s = limit_s
        self.lifted = False
        self.deadline = math.inf

    def start(self) -> None:
        self.deadline = math.inf if self.lifted else time.monotonic() + self.limit_s

    def exceeded(self) -> int:
        return 1 if time.monotonic() > self.deadline else 0


def lift_time_limit(connection: Connection) -> None:
    """No time limit on this connection until it goes back to the pool: for a load, whose
    statements bound themselves (PostgreSQL's loads `SET LOCAL statement_timeout = 0`)."""
    time_limit = connection.connection.info.get("time_limit")
    if time_limit is not None:
        time_limit.lifted = True


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

    FastAPI runs sync routes, and then the validation of their responses, on a pool of 40
    threads. Were more requests let in than there are connections, the threads could all be
    waiting for a connection while the requests holding the connections wait for a thread to
    validate their response in: nothing moves until the pool timeout, and every one is a 503.
    Waiting here instead holds no thread, and a request that has a slot always gets a
    connection at once.
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
