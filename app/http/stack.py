"""The whole HTTP stack, installed by one function in one order.

Outermost first, and why each layer stands where it does:

1. Security headers: outside even Starlette's ServerErrorMiddleware, so the 500 of an
   unhandled exception carries them too, as does every refusal below.
2. CORS: every answer below it (a busy worker's 503, a refused Host, 429s, 304s, problems)
   carries the CORS headers, so partner scripts can read errors and rate-limit headers; `/mcp`
   has a policy of its own (its verbs and headers, its origins).
3. Edge limits: too many header fields or too many requests in flight are refused before
   any other work (the server enforces the rest of the edge: see app/http/edge.py).
4. Trusted hosts: a request for a Host we do not serve is refused before anything is counted.
5. Rate limit: counts every request that reaches the API, cache hits included.
6. Response cache: outside compression and tagging, so a hit costs neither a gzip pass nor a
   hash (both are stored with the body).
7. Compression: gzips what tagging and the routes produce.
8. ETag and conditional requests: tags the identity body, answers HEAD and 304.
9. NUL guard: innermost, so the refusal is tagged and compressed like any response.

Exceptions the routes raise become problems in FastAPI's ExceptionMiddleware, inside all of these.
"""

from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.middleware import Middleware
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES
from starlette.types import ASGIApp

from app.assistant.server import transport_security
from app.config import Settings
from app.http.compression import VaryingGZipMiddleware
from app.http.cors import CORSByPath
from app.http.edge import EdgeLimitMiddleware
from app.http.etag import ETagMiddleware
from app.http.nul_guard import RejectNulMiddleware
from app.http.rate_limit import Budget, Counter, RateLimitMiddleware
from app.http.response_cache import ResponseCacheMiddleware
from app.http.security_headers import SecurityHeadersMiddleware, embed_policy
from app.http.trusted_hosts import ProblemTrustedHostMiddleware
from app.render.qdpx import QDPX_MEDIA_TYPE

EXPOSED_HEADERS = [
    "ETag",
    "Link",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
]


MCP_HEADERS = [
    "Accept",
    "Authorization",
    "Content-Type",
    "Last-Event-ID",
    "Mcp-Protocol-Version",
    "Mcp-Session-Id",
]


class InsightsApp(FastAPI):
    """FastAPI with room for layers outside Starlette's ServerErrorMiddleware."""

    outermost: list[Middleware]

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        for cls, args, kwargs in reversed(getattr(self, "outermost", [])):
            stack = cls(stack, *args, **kwargs)
        return stack


def install_middleware(app: InsightsApp, settings: Settings, engine: Engine) -> None:
    """Install every HTTP layer, configured from `settings`; a bad setting fails here."""
    app.outermost = [
        Middleware(
            SecurityHeadersMiddleware, embed_policy=embed_policy(settings.embed_frame_ancestors)
        )
    ]
    layers = [
        Middleware(CORSByPath, api=_cors(settings), mcp=_mcp_cors(settings)),
        Middleware(
            EdgeLimitMiddleware,
            max_headers=settings.http_max_headers,
            max_requests=settings.http_max_requests,
        ),
        *_trusted_hosts(settings),
        *_rate_limit(settings),
        *_response_cache(settings, engine),
        Middleware(
            VaryingGZipMiddleware,
            minimum_size=settings.gzip_min_bytes,
            # A .qdpx export is already a zip archive.
            exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, QDPX_MEDIA_TYPE),
        ),
        Middleware(ETagMiddleware, max_age=settings.cache_max_age_s),
        Middleware(RejectNulMiddleware),
    ]
    # add_middleware puts each layer outside the ones added before it: innermost first.
    for cls, args, kwargs in reversed(layers):
        app.add_middleware(cls, *args, **kwargs)


def _cors(settings: Settings) -> dict[str, Any]:
    return {
        "allow_origins": settings.cors_allow_origins,
        "allow_credentials": False,
        "allow_methods": ["GET", "HEAD", "OPTIONS"],
        "allow_headers": ["*"],
        "expose_headers": EXPOSED_HEADERS,
        "max_age": 86400,
    }


def _mcp_cors(settings: Settings) -> dict[str, Any]:
    """The MCP transport's verbs and headers, for the origins its Origin check lets in."""
    return {
        "allow_origins": transport_security(settings).allowed_origins,
        "allow_credentials": False,
        "allow_methods": ["GET", "POST", "DELETE", "OPTIONS"],
        "allow_headers": MCP_HEADERS,
        "expose_headers": [*EXPOSED_HEADERS, "Mcp-Session-Id"],
        "max_age": 86400,
    }


def _trusted_hosts(settings: Settings) -> list[Middleware]:
    hosts = settings.trusted_hosts
    if "*" in hosts:
        return []
    ProblemTrustedHostMiddleware(_never_called, allowed_hosts=hosts)  # a bad pattern fails now
    return [Middleware(ProblemTrustedHostMiddleware, allowed_hosts=hosts)]


def _response_cache(settings: Settings, engine: Engine) -> list[Middleware]:
    if not settings.response_cache_max_bytes:
        return []
    return [
        Middleware(
            ResponseCacheMiddleware,
            engine=engine,
            max_bytes=settings.response_cache_max_bytes,
            version_wait_s=settings.data_version_wait_ms / 1000,
            statement_timeout_ms=settings.statement_timeout_ms,
        )
    ]


def _rate_limit(settings: Settings) -> list[Middleware]:
    if not settings.rate_limit_enabled:
        return []
    budget = Budget(
        per_minute=settings.rate_limit_per_minute,
        ipv6_site_per_minute=settings.rate_limit_ipv6_site_per_minute,
        export_cost=settings.rate_limit_export_cost,
    )
    return [
        Middleware(
            RateLimitMiddleware,
            budget=budget,
            counter=Counter(settings.redis_url),
            trusted_proxies=settings.trusted_proxies,
        )
    ]


async def _never_called(*_: object) -> None:
    """The app behind the startup check of the host patterns, which serves nothing."""
