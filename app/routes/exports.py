"""Whole-list exports: CSV, NDJSON and XLSX of the quotes, a case-by-code matrix, and a REFI-QDA
project of the reports and its codebook."""

from collections.abc import Callable, Iterator
from itertools import chain
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from app import schemas
from app.config import get_settings
from app.deps import SessionDep, api_router, download
from app.errors import NotFound
from app.params import CaseCodeParams, Dimension, Filter, QuoteFilters
from app.queries.dimensions import crosstab
from app.queries.errors import InvalidQuery
from app.queries.exports import qdc_codebook, qdpx_project
from app.queries.quotes import (
    count_quotes,
    iter_quotes,
    quote_batches,
    quote_conditions,
)
from app.render.qdc import QDC_MEDIA_TYPE, codebook_xml
from app.render.qdpx import QDPX_MEDIA_TYPE, archive_file_name, build_qdpx
from app.render.tabular import (
    BOM,
    CSV_MEDIA_TYPE,
    NDJSON_MEDIA_TYPE,
    QUOTE_COLUMNS,
    case_code_matrix_csv,
    csv_lines,
    quote_row,
)
from app.render.xlsx import XLSX_MEDIA_TYPE, quotes_workbook

router = api_router(tags=["exports"])


@router.get(
    "/v1/quotes.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export_quotes_csv(
    session: SessionDep, request: Request, filters: Annotated[QuoteFilters, Query()]
) -> StreamingResponse:
    """Every quote matching the filters as CSV (UTF-8 with BOM, one header row), streamed."""

    def lines(quotes: Iterator[schemas.Quote]) -> Iterator[bytes]:
        yield (BOM + "".join(csv_lines([QUOTE_COLUMNS]))).encode()
        for line in csv_lines(quote_row(quote) for quote in quotes):
            yield line.encode()

    return StreamingResponse(
        stream_quotes(request, session, quote_conditions(session, filters), lines),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": 'attachment; filename="quotes.csv"'},
    )


@router.get(
    "/v1/quotes.ndjson",
    response_class=StreamingResponse,
    responses={200: {"content": {NDJSON_MEDIA_TYPE: {"schema": {"type": "string"}}}}},
)
def export_quotes_ndjson(
    session: SessionDep, request: Request, filters: Annotated[QuoteFilters, Query()]
) -> StreamingResponse:
    """Every quote matching the filters, one JSON object per line (as `/v1/quotes`), streamed."""

    def lines(quotes: Iterator[schemas.Quote]) -> Iterator[bytes]:
        return (quote.model_dump_json().encode() + b"\n" for quote in quotes)

    return StreamingResponse(
        stream_quotes(request, session, quote_conditions(session, filters), lines),
        media_type=NDJSON_MEDIA_TYPE,
    )


def stream_quotes(
    request: Request,
    request_session: Session,
    conditions: list[ColumnElement[bool]],
    encode: Callable[[Iterator[schemas.Quote]], Iterator[bytes]],
) -> Iterator[bytes]:
    """The rendered quotes, read a batch at a time, each on a short-lived connection.

    The first batch is read before the response starts, so a down database or an exhausted
    pool is a 503 problem, not a 200 cut off at the first byte; the request's own session is
    released first, so that one request never holds two connections.
    """
    request_session.close()
    batches = quote_batches(request.app.state.engine, conditions)
    first = next(batches)
    return encode(chain(first, chain.from_iterable(batches)))


@router.get(
    "/v1/quotes.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string"}}}}},
)
def export_quotes_xlsx(session: SessionDep, filters: Annotated[QuoteFilters, Query()]) -> Response:
    """Every quote matching the filters as an Excel workbook: the CSV's columns, a frozen
    header row, widths and wrapped text; at most MAX_XLSX_QUOTES quotes."""
    most = get_settings().max_xlsx_quotes
    conditions = quote_conditions(session, filters)
    if count_quotes(session, conditions, most) > most:
        # No one parameter is at fault: the filters together match too many.
        raise InvalidQuery.of(
            "",
            f"More than {most} quotes match (MAX_XLSX_QUOTES): narrow the filters, or take "
            "/v1/quotes.csv or /v1/quotes.ndjson, which stream any number.",
            kind="too_many_quotes",
        )
    return download(
        quotes_workbook(iter_quotes(session, conditions)), XLSX_MEDIA_TYPE, "quotes.xlsx"
    )


@router.get(
    "/v1/exports/case-code-matrix.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export_case_code_matrix(
    session: SessionDep, params: Annotated[CaseCodeParams, Query()]
) -> Response:
    """Interviews (the cases) by codes (themes or tags): each cell the interview's quotes with
    the code under the filters, or 1 and 0 with `binary=true`; every interview a row, every code
    a column by id, ready for R and Excel."""
    codes = Dimension(params.codes)
    table = crosstab(session, params, Dimension.interview, codes, get_settings().max_crosstab_cells)
    name = f"case-code-matrix-{params.codes}{'-binary' if params.binary else ''}.csv"
    return download(case_code_matrix_csv(table, binary=params.binary), CSV_MEDIA_TYPE, name)


@router.get(
    "/v1/exports/refi-qda.qdpx",
    response_class=Response,
    responses={200: {"content": {QDPX_MEDIA_TYPE: {"schema": {"type": "string"}}}}},
)
def export_refi_qda(
    session: SessionDep,
    filters: Annotated[QuoteFilters, Query()],
    case_codes: Annotated[
        bool,
        Query(
            description="Also make each interview a code over its quotes, carrying its case's "
            "GUID: the form QualCoder links cases to text from (it turns those codes into case "
            "links on import). Other tools show them as codes named `Case: ...`."
        ),
    ] = False,
) -> Response:
    """Every report with a full text (or those `report` names) as one REFI-QDA project, a text
    source per report: NVivo, ATLAS.ti, MAXQDA and QualCoder open it already coded. The quote
    list's other filters export just the quotes they match, with their reports and interviews."""
    project = qdpx_project(session, filters, case_codes=case_codes)
    if project is None:
        raise NotFound("No report to export has a full text and a quote matching the filters.")
    return download(build_qdpx(project), QDPX_MEDIA_TYPE, archive_file_name(project))


@router.get(
    "/v1/exports/refi-qda.qdc",
    response_class=Response,
    responses={200: {"content": {QDC_MEDIA_TYPE: {"schema": {"type": "string"}}}}},
)
def export_refi_qda_codebook(
    session: SessionDep,
    report: Annotated[
        Filter,
        Query(description="Ids of the reports whose themes to include (repeatable); default all."),
    ] = [],  # noqa: B006
) -> Response:
    """The REFI-QDA codebook: layers as folders over their themes (the project export's codes,
    same GUIDs), and the tags as a second tree, a folder per kind; import it before any text."""
    codebook = codebook_xml(qdc_codebook(session, report))
    return download(codebook, QDC_MEDIA_TYPE, "insights-codebook.qdc")
