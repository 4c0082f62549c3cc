"""HTTP caching for GET: an ETag from the body, Cache-Control, and 304 on If-None-Match.

The data changes only when seeds load, so a response's body is its whole state: hashing it gives
a tag that changes exactly when the content does (a reseed that alters nothing keeps every tag),
with no invalidation to get wrong.
"""

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Set on responses that depend on the data alone; the response cache keeps those, then drops
# the header. A route that sets its own Cache-Control (a random quote, the quote of the day)
# varies with more than the data and is never marked.
CACHEABLE_MARK = "x-insights-cacheable"


class ETagMiddleware:
    """Tag successful GET and HEAD responses; answer a matching If-None-Match with 304.

    HEAD is answered as GET without the body, for every GET route.
    """

    def __init__(self, app: ASGIApp, *, max_age: int) -> None:
        self.app = app
        self.cache_control = f"public, max-age={max_age}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if not _has_length(message):
                    # A stream (an export): pass it through as it comes, untagged.
                    await send(message)
                    return
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await self._finish(scope, start, b"".join(chunks), send, head=head)

        await self.app(scope, receive, buffer)

    async def _finish(
        self, scope: Scope, start: Message, body: bytes, send: Send, *, head: bool
    ) -> None:
        headers = MutableHeaders(raw=list(start["headers"]))
        if start["status"] != 200 or "no-store" in headers.get("cache-control", ""):
            await send(start)
            await send({"type": "http.response.body", "body": b"" if head else body})
            return
        # Weak: the same tag serves the identity and the gzip encoding of the body.
        etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers["ETag"] = etag
        if "cache-control" not in headers:
            # Only the data decides this body: the response cache may keep it.
            headers["Cache-Control"] = self.cache_control
            headers[CACHEABLE_MARK] = "1"
        if matches(etag, Headers(scope=scope).get("if-none-match", "")):
            del headers["Content-Length"]
            if "Content-Type" in headers:
                del headers["Content-Type"]
            await send({"type": "http.response.start", "status": 304, "headers": headers.raw})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({**start, "headers": headers.raw})
        await send({"type": "http.response.body", "body": b"" if head else body})


def matches(etag: str, if_none_match: str) -> bool:
    """Whether an If-None-Match header matches the tag (RFC 9110's weak comparison)."""
    wanted = _tags(if_none_match)
    return etag in wanted or "W/*" in wanted


def _tags(header: str) -> set[str]:
    """The entity tags of an If-None-Match header, all read as weak (RFC 9110's weak comparison)."""
    return {"W/" + tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _has_length(start: Message) -> bool:
    return any(name.lower() == b"content-length" for name, _ in start["headers"])
