"""A cache of whole responses, keyed on the data version, so a hit never touches a route.

The data changes only when the seeds load, and every response is a function of the data, the
request line and the Accept header. So a response is stored under (data version, path, query,
Accept), and each request first reads the version (one indexed single-row read): a reseed
changes it, and from that request on every old entry is unreachable. Nothing stale is served,
and there is nothing to invalidate by hand.

Only responses the tagging layer marks as depending on the data alone are stored (see
app.caching); errors and large bodies are not. Exports are never stored: they stream, and a
stream's whole body would have to be held.
"""

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import SingletonThreadPool
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.caching import CACHEABLE_MARK, matches

logger = logging.getLogger("insights.cache")
MAX_ENTRIES = 4096
MAX_BODY_BYTES = 512 * 1024
UNCACHED_PATHS = ("/healthz", "/readyz", "/docs", "/static/")


@dataclass(frozen=True)
class CachedResponse:
    """A whole response, and whether it may be kept."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    cacheable: bool = True


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
    """Serve repeated GETs (and HEADs, and conditional GETs) from memory while the data
    version stays the same. It sits outside compression and tagging, so a hit costs neither a
    gzip pass nor a hash: both are stored with the body.
    """

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
        headers = Headers(scope=scope)
        key = (
            version,
            scope["path"],
            scope.get("query_string", b"").decode("latin-1"),
            headers.get("accept", ""),
            "gzip" if "gzip" in headers.get("accept-encoding", "") else "",
        )
        response = self._get(key)
        if response is None:
            # Ask for the full body (no If-None-Match; GET for HEAD), to store it.
            forwarded = [
                (name, value)
                for name, value in scope["headers"]
                if name.lower() != b"if-none-match"
            ]
            inner = {**scope, "method": "GET", "headers": forwarded}
            response = await self._fetch(inner, receive, send, head=scope["method"] == "HEAD")
            if response is None:
                return  # a stream, already sent
            if response.cacheable:
                self._put(key, response)
        await self._reply(response, headers, send, head=scope["method"] == "HEAD")

    async def _fetch(
        self, scope: Scope, receive: Receive, send: Send, *, head: bool
    ) -> CachedResponse | None:
        """Run the app and collect its whole response; a stream is passed on as it comes."""
        status, raw_headers, chunks = 500, [], []
        streaming = False

        async def collect(message: Message) -> None:
            nonlocal status, raw_headers, streaming
            if message["type"] == "http.response.start":
                status, raw_headers = message["status"], message["headers"]
                streaming = not any(name.lower() == b"content-length" for name, _ in raw_headers)
                if streaming:
                    await send(message)
            elif message["type"] == "http.response.body":
                if streaming:
                    if not head or not message.get("more_body", False):
                        await send({**message, "body": b""} if head else message)
                else:
                    chunks.append(message.get("body", b""))

        await self.app(scope, receive, collect)
        if streaming:
            return None
        mark = CACHEABLE_MARK.encode()
        kept = [(name, value) for name, value in raw_headers if name.lower() != mark]
        body = b"".join(chunks)
        cacheable = status == 200 and len(kept) < len(raw_headers) and len(body) <= MAX_BODY_BYTES
        return CachedResponse(status, kept, body, cacheable)

    async def _reply(
        self, response: CachedResponse, request: Headers, send: Send, *, head: bool
    ) -> None:
        """Send a stored response: 304 if the client's tag matches, no body for HEAD."""
        headers = MutableHeaders(raw=list(response.headers))
        etag = headers.get("etag")
        if response.status == 200 and etag and matches(etag, request.get("if-none-match", "")):
            for name in ("content-length", "content-type", "content-encoding"):
                if name in headers:
                    del headers[name]
            await send({"type": "http.response.start", "status": 304, "headers": headers.raw})
            await send({"type": "http.response.body", "body": b""})
            return
        await send(
            {"type": "http.response.start", "status": response.status, "headers": headers.raw}
        )
        await send({"type": "http.response.body", "body": b"" if head else response.body})

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
