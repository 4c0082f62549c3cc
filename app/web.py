"""Middleware of the web face: trusted hosts, rate limiting, compression.

Each `install_*` function adds one layer, configured from the settings when it is installed;
`app.main` calls them in a fixed order.
"""

from fastapi import FastAPI, Request
from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import get_settings
from app.errors import problem_response
from app.ratelimit import HitStore, MemoryStore, RateLimitMiddleware, RedisStore
from app.routes.exports import QDPX_MEDIA_TYPE

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
        response = problem_response(
            Request(scope),
            400,
            "Bad request",
            "bad-request",
            "This API does not answer for the requested Host.",
        )
        await response(scope, receive, send)


class VaryingGZipMiddleware(GZipMiddleware):
    """Starlette's GZipMiddleware, adding `Vary: Accept-Encoding` to 304s as to the 200s."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def vary_304(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 304:
                MutableHeaders(scope=message).add_vary_header("Accept-Encoding")
            await send(message)

        await super().__call__(scope, receive, vary_304)


def install_trusted_hosts(app: FastAPI) -> None:
    """Answer only the configured Host names."""
    hosts = get_settings().trusted_hosts
    if "*" in hosts:
        return
    ProblemTrustedHostMiddleware(app, allowed_hosts=hosts)  # a bad pattern fails here, at startup
    app.add_middleware(ProblemTrustedHostMiddleware, allowed_hosts=hosts)


def install_rate_limit(app: FastAPI) -> None:
    """Per-client request limits on the public endpoints."""
    settings = get_settings()
    if not settings.rate_limit_enabled:
        return
    store: HitStore = RedisStore(settings.redis_url) if settings.redis_url else MemoryStore()
    app.add_middleware(
        RateLimitMiddleware,
        limit=settings.rate_limit_per_minute,
        store=store,
        trusted_proxies=settings.trusted_proxies,
    )


def install_compression(app: FastAPI) -> None:
    """gzip for clients that accept it, when the body is large enough to gain."""
    app.add_middleware(
        VaryingGZipMiddleware,
        minimum_size=get_settings().gzip_min_bytes,
        # A .qdpx export is already a zip archive.
        exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, QDPX_MEDIA_TYPE),
    )
