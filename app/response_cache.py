"""A cache of whole responses, keyed on the data version, so a hit never touches a route.

The data changes only when the seeds load, and every response is a function of the data, the
request line and the Accept header. So a response is stored under (data version, path, query,
Accept), and each request first reads the version (one indexed single-row read): a reseed
changes it, and from that request on every old entry is unreachable. Nothing stale is served,
and there is nothing to invalidate by hand.

Responses that set their own Cache-Control (a random quote, the quote of the day) vary with
more than the data and are never stored; nor are errors, streams or large bodies.
"""

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import SingletonThreadPool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("insights.cache")
MAX_ENTRIES = 4096
MAX_BODY_BYTES = 512 * 1024
UNCACHED_PATHS = ("/healthz", "/readyz", "/docs", "/static/")


@dataclass(frozen=True)
class CachedResponse:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class DataVersion:
    """Reads the current data version on a connection of its own.

    It runs on the event loop, so it never waits for the API's pool (whose connections may be
    held by requests that need the loop to finish: a deadlock) and, after a failure, does not
    try again for a second (the requests go through to the routes, which answer 503).
    """

    RETRY_AFTER_S = 1.0

    def __init__(self, engine: Engine) -> None:
        if engine.dialect.name == "sqlite":
            self.probe = create_engine(
                engine.url,
                poolclass=SingletonThreadPool,
                connect_args={"check_same_thread": False},
            )
        else:
            self.probe = create_engine(
                engine.url,
                pool_size=1,
                max_overflow=0,
                pool_timeout=0.1,
                connect_args={"connect_timeout": 1},
            )
        self.retry_at = 0.0

    def read(self) -> str | None:
        """The version, or None when the database cannot say (the request then goes through)."""
        if time.monotonic() < self.retry_at:
            return None
        try:
            with self.probe.connect() as connection:
                version = connection.execute(
                    text("SELECT data_version FROM dataset_state WHERE id = 1")
                ).scalar()
        except Exception:  # an outage: let the route answer it with its 503
            logger.debug("data version unavailable", exc_info=True)
            self.retry_at = time.monotonic() + self.RETRY_AFTER_S
            return None
        return str(version) if version else None


class ResponseCacheMiddleware:
    """Serve repeated GETs from memory while the data version stays the same."""

    def __init__(self, app: ASGIApp, *, engine: Engine) -> None:
        self.app = app
        self.version = DataVersion(engine)
        self.entries: OrderedDict[tuple[str, ...], CachedResponse] = OrderedDict()
        self.lock = threading.Lock()
        self.current_version: str | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"].startswith(UNCACHED_PATHS)
        ):
            await self.app(scope, receive, send)
            return
        version = self.version.read()
        if version is None:
            await self.app(scope, receive, send)
            return
        key = (
            version,
            scope["method"],
            scope["path"],
            scope.get("query_string", b"").decode("latin-1"),
            Headers(scope=scope).get("accept", ""),
        )
        hit = self._get(key)
        if hit is not None:
            await send(
                {"type": "http.response.start", "status": hit.status, "headers": hit.headers}
            )
            await send({"type": "http.response.body", "body": hit.body})
            return
        await self._call_and_store(scope, receive, send, key)

    async def _call_and_store(
        self, scope: Scope, receive: Receive, send: Send, key: tuple[str, ...]
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        storable = True

        async def capture(message: Message) -> None:
            nonlocal start, storable
            if message["type"] == "http.response.start":
                start = message
                headers = Headers(raw=message["headers"])
                storable = (
                    message["status"] == 200
                    and "content-length" in headers
                    and "cache-control" not in headers
                    and int(headers["content-length"]) <= MAX_BODY_BYTES
                )
            elif message["type"] == "http.response.body" and storable:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and start is not None:
                    self._put(
                        key, CachedResponse(start["status"], start["headers"], b"".join(chunks))
                    )
            await send(message)

        await self.app(scope, receive, capture)

    def _get(self, key: tuple[str, ...]) -> CachedResponse | None:
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None:
                self.entries.move_to_end(key)
            return hit

    def _put(self, key: tuple[str, ...], response: CachedResponse) -> None:
        with self.lock:
            if key[0] != self.current_version:
                # New data: the old entries can never be hit again.
                self.entries.clear()
                self.current_version = key[0]
            self.entries[key] = response
            while len(self.entries) > MAX_ENTRIES:
                self.entries.popitem(last=False)
