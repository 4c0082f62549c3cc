"""Conditional GET: an ETag from the body, Cache-Control, and 304 on If-None-Match.

The data changes only when seeds load, so a response's body is its whole state: hashing it gives
a tag that changes exactly when the content does (a reseed that alters nothing keeps every tag),
with no invalidation to get wrong.
"""

import hashlib
from dataclasses import dataclass

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Receive, Scope, Send

from app.http.asgi import Buffered, buffer_response, send_not_modified, send_whole
from app.urls import MCP_PATH

# The scope key under which the response cache asks whether a response depends on the data
# alone. It travels in the ASGI scope, not in a header, so nothing internal reaches the wire.
CACHE_HINT = "insights.cache_hint"


@dataclass
class CacheHint:
    """Set by the tagging layer: whether the response may be kept. A route that sets its own
    Cache-Control (a random quote, the quote of the day) varies with more than the data."""

    cacheable: bool = False


class ETagMiddleware:
    """Tag successful GET and HEAD responses; answer a matching If-None-Match with 304.

    HEAD is answered as GET without the body, for every GET route.
    """

    def __init__(self, app: ASGIApp, *, max_age: int) -> None:
        self.app = app
        self.cache_control = f"public, max-age={max_age}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"] == MCP_PATH  # an event stream is sent as it comes
        ):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        response = await buffer_response(
            self.app, {**scope, "method": "GET"}, receive, send, head=head
        )
        if response is None:
            return  # a stream (an export), passed through untagged
        headers = MutableHeaders(raw=response.headers)
        if response.status != 200 or "no-store" in headers.get("cache-control", ""):
            await send_whole(send, response, head=head)
            return
        # Weak: the same tag serves the identity and the gzip encoding of the body.
        etag = 'W/"' + hashlib.sha256(response.body).hexdigest()[:32] + '"'
        headers["ETag"] = etag
        if "cache-control" not in headers:
            # Only the data decides this body: the response cache may keep it.
            headers["Cache-Control"] = self.cache_control
            hint = scope.get(CACHE_HINT)
            if isinstance(hint, CacheHint):
                hint.cacheable = True
        if matches(etag, Headers(scope=scope).get("if-none-match", "")):
            await send_not_modified(send, headers.raw)
            return
        await send_whole(send, Buffered(response.status, headers.raw, response.body), head=head)


def matches(etag: str, if_none_match: str) -> bool:
    """Whether an If-None-Match header matches the tag (RFC 9110's weak comparison)."""
    wanted = _tags(if_none_match)
    return etag in wanted or "W/*" in wanted


def _tags(header: str) -> set[str]:
    """The entity tags of an If-None-Match header, all read as weak (RFC 9110's weak comparison)."""
    return {"W/" + tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
