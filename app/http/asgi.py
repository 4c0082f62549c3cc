"""The pieces the HTTP layers share: buffering a whole response, passing a stream through,
answering 304, and sending a problem from a middleware."""

from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import ApiError

RawHeaders = list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class Buffered:
    """A whole response, collected from the layers inside."""

    status: int
    headers: RawHeaders
    body: bytes


def has_length(headers: RawHeaders) -> bool:
    """Whether a response declares its length: one without is a stream (an export)."""
    return any(name.lower() == b"content-length" for name, _ in headers)


async def buffer_response(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, *, head: bool
) -> Buffered | None:
    """Run `app` and collect its whole response; None when it streamed instead.

    A response without a Content-Length is passed to `send` as it comes (with no body for
    `head`), since holding a stream's whole body would defeat it.
    """
    status, headers, chunks = 500, [], []
    streaming = False

    async def collect(message: Message) -> None:
        nonlocal status, headers, streaming
        if message["type"] == "http.response.start":
            status, headers = message["status"], list(message["headers"])
            streaming = not has_length(headers)
            if streaming:
                await send(message)
        elif message["type"] == "http.response.body":
            if not streaming:
                chunks.append(message.get("body", b""))
            elif not head:
                await send(message)
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b""})

    await app(scope, receive, collect)
    return None if streaming else Buffered(status, headers, b"".join(chunks))


async def send_whole(send: Send, response: Buffered, *, head: bool) -> None:
    """Send a buffered response (its headers as they are; no body for HEAD)."""
    await send(
        {"type": "http.response.start", "status": response.status, "headers": response.headers}
    )
    await send({"type": "http.response.body", "body": b"" if head else response.body})


async def send_not_modified(send: Send, headers: RawHeaders) -> None:
    """A 304 with the validators and caching headers of the 200 it stands for, and no body."""
    kept = MutableHeaders(raw=list(headers))
    for name in ("content-length", "content-type", "content-encoding"):
        if name in kept:
            del kept[name]
    await send({"type": "http.response.start", "status": 304, "headers": kept.raw})
    await send({"type": "http.response.body", "body": b""})


async def send_problem(scope: Scope, receive: Receive, send: Send, error: ApiError) -> None:
    """Answer from a middleware with a problem of the error family."""
    await error.response(Request(scope).url.path)(scope, receive, send)
