"""The limits of the HTTP edge that the server (granian) has no knob for.

granian bounds the bytes of a request's headers, the time to send them and the idle time
between requests, and the connections per worker (`app.cli.serve`); it refuses more than 100
header fields itself. What it cannot do is refuse with a problem: past its connection limit a
new connection waits for a free one. So here, per worker process, a request over
`max_requests` in flight is answered at once with a 503 problem, and one with more than
`max_headers` header fields with a 431 problem.
"""

from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import HeadersTooLarge, Overloaded
from app.http.asgi import send_problem


class EdgeLimitMiddleware:
    """Refuse requests over the header-count and in-flight limits, with problems."""

    def __init__(self, app: ASGIApp, *, max_headers: int, max_requests: int) -> None:
        self.app = app
        self.max_headers = max_headers
        self.max_requests = max_requests
        # One event loop per worker runs every request, so a plain counter needs no lock.
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope["headers"]) > self.max_headers:
            refusal = HeadersTooLarge(f"A request may send at most {self.max_headers} headers.")
            await send_problem(scope, receive, send, refusal)
            return
        if self.in_flight >= self.max_requests:
            await send_problem(scope, receive, send, Overloaded.busy())
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
