"""The database engine and the per-request session."""

from collections.abc import AsyncIterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session
from starlette.requests import Request

from app.config import Settings, get_settings

# SQLite FTS5 copies of the text of quotes, themes and layers (stemmed words; unstemmed prefixes),
# refilled by each load.
FTS_TABLE = "search_fts"
FTS_PREFIX_TABLE = "search_fts_prefix"


def make_engine(database_url: str, settings: Settings | None = None) -> Engine:
    """An engine configured for the backend: pragmas on SQLite, pool and timeouts on PostgreSQL."""
    settings = settings or get_settings()
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
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


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session per request on the app's engine (a FastAPI dependency).

    Async on purpose, though the routes are sync: FastAPI runs a sync dependency's teardown in
    its thread pool, so under load every pool thread could be waiting for a connection while
    the requests holding the connections wait for a thread to give them back (a deadlock until
    the pool timeout). Closing here, on the event loop, needs no thread; it costs the loop a
    rollback on the way back to the pool.
    """
    with Session(request.app.state.engine) as session:
        yield session
