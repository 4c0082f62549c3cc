"""Whole-list exports: CSV and NDJSON of the quotes, and a REFI-QDA project of the report."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from app.deps import SessionDep, found
from app.formats import BOM, CSV_MEDIA_TYPE, NDJSON_MEDIA_TYPE, QUOTE_COLUMNS, csv_lines, quote_row
from app.params import QuoteFilters
from app.qdpx import build_qdpx
from app.queries.exports import qdpx_project
from app.queries.quotes import iter_quotes, quote_conditions

router = APIRouter(tags=["exports"])

QDPX_MEDIA_TYPE = "application/vnd.refi-qda+zip"
DEFAULT_REPORT = "cgt-insights-2026"


@router.get(
    "/v1/quotes.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export_quotes_csv(
    session: SessionDep, filters: Annotated[QuoteFilters, Query()]
) -> StreamingResponse:
    """Every quote matching the filters as CSV (UTF-8 with BOM, one header row), streamed."""
    conditions = quote_conditions(session, filters)

    def lines() -> Iterator[str]:
        yield BOM
        yield from csv_lines([QUOTE_COLUMNS])
        yield from csv_lines(quote_row(quote) for quote in iter_quotes(session, conditions))

    return StreamingResponse(
        (line.encode() for line in lines()),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": 'attachment; filename="quotes.csv"'},
    )


@router.get(
    "/v1/quotes.ndjson",
    response_class=StreamingResponse,
    responses={200: {"content": {NDJSON_MEDIA_TYPE: {"schema": {"type": "string"}}}}},
)
def export_quotes_ndjson(
    session: SessionDep, filters: Annotated[QuoteFilters, Query()]
) -> StreamingResponse:
    """Every quote matching the filters, one JSON object per line (as `/v1/quotes`), streamed."""
    conditions = quote_conditions(session, filters)
    quotes = iter_quotes(session, conditions)
    return StreamingResponse(
        (quote.model_dump_json().encode() + b"\n" for quote in quotes),
        media_type=NDJSON_MEDIA_TYPE,
    )


@router.get(
    "/v1/exports/refi-qda.qdpx",
    response_class=Response,
    responses={200: {"content": {QDPX_MEDIA_TYPE: {"schema": {"type": "string"}}}}},
)
def export_refi_qda(session: SessionDep) -> Response:
    """The report as a REFI-QDA project: NVivo, ATLAS.ti and MAXQDA open it already coded."""
    return Response(
        qdpx_archive(session),
        media_type=QDPX_MEDIA_TYPE,
        headers={"Content-Disposition": 'attachment; filename="cgt-insights-2026.qdpx"'},
    )


def qdpx_archive(session: Session, report_id: str = DEFAULT_REPORT) -> bytes:
    """The .qdpx bytes of a report (404 if it has no full text)."""
    return build_qdpx(found(qdpx_project(session, report_id), "coded report", report_id))
