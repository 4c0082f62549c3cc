"""HTML pages: the iceberg overview, and a permalink page for every quote, theme and layer.

Server-rendered, no script, inline CSS only; every absolute link comes from the base URL.
"""

from collections import defaultdict
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app import schemas, urls
from app.deps import ObjectId, SessionDep, found
from app.errors import NON_JSON_PROBLEMS
from app.params import QuoteFilters
from app.queries import catalogue
from app.queries import quotes as quote_queries
from app.render.html import (
    ICEBERG_BANDS,
    WATERLINE_Y,
    embed_iframe,
    embed_size,
    feed_links,
    quotation_jsonld,
    render_template,
)

router = APIRouter(tags=["pages"], default_response_class=HTMLResponse, responses=NON_JSON_PROBLEMS)
ALL_QUOTES = "All quotes"


@router.get("/", response_class=HTMLResponse, summary="The iceberg overview page")
def home_page(session: SessionDep) -> HTMLResponse:
    """The series of reports, and the newest report's iceberg: its four layers drawn from tip
    to base, each with its themes (HTML)."""
    report = _insights_report(session)
    return _page(
        "home.html",
        canonical=urls.home(),
        series=catalogue.read_reports(session),
        show_facts=False,
        **_iceberg(session, report.id),
    )


@router.get("/reports/{report_id}", response_class=HTMLResponse, summary="A report's page")
def report_page(session: SessionDep, report_id: ObjectId) -> HTMLResponse:
    """A report's own iceberg (its layers, with its themes and counts), and what it states of
    itself: sponsors, methodology, conclusion, what others say of it (HTML)."""
    return _page(
        "home.html",
        canonical=urls.report(report_id),
        series=[],
        show_facts=True,
        **_iceberg(session, report_id),
    )


def _iceberg(session: Session, report_id: str) -> dict[str, Any]:
    """What the iceberg drawing of one report shows: its layers, themes and counts."""
    report = found(catalogue.read_report(session, report_id), "report", report_id)
    themes_by_layer: dict[str, list[schemas.Theme]] = defaultdict(list)
    for theme in report.themes:
        themes_by_layer[theme.layer.id].append(theme)
    layers = [
        {
            "id": text.layer.id,
            "name": text.layer.name,
            "heading": text.heading,
            "theme_count": len(themes_by_layer[text.layer.id]),
            "quote_count": sum(t.quote_count for t in themes_by_layer[text.layer.id]),
        }
        for text in report.layers
    ]
    return {
        "credit": report.credit,
        "report": report,
        "bands": list(zip(layers, ICEBERG_BANDS, strict=False)),
        "waterline_y": WATERLINE_Y,
        "themes_by_layer": themes_by_layer,
        "quote_total": sum(layer["quote_count"] for layer in layers),
        "theme_total": sum(layer["theme_count"] for layer in layers),
    }


@router.get("/quotes/{quote_id}", response_class=HTMLResponse, summary="A quote's permalink page")
def quote_page(session: SessionDep, quote_id: ObjectId) -> HTMLResponse:
    """A quote's permalink page, with oEmbed discovery, Open Graph and JSON-LD (HTML)."""
    quote = found(quote_queries.read_quote(session, quote_id), "quote", quote_id)
    report = found(
        next(iter(catalogue.read_reports(session, quote.report.id)), None),
        "report",
        quote.report.id,
    )
    url = urls.quote(quote.id)
    return _page(
        "quote.html",
        canonical=url,
        credit=report.credit,
        quote=quote,
        jsonld=quotation_jsonld(quote, report),
        oembed_json=urls.oembed_lookup(url),
        iframe=embed_iframe(quote, *embed_size(quote)),
    )


@router.get("/themes/{theme_id}", response_class=HTMLResponse, summary="A theme's page")
def theme_page(session: SessionDep, theme_id: ObjectId) -> HTMLResponse:
    """A theme's page: its summary and all its quotes (HTML)."""
    themes = catalogue.read_themes(session, theme_id=theme_id)
    theme = found(themes[0] if themes else None, "theme", theme_id)
    return _page(
        "theme.html",
        canonical=urls.theme(theme.id),
        credit=_insights_report(session).credit,
        feeds=feed_links(f"Quotes on {theme.title}", {"theme": theme.id}),
        theme=theme,
        quotes=_quotes(session, QuoteFilters(theme=[theme.id])),
    )


@router.get("/layers/{layer_id}", response_class=HTMLResponse, summary="A layer's page")
def layer_page(session: SessionDep, layer_id: ObjectId) -> HTMLResponse:
    """A layer's page: its texts, its themes and their quotes (HTML)."""
    layer = found(catalogue.read_layer(session, layer_id), "layer", layer_id)
    quotes_by_theme: dict[str, list[schemas.Quote]] = defaultdict(list)
    for quote in _quotes(session, QuoteFilters(layer=[layer.id])):
        quotes_by_theme[quote.theme.id].append(quote)
    return _page(
        "layer.html",
        canonical=urls.layer(layer.id),
        credit=_insights_report(session).credit,
        feeds=feed_links(f"Quotes in {layer.name}", {"layer": layer.id}),
        layer=layer,
        quotes_by_theme=quotes_by_theme,
    )


def _page(
    template: str, *, feeds: list[dict[str, str]] | None = None, **context: Any
) -> HTMLResponse:
    """Render a page with the feed discovery links every page carries (all quotes, and any
    narrower feed the page offers first)."""
    feeds = (feeds or []) + feed_links(ALL_QUOTES)
    return HTMLResponse(render_template(template, feeds=feeds, **context))


def _quotes(session: Session, filters: QuoteFilters) -> list[schemas.Quote]:
    """Every quote meeting the filters, in report order."""
    return list(
        quote_queries.iter_quotes(session, quote_queries.quote_conditions(session, filters))
    )


def _insights_report(session: Session) -> schemas.Report:
    """The insights report, whose credit line and summary the pages show."""
    reports = [r for r in catalogue.read_reports(session) if r.kind == "insights-report"]
    return found(reports[0] if reports else None, "report", "insights-report")
