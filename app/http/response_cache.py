"""A cache of whole responses, keyed on the data version, so a hit never touches a route.

The data changes only when the seeds load, and every response is a function of the data, the
path, the parameters its route reads and the negotiated format. So a response is stored under
(data version, path, canonical parameters, format; see app.http.cache_key), and each request
first reads the version (app.http.data_version): a reseed changes it, and from that request on
every old entry is unreachable. Nothing stale is served, and there is nothing to invalidate.

The cache holds at most `max_bytes` of responses (least recently used go first), and no one
response larger than an eighth of that, so one costly answer cannot push out all the others.
Only responses the tagging layer marks as depending on the data alone are stored (see
app.http.etag); errors are not. Exports are never stored: they stream.
"""

import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import Engine
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from app.http.asgi import Buffered, buffer_response, send_not_modified, send_whole
from app.http.cache_key import CacheKey, RouteParameters, cache_key
from app.http.data_version import DataVersion
from app.http.etag import CACHE_HINT, CacheHint, matches
from app.urls import MCP_PATH

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
    # The MCP transport: event streams and JSON-RPC, never a resource to keep.
    MCP_PATH,
)
# What an entry costs beyond its body and headers: the key, the dict slot, the objects.
ENTRY_OVERHEAD_BYTES = 512


class ResponseCacheMiddleware:
    """Serve repeated GETs (and HEADs, and conditional GETs) from memory while the data
    version stays the same. It sits outside compression and tagging, so a hit costs neither a
    gzip pass nor a hash: both are stored with the body.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        engine: Engine,
        max_bytes: int,
        version_wait_s: float,
        statement_timeout_ms: int,
    ) -> None:
        self.app = app
        self.version = DataVersion(
            engine, wait_s=version_wait_s, statement_timeout_ms=statement_timeout_ms
        )
        self.entries = Entries(max_bytes)
        self.parameters: RouteParameters | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"].startswith(UNCACHED_PATHS)
        ):
            await self.app(scope, receive, send)
            return
        version = await self.version.current()
        if version is None:
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        headers = Headers(scope=scope)
        key = cache_key(version, scope, self._parameters(scope).read_by)
        response = self.entries.get(key)
        if response is None:
            response = await self._fetch(key, scope, receive, send, head=head)
            if response is None:
                return  # a stream, already sent
        etag = Headers(raw=response.headers).get("etag")
        if response.status == 200 and etag and matches(etag, headers.get("if-none-match", "")):
            await send_not_modified(send, response.headers)
            return
        await send_whole(send, response, head=head)

    async def _fetch(
        self, key: CacheKey, scope: Scope, receive: Receive, send: Send, *, head: bool
    ) -> Buffered | None:
        """The response from the routes, stored when the tagging layer allows it."""
        # Ask for the full body (no If-None-Match; GET for HEAD), to store it.
        forwarded = [
            (name, value) for name, value in scope["headers"] if name.lower() != b"if-none-match"
        ]
        hint = CacheHint()
        inner = {**scope, "method": "GET", "headers": forwarded, CACHE_HINT: hint}
        response = await buffer_response(self.app, inner, receive, send, head=head)
        if response is not None and response.status == 200 and hint.cacheable:
            self.entries.put(key, response)
        return response

    def _parameters(self, scope: Scope) -> RouteParameters:
        """The routes' parameters, read from the app's OpenAPI document on first use (the
        document is complete only once every route is included)."""
        if self.parameters is None:
            app: Any = scope["app"]
            self.parameters = RouteParameters.of(app.openapi())
        return self.parameters


class Entries:
    """Responses by key, at most `max_bytes` of them, least recently used evicted first."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.largest = max_bytes // 8
        self.stored: OrderedDict[CacheKey, tuple[Buffered, int]] = OrderedDict()
        self.bytes = 0
        self.version: str | None = None
        self.lock = threading.Lock()

    def get(self, key: CacheKey) -> Buffered | None:
        with self.lock:
            hit = self.stored.get(key)
            if hit is None:
                return None
            self.stored.move_to_end(key)
            return hit[0]

    def put(self, key: CacheKey, response: Buffered) -> None:
        size = _size(key, response)
        if size > self.largest:
            return
        with self.lock:
            if key[0] != self.version:
                # New data: the old entries can never be hit again.
                self.stored.clear()
                self.bytes = 0
                self.version = key[0]
            if key in self.stored:
                self.bytes -= self.stored.pop(key)[1]
            self.stored[key] = (response, size)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, (_, evicted) = self.stored.popitem(last=False)
                self.bytes -= evicted


def _size(key: CacheKey, response: Buffered) -> int:
    """What keeping `response` under `key` costs, in bytes."""
    headers = sum(len(name) + len(value) for name, value in response.headers)
    return len(response.body) + headers + sum(map(len, key)) + ENTRY_OVERHEAD_BYTES
