"""The application factory."""

from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.routing import Route

from app.assistant.server import McpEndpoint, build_server
from app.config import Settings, get_settings
from app.db import ConnectionSlots, get_engine
from app.errors import PROBLEM_MEDIA_TYPE, install_error_handlers, openapi_problems
from app.http.stack import InsightsApp, install_middleware
from app.routes import (
    catalogue,
    changes,
    citations,
    discovery,
    embeds,
    exports,
    feeds,
    llms,
    meta,
    pages,
    quotes,
    search,
    share,
    stats,
)
from app.urls import MCP_PATH

DESCRIPTION = """\
A structured, read-only insights database of the Alliance for Health Policy's *Signature Seminar
Insights Report: Cell and Gene Therapy Policy* (February 2026): 62 verbatim interview quotes from
17 anonymised experts, sorted by the report's iceberg model into 4 layers and 18 themes.

Every object has a stable string id. Lists are `{"items": [...], "next_cursor": ...}`; errors
are RFC 9457 `application/problem+json`.
"""
# The Limits section of the description: (what is bounded, its setting, the answer over it).
LIMITS = [
    ("ids OR-ed across all filters of a request (and 50 per filter)", "MAX_FILTER_IDS", "422"),
    ("cells (rows × columns) of a cross-tab", "MAX_CROSSTAB_CELLS", "422"),
    ("quotes on one HTML layer or theme page", "HTML_PAGE_QUOTES", "a next page (`cursor`)"),
    ("milliseconds a query may run", "STATEMENT_TIMEOUT_MS", "503 `/problems/time-limit`"),
    ("seconds a request waits for a database connection", "POOL_TIMEOUT_S", "503"),
    ("header fields of a request", "HTTP_MAX_HEADERS", "431"),
    ("bytes of request line and headers", "HTTP_MAX_HEADER_BYTES", "431"),
    ("requests in flight per worker", "HTTP_MAX_REQUESTS", "503 `/problems/overloaded`"),
    ("requests per client per minute, when limiting is on", "RATE_LIMIT_PER_MINUTE", "429"),
    ("requests of that budget one export costs", "RATE_LIMIT_EXPORT_COST", "429"),
]
# The routers, in the order their routes are matched (the HTML pages last).
ROUTERS = tuple(
    module.router
    for module in (
        quotes,
        citations,
        exports,
        catalogue,
        search,
        stats,
        meta,
        changes,
        feeds,
        embeds,
        llms,
        discovery,
        share,
        pages,
    )
)
DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"


def create_app(engine: Engine | None = None) -> FastAPI:
    """Build the API on `engine` (default: the configured database's)."""
    settings = get_settings()
    engine = engine or get_engine()
    mcp = McpEndpoint(build_server(engine), settings)
    app = InsightsApp(
        title="Insights API",
        version="1.0.0",
        description=DESCRIPTION + _limits(settings),
        docs_url=None,
        redoc_url=None,
        # A slash redirect's Location would be built from the Host header: none at all.
        redirect_slashes=False,
        responses=openapi_problems(),
        generate_unique_id_function=lambda route: route.name,
        lifespan=lambda _app: mcp.lifespan(),
    )
    for router in ROUTERS:
        app.include_router(router)
    # A plain Starlette route: the MCP transport is not a REST resource of the OpenAPI document.
    app.router.routes.append(Route(MCP_PATH, mcp, methods=["GET", "POST", "DELETE"]))
    app.state.engine = engine
    app.state.connection_slots = ConnectionSlots(engine, settings.pool_timeout_s)
    install_error_handlers(app)
    install_middleware(app, settings, engine)
    _mount_docs(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _limits(settings: Settings) -> str:
    """The Limits section of the API's description, with this server's values."""
    rows = [
        f"| {bound} | `{name}` = {getattr(settings, name.lower())} | {over} |"
        for bound, name, over in LIMITS
    ]
    limiting = "on" if settings.rate_limit_enabled else "off"
    return "\n".join(
        [
            "\n## Limits\n",
            "Every request's cost is bounded; each bound is a setting (see the README's",
            f"Configuration). This server's values (rate limiting is {limiting}):\n",
            "| bound | setting | over it |",
            "| --- | --- | --- |",
            *rows,
            "",
        ]
    )


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI from an installed package's assets: it works offline and under a strict CSP."""
    app.mount("/static/docs", StaticFiles(directory=DOCS_ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Insights API",
            swagger_js_url="/static/docs/swagger-ui-bundle.js",
            swagger_css_url="/static/docs/swagger-ui.css",
            swagger_favicon_url="/static/docs/favicon.png",
        )


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with problem responses under application/problem+json."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    for path in schema["paths"].values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
    app.openapi_schema = schema
    return schema


app = create_app()
