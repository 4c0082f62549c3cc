"""Text for language models: /llms.txt, and every quote as Markdown (all, or one report's)."""

from collections.abc import Iterator

from fastapi import Request
from fastapi.responses import Response, StreamingResponse

from app import schemas
from app.deps import ObjectId, SessionDep, api_router, found
from app.errors import NON_JSON_PROBLEMS
from app.params import QuoteFilters
from app.queries import catalogue
from app.queries.quotes import quote_conditions
from app.render.llms import llms_txt, quotes_markdown
from app.routes.exports import stream_quotes

router = api_router(tags=["text for language models"], responses=NON_JSON_PROBLEMS)
TEXT_MEDIA_TYPE = "text/plain; charset=utf-8"


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
