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

from app.config import get_settings
from app.db import ConnectionSlots, get_engine
from app.errors import PROBLEM_MEDIA_TYPE, install_error_handlers, openapi_problems
from app.http.stack import InsightsApp, install_middleware
from app.routes import (
    catalogue,
    changes,
    embeds,
    exports,
    feeds,
    meta,
    pages,
    quotes,
    search,
    stats,
)

DESCRIPTION = """\
A structured, read-only insights database of the Alliance for Health Policy's *Signature Seminar
Insights Report: Cell and Gene Therapy Policy* (February 2026): 62 verbatim interview quotes from
17 anonymised experts, sorted by the report's iceberg model into 4 layers and 18 themes.

Every object has a stable string id. Lists are `{"items": [...], "next_cursor": ...}`; errors
are RFC 9457 `application/problem+json`.
"""
DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"


def create_app(engine: Engine | None = None) -> FastAPI:
    """Build the API on `engine` (default: the configured database's)."""
    settings = get_settings()
    engine = engine or get_engine()
    app = InsightsApp(
        title="Insights API",
        version="1.0.0",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        # A slash redirect's Location would be built from the Host header: none at all.
        redirect_slashes=False,
        responses=openapi_problems(),
        generate_unique_id_function=lambda route: route.name,
    )
    for router in (
        quotes.router,
        exports.router,
        catalogue.router,
        search.router,
        stats.router,
        meta.router,
        changes.router,
        feeds.router,
        embeds.router,
        pages.router,
    ):
        app.include_router(router)
    app.state.engine = engine
    app.state.connection_slots = ConnectionSlots(engine, settings.pool_timeout_s)
    install_error_handlers(app)
    install_middleware(app, settings, engine)
    _mount_docs(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


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
