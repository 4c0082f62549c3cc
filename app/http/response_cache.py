"""A cache of whole responses, keyed on the data version, so a hit never touches a route.

The data changes only when the seeds load, and every response is a function of the data, the
request line and the Accept header. So a response is stored under (data version, path, query,
Accept), and each request first reads the version (one indexed single-row read): a reseed
changes it, and from that request on every old entry is unreachable. Nothing stale is served,
and there is nothing to invalidate by hand.

Only responses the tagging layer marks as depending on the data alone are stored (see
app.http.etag); errors and large bodies are not. Exports are never stored: they stream, and a
stream's whole body would have to be held.
"""

import logging
import threading
import time
from collections import OrderedDict

from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import SingletonThreadPool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from app.http.asgi import Buffered, buffer_response, send_not_modified, send_whole
from app.http.etag import CACHEABLE_MARK, matches
from app.queries.meta import read_data_version

logger = logging.getLogger("insights.cache")
MAX_ENTRIES = 4096
MAX_BODY_BYTES = 512 * 1024
# The change history grows with every load, while a data version can come back (a correction
# reverted): keyed on the version, its pages could be served from before the revert.
UNCACHED_PATHS = (
    "/healthz",
    "/readyz",
    "/docs",
    "/static/",
    "/v1/changes",
    "/v1/change-sets",
    "/feeds/changes",
)


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
                return read_data_version(connection)
        except Exception:  # an outage: let the route answer it with its 503
            logger.debug("data version unavailable", exc_info=True)
            self.retry_at = time.monotonic() + self.RETRY_AFTER_S
            return None


class ResponseCacheMiddleware:
    """Serve repeated GETs (and HEADs, and conditional GETs) from memory while the data
    version stays the same. It sits outside compression and tagging, so a hit costs neither a
    gzip pass nor a hash: both are stored with the body.
    """

    def __init__(self, app: ASGIApp, *, engine: Engine) -> None:
        self.app = app
        self.version = DataVersion(engine)
        self.entries: OrderedDict[tuple[str, ...], Buffered] = OrderedDict()
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
        head = scope["method"] == "HEAD"
        headers = Headers(scope=scope)
        key = _key(version, scope, headers)
        response = self._get(key)
        if response is None:
            # Ask for the full body (no If-None-Match; GET for HEAD), to store it.
            forwarded = [
                (name, value)
                for name, value in scope["headers"]
                if name.lower() != b"if-none-match"
            ]
            inner = {**scope, "method": "GET", "headers": forwarded}
            fetched = await buffer_response(self.app, inner, receive, send, head=head)
            if fetched is None:
                return  # a stream, already sent
            response, cacheable = _without_mark(fetched)
            if cacheable:
                self._put(key, response)
        etag = Headers(raw=response.headers).get("etag")
        if response.status == 200 and etag and matches(etag, headers.get("if-none-match", "")):
            await send_not_modified(send, response.headers)
            return
        await send_whole(send, response, head=head)

    def _get(self, key: tuple[str, ...]) -> Buffered | None:
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None:
                self.entries.move_to_end(key)
            return hit

    def _put(self, key: tuple[str, ...], response: Buffered) -> None:
        with self.lock:
            if key[0] != self.current_version:
                # New data: the old entries can never be hit again.
                self.entries.clear()
                self.current_version = key[0]
            self.entries[key] = response
            while len(self.entries) > MAX_ENTRIES:
                self.entries.popitem(last=False)


def _key(version: str, scope: Scope, headers: Headers) -> tuple[str, ...]:
    """What a stored response is found by: the data version and what the response depends on."""
    return (
        version,
        scope["path"],
        scope.get("query_string", b"").decode("latin-1"),
        headers.get("accept", ""),
        "gzip" if "gzip" in headers.get("accept-encoding", "") else "",
    )


def _without_mark(response: Buffered) -> tuple[Buffered, bool]:
    """The response without the tagging layer's mark, and whether the mark allows keeping it."""
    mark = CACHEABLE_MARK.encode()
    kept = [(name, value) for name, value in response.headers if name.lower() != mark]
    cacheable = (
        response.status == 200
        and len(kept) < len(response.headers)
        and len(response.body) <= MAX_BODY_BYTES
    )
    return Buffered(response.status, kept, response.body), cacheable
