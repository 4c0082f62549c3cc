"""An MCP client built on the official SDK, connected to the app in process (its lifespan run,
its HTTP stack and all), to a server's URL or to `insights mcp` over stdio; tool calls answered
as plain JSON."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx2
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from tests.helpers.pins import PINNED_BASE_URL

T = TypeVar("T")
Target = TestClient | FastAPI | str | StdioServerParameters


@asynccontextmanager
async def connected(target: Target) -> AsyncIterator[Client]:
    """An initialised SDK client of `target`: an app (over its ASGI interface), a URL, or a
    command to launch; a test client stands for its app."""
    if isinstance(target, TestClient):
        assert isinstance(target.app, FastAPI)
        target = target.app
    if not isinstance(target, FastAPI):
        async with Client(target) as client:
            yield client
        return
    async with target.router.lifespan_context(target):
        transport = httpx2.ASGITransport(app=target)
        async with (
            httpx2.AsyncClient(transport=transport, base_url=PINNED_BASE_URL) as http,
            Client(streamable_http_client(f"{PINNED_BASE_URL}/mcp", http_client=http)) as client,
        ):
            yield client


def with_client(target: Target, use: Callable[[Client], Awaitable[T]]) -> T:
    """`use(client)` on a client of `target`, run to completion."""

    async def run() -> T:
        async with connected(target) as client:
            return await use(client)

    return asyncio.run(run())


async def call(client: Client, tool: str, arguments: dict[str, Any]) -> tuple[bool, Any]:
    """(is_error, the structured answer, or the error's text) of one tool call."""
    result = await client.call_tool(tool, arguments)
    if result.is_error:
        return True, " ".join(getattr(part, "text", "") for part in result.content)
    return False, result.structured_content
