"""Cross-tabulations and co-occurrences of quotes for analysts."""

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response

from app import schemas
from app.config import get_settings
from app.deps import SessionDep, api_router, download
from app.http.negotiation import preferred_format
from app.params import CooccurrenceParams, CrosstabParams
from app.queries.cooccurrence import cooccurrence
from app.queries.dimensions import crosstab
from app.render.tabular import CSV_MEDIA_TYPE, cooccurrence_csv, crosstab_csv
from app.render.xlsx import XLSX_MEDIA_TYPE, crosstab_workbook

router = api_router(prefix="/v1/stats", tags=["analysis"])

CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}}
}


@router.get("/crosstab", response_model=schemas.Crosstab, responses=CSV_RESPONSE)
def get_crosstab(
    session: SessionDep, request: Request, params: Annotated[CrosstabParams, Query()]
) -> schemas.Crosstab | Response:
    """Quote counts by two dimensions under any filters; CSV with `Accept: text/csv`."""
    table = crosstab(session, params, params.rows, params.cols, _max_cells())
    if preferred_format(request.headers.get("accept", "")) == "text/csv":
        return _csv(table, vary=True)
    return Response(
        table.model_dump_json(), media_type="application/json", headers={"Vary": "Accept"}
    )


@router.get("/crosstab.csv", response_class=Response, responses=CSV_RESPONSE)
def get_crosstab_csv(session: SessionDep, params: Annotated[CrosstabParams, Query()]) -> Response:
    """The cross-tab as CSV, for spreadsheets."""
    return _csv(crosstab(session, params, params.rows, params.cols, _max_cells()), vary=False)


@router.get("/cooccurrence", response_model=schemas.Cooccurrence, responses=CSV_RESPONSE)
def get_cooccurrence(
    session: SessionDep, request: Request, params: Annotated[CooccurrenceParams, Query()]
) -> schemas.Cooccurrence | Response:
    """Which values of a dimension appear together (two tags on one quote, two themes in one
    interview, two stakeholder types on one theme), and in how many units, under any filters;
    CSV with `Accept: text/csv`."""
    table = cooccurrence(session, params, _max_cells())
    if preferred_format(request.headers.get("accept", "")) == "text/csv":
        return _cooccurrence_csv(table, vary=True)
    return Response(
        table.model_dump_json(), media_type="application/json", headers={"Vary": "Accept"}
    )


@router.get("/cooccurrence.csv", response_class=Response, responses=CSV_RESPONSE)
def get_cooccurrence_csv(
    session: SessionDep, params: Annotated[CooccurrenceParams, Query()]
) -> Response:
    """The co-occurring pairs as CSV, for spreadsheets."""
    return _cooccurrence_csv(cooccurrence(session, params, _max_cells()), vary=False)


@router.get(
    "/crosstab.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string"}}}}},
)
def get_crosstab_xlsx(session: SessionDep, params: Annotated[CrosstabParams, Query()]) -> Response:
    """The cross-tab as an Excel workbook: the CSV's layout, frozen header row and label column."""
    table = crosstab(session, params, params.rows, params.cols, _max_cells())
    filename = f"crosstab-{table.rows_dimension}-by-{table.cols_dimension}.xlsx"
    return download(crosstab_workbook(table), XLSX_MEDIA_TYPE, filename)


def _cooccurrence_csv(table: schemas.Cooccurrence, *, vary: bool) -> Response:
    filename = f"cooccurrence-{table.dimension}-within-{table.within}.csv"
    return download(cooccurrence_csv(table), CSV_MEDIA_TYPE, filename, vary=vary)


def _max_cells() -> int:
    return get_settings().max_crosstab_cells


def _csv(table: schemas.Crosstab, *, vary: bool) -> Response:
    filename = f"crosstab-{table.rows_dimension}-by-{table.cols_dimension}.csv"
    return download(crosstab_csv(table), CSV_MEDIA_TYPE, filename, vary=vary)
