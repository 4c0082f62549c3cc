"""Cross-tabulations of quotes for analysts."""

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response

from app import schemas
from app.config import get_settings
from app.deps import SessionDep, api_router
from app.http.negotiation import preferred_format
from app.params import CrosstabParams
from app.queries.dimensions import crosstab
from app.render.tabular import CSV_MEDIA_TYPE, crosstab_csv

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


def _max_cells() -> int:
    return get_settings().max_crosstab_cells


def _csv(table: schemas.Crosstab, *, vary: bool) -> Response:
    filename = f"crosstab-{table.rows_dimension}-by-{table.cols_dimension}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if vary:
        headers["Vary"] = "Accept"
    return Response(crosstab_csv(table), media_type=CSV_MEDIA_TYPE, headers=headers)
