"""Text for language models: /llms.txt, every quote as Markdown (all, or one report's), and the
Markdown versions of the home, report, quote, theme and layer pages.

The Markdown pages are declared here, before the HTML pages' routes, which would otherwise take
`cgt-2026-q07.md` for an id.
"""

from collections.abc import Iterator

from fastapi import Request
from fastapi.responses import Response, StreamingResponse

from app import schemas
from app.config import get_settings
from app.deps import ObjectId, SessionDep, api_router, found
from app.errors import NON_JSON_PROBLEMS
from app.params import QuoteFilters
from app.queries import catalogue
from app.queries.quotes import first_quotes, quote_conditions, read_quote
from app.render import llms as render
from app.render.llms import llms_txt, quotes_markdown
from app.routes.exports import stream_quotes

router = api_router(tags=["text for language models"], responses=NON_JSON_PROBLEMS)
TEXT_MEDIA_TYPE = "text/plain; charset=utf-8"
MARKDOWN_MEDIA_TYPE = "text/markdown; charset=utf-8"


@router.get("/llms.txt", response_class=Response, summary="llms.txt")
def get_llms_txt(session: SessionDep) -> Response:
    """What this is, the reports, and the key endpoints and pages, with links (llmstxt.org)."""
    body = llms_txt(catalogue.read_reports(session), catalogue.read_layers(session))
    return Response(body, media_type=TEXT_MEDIA_TYPE)


@router.get("/llms-full.txt", response_class=StreamingResponse, summary="Every quote as Markdown")
def get_llms_full(session: SessionDep, request: Request) -> StreamingResponse:
    """Every report's quotes as Markdown, grouped by report, layer and theme, verbatim, with
    attributions and permalinks; streamed."""
    return _markdown(session, request, QuoteFilters())


@router.get(
    "/reports/{report_id}/llms-full.txt",
    response_class=StreamingResponse,
    summary="A report's quotes as Markdown",
)
def get_report_llms_full(
    session: SessionDep, request: Request, report_id: ObjectId
) -> StreamingResponse:
    """One report's quotes as Markdown, as /llms-full.txt gives them; streamed."""
    reports = catalogue.read_reports(session, report_id)
    found(reports[0] if reports else None, "report", report_id)
    return _markdown(session, request, QuoteFilters(report=[report_id]))


def _markdown(session: SessionDep, request: Request, filters: QuoteFilters) -> StreamingResponse:
    credits = {report.id: report.credit for report in catalogue.read_reports(session)}

    def encode(quotes: Iterator[schemas.Quote]) -> Iterator[bytes]:
        return (chunk.encode() for chunk in quotes_markdown(quotes, credits))

    conditions = quote_conditions(session, filters)
    return StreamingResponse(
        stream_quotes(request, session, conditions, encode), media_type=TEXT_MEDIA_TYPE
    )


@router.get("/index.md", response_class=Response, summary="The home page as Markdown")
def get_home_markdown(session: SessionDep) -> Response:
    """The home page as Markdown: the newest insights report's layers and themes, and the
    series of reports."""
    return home_markdown(session)


def home_markdown(session: SessionDep) -> Response:
    """The home page's Markdown (also what `/` answers an Accept that prefers it)."""
    series = catalogue.read_reports(session)
    newest = next((report for report in series if report.kind == "insights-report"), None)
    report = found(
        catalogue.read_report(session, newest.id) if newest else None, "report", "insights-report"
    )
    return _markdown_page(render.report_page(report, series))


@router.get("/reports/{report_id}.md", response_class=Response, summary="A report as Markdown")
def get_report_markdown(session: SessionDep, report_id: ObjectId) -> Response:
    """A report's page as Markdown: what it is, its layers and themes, its credit line."""
    return report_markdown(session, report_id)


def report_markdown(session: SessionDep, report_id: str) -> Response:
    """A report page's Markdown."""
    report = found(catalogue.read_report(session, report_id), "report", report_id)
    return _markdown_page(render.report_page(report, []))


@router.get("/quotes/{quote_id}.md", response_class=Response, summary="A quote as Markdown")
def get_quote_markdown(session: SessionDep, quote_id: ObjectId) -> Response:
    """A quote's permalink page as Markdown: the quote verbatim, its facts and credit line."""
    return quote_markdown(session, quote_id)


def quote_markdown(session: SessionDep, quote_id: str) -> Response:
    """A quote page's Markdown."""
    quote = found(read_quote(session, quote_id), "quote", quote_id)
    return _markdown_page(render.quote_page(quote, _credit(session, quote.report.id)))


@router.get("/themes/{theme_id}.md", response_class=Response, summary="A theme as Markdown")
def get_theme_markdown(session: SessionDep, theme_id: ObjectId) -> Response:
    """A theme's page as Markdown: its summary and its first quotes (HTML_PAGE_QUOTES)."""
    return theme_markdown(session, theme_id)


def theme_markdown(session: SessionDep, theme_id: str) -> Response:
    """A theme page's Markdown."""
    themes = catalogue.read_themes(session, theme_id=theme_id)
    theme = found(themes[0] if themes else None, "theme", theme_id)
    quotes = _first_quotes(session, QuoteFilters(theme=[theme.id]))
    return _markdown_page(render.theme_page(theme, quotes, _credit(session, theme.report.id)))


@router.get("/layers/{layer_id}.md", response_class=Response, summary="A layer as Markdown")
def get_layer_markdown(session: SessionDep, layer_id: ObjectId) -> Response:
    """A layer's page as Markdown: its text, its themes and its first quotes."""
    return layer_markdown(session, layer_id)


def layer_markdown(session: SessionDep, layer_id: str) -> Response:
    """A layer page's Markdown."""
    layer = found(catalogue.read_layer(session, layer_id), "layer", layer_id)
    quotes = _first_quotes(session, QuoteFilters(layer=[layer.id]))
    credit = _credit(session, layer.reports[0].report.id) if layer.reports else ""
    return _markdown_page(render.layer_page(layer, quotes, credit))


def _first_quotes(session: SessionDep, filters: QuoteFilters) -> list[schemas.Quote]:
    return first_quotes(session, filters, get_settings().html_page_quotes)


def _credit(session: SessionDep, report_id: str) -> str:
    reports = catalogue.read_reports(session, report_id)
    return reports[0].credit if reports else ""


def _markdown_page(body: str) -> Response:
    return Response(body, media_type=MARKDOWN_MEDIA_TYPE)
