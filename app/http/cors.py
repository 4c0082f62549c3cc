"""CORS, with a refused preflight answered as a problem like every other error, and a policy of
its own for the MCP endpoint.

Starlette's CORSMiddleware answers a preflight it refuses (an origin, method or header it does
not allow) with a plain-text 400. The browser shows the script neither, but a developer reading
the network panel, or a client that preflights by hand, gets the shape every other error has.
"""

from typing import Any

from fastapi.middleware.cors import CORSMiddleware
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import BadRequest
from app.urls import MCP_PATH


class ProblemCORSMiddleware(CORSMiddleware):
    """CORSMiddleware whose refused preflights are 400 problems, with the CORS headers."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope) if scope["type"] == "http" else None
        if (
            headers is None
            or scope["method"] != "OPTIONS"
            or "origin" not in headers
            or "access-control-request-method" not in headers
        ):
            await super().__call__(scope, receive, send)
            return
        response = self.preflight_response(request_headers=headers)
        if response.status_code == 400:
            response = _problem(response, scope["path"])
        await response(scope, receive, send)


def _problem(refusal: Response, path: str) -> Response:
    """The plain-text refusal ("Disallowed CORS origin, method") as a problem."""
    kept = {
        name: value
        for name, value in refusal.headers.items()
        if name.startswith("access-control-") or name == "vary"
    }
    return BadRequest(f"{bytes(refusal.body).decode()}.", headers=kept).response(path)


class CORSByPath:
    """The API's CORS policy, and at `/mcp` the MCP transport's: its verbs (POST, DELETE), its
    headers (`Mcp-Session-Id`, `Mcp-Protocol-Version`) and the origins allowed to call it."""

    def __init__(self, app: ASGIApp, *, api: dict[str, Any], mcp: dict[str, Any]) -> None:
        self.app = app  # the layer inside, as every middleware names it
        self.api = ProblemCORSMiddleware(app, **api)
        self.mcp = ProblemCORSMiddleware(app, **mcp)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chosen = self.mcp if scope.get("path") == MCP_PATH else self.api
        await chosen(scope, receive, send)
