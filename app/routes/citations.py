"""Citations of a quote or a report: CSL-JSON, BibTeX, RIS, or formatted in APA, Chicago
author-date or MLA (text or HTML), chosen by `format` or by `Accept`.

A citation names the day it was made (`accessed`, today in UTC), so it is cached until the next
UTC midnight, like the quote of the day, and never kept by the response cache.
"""

from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response
from fastapi.responses import JSONResponse

from app import schemas
from app.deps import ObjectId, SessionDep, api_router, found
from app.errors import NON_JSON_PROBLEMS
from app.http.negotiation import STYLE_MEDIA_TYPES, citation_format, negotiate
from app.queries import catalogue
from app.queries import quotes as quote_queries
from app.render.citation import DATA_MEDIA_TYPES, CitationFormat, csl_item, representation

router = api_router(tags=["citations"])


class CslJsonResponse(JSONResponse):
    """CSL-JSON: the media type the OpenAPI document lists the item under."""

    media_type = DATA_MEDIA_TYPES[CitationFormat.CSL_JSON]


TEXT = {"schema": {"type": "string"}}
RESPONSES: dict[int | str, dict[str, Any]] = {
    **NON_JSON_PROBLEMS,
    200: {
        "model": schemas.CslItem,
        "description": "The citation, in the format asked for.",
        "content": {
            DATA_MEDIA_TYPES[CitationFormat.BIBTEX]: TEXT,
            DATA_MEDIA_TYPES[CitationFormat.RIS]: TEXT,
            "text/plain": TEXT,
            "text/html": TEXT,
        },
    },
}
# Without `format`, the media type Accept prefers decides; text/plain and text/html are APA.
BY_MEDIA_TYPE = {media: form for form, media in DATA_MEDIA_TYPES.items()}
FormatQuery = Annotated[
    CitationFormat | None,
    Query(
        description="csl-json, bibtex, ris, apa, chicago-author-date or mla; default: what "
        "Accept prefers (CSL-JSON for `*/*`; text/plain or text/html is APA)."
    ),
]
OutputQuery = Annotated[
    Literal["text", "html"] | None,
    Query(
        description="For a style (apa, chicago-author-date, mla): `text` (text/plain) or `html` "
        "(text/html); default: what Accept prefers, text/plain when it says nothing. Without "
        "`format`, the style is APA."
    ),
]


@router.get(
    "/v1/quotes/{quote_id}/citation",
    summary="Cite a quote",
    response_class=CslJsonResponse,
    response_model=None,
    responses=RESPONSES,
)
def quote_citation(
    session: SessionDep,
    request: Request,
    quote_id: ObjectId,
    format: FormatQuery = None,
    output: OutputQuery = None,
) -> Response:
    """The report cited at the pages of the section that prints the quote, by the quote's
    permalink, with its attribution (the note) and `interview` (the note's genre)."""
    quote = found(quote_queries.read_quote(session, quote_id), "quote", quote_id)
    report = _report(session, quote.report.id)
    now = datetime.now(UTC)
    return _citation(request, now, csl_item(report, quote, accessed=now.date()), format, output)


@router.get(
    "/v1/reports/{report_id}/citation",
    summary="Cite a report",
    response_class=CslJsonResponse,
    response_model=None,
    responses=RESPONSES,
)
def report_citation(
    session: SessionDep,
    request: Request,
    report_id: ObjectId,
    format: FormatQuery = None,
    output: OutputQuery = None,
) -> Response:
    """A report: its title, its publisher as author, its month of publication, its page."""
    report = _report(session, report_id)
    now = datetime.now(UTC)
    return _citation(request, now, csl_item(report, accessed=now.date()), format, output)


def _report(session: SessionDep, report_id: str) -> schemas.Report:
    return found(next(iter(catalogue.read_reports(session, report_id)), None), "report", report_id)


def _citation(
    request: Request,
    now: datetime,
    item: schemas.CslItem,
    form: CitationFormat | None,
    output: Literal["text", "html"] | None,
) -> Response:
    """The item in the format asked for or negotiated, cached until the next UTC midnight (the
    item was made at `now`, so its access date is today's until then)."""
    accept = request.headers.get("accept", "")
    if form is None and output is not None:
        form = CitationFormat.APA  # `output` names a style's form: the default style's
    if form is None:
        media_type = citation_format(accept)
        form = BY_MEDIA_TYPE.get(media_type, CitationFormat.APA)
        if output is None and form is CitationFormat.APA:
            output = "html" if media_type == "text/html" else "text"
    if output is None:
        output = "html" if negotiate(accept, STYLE_MEDIA_TYPES) == "text/html" else "text"
    body, media_type = representation(item, form, html=output == "html")
    midnight = datetime.combine(now.date() + timedelta(days=1), time(), UTC)
    headers = {
        "Cache-Control": f"public, max-age={int((midnight - now).total_seconds())}",
        "Vary": "Accept",
    }
    return Response(body, media_type=media_type, headers=headers)
