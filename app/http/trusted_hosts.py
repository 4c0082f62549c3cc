"""Answering only the configured Host names, with a problem for any other."""

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import BadRequest
from app.http.asgi import send_problem

_ADMITTED = "insights.host_admitted"


async def _admit(scope: Scope, _receive: Receive, _send: Send) -> None:
    """Mark the request as one the gate let through."""
    scope[_ADMITTED] = True


async def _discard(message: Message) -> None:
    """Swallow Starlette's plain-text refusal; a problem goes out instead."""


class ProblemTrustedHostMiddleware:
    """Starlette's TrustedHostMiddleware, refusing a Host with a 400 problem, not plain text."""

    def __init__(self, app: ASGIApp, *, allowed_hosts: list[str]) -> None:
        self.app = app
        # Starlette decides (wildcards, ports, IPv6 literals); www redirects are off for an API.
        self.gate = TrustedHostMiddleware(_admit, allowed_hosts=allowed_hosts, www_redirect=False)
        self.plain = TrustedHostMiddleware(app, allowed_hosts=allowed_hosts, www_redirect=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.plain(scope, receive, send)
            return
        await self.gate(scope, receive, _discard)
        if scope.pop(_ADMITTED, False):
            await self.app(scope, receive, send)
            return
        refusal = BadRequest("This API does not answer for the requested Host.")
        await send_problem(scope, receive, send, refusal)
