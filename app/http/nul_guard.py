"""Refusing input that no parameter can mean, before any route sees it."""

from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import InvalidParameter
from app.http.asgi import send_problem

NUL_MESSAGE = "contains a NUL character, which no parameter accepts"


class RejectNulMiddleware:
    """A NUL character anywhere in the path or query string is a 422 problem naming where.

    No identifier or text of the API contains one, SQLite would cut a string at it, and
    PostgreSQL refuses it in any text parameter (a driver error, not an answer).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            locations = _nul_locations(scope)
            if locations:
                errors: list[dict[str, Any]] = [
                    {"loc": location, "msg": NUL_MESSAGE, "type": "nul_character"}
                    for location in locations
                ]
                refusal = InvalidParameter.listing(errors, NUL_MESSAGE)
                await send_problem(scope, receive, send, refusal)
                return
        await self.app(scope, receive, send)


def _nul_locations(scope: Scope) -> list[list[str]]:
    locations: list[list[str]] = []
    if "\x00" in scope["path"]:
        locations.append(["path"])
    query = scope.get("query_string", b"").decode("latin-1")
    if "\x00" in query or "%00" in query:
        for name, value in parse_qsl(query, keep_blank_values=True, encoding="latin-1"):
            if "\x00" in name or "\x00" in value:
                locations.append(["query", name.replace("\x00", "")])
    return locations
