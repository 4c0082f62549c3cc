"""Reports, layers, themes, stakeholder types, interviews and tags: small lists and their items.

These lists are short (tens of rows), so each comes whole, in the list envelope, with
`next_cursor` null.
"""

from typing import Annotated

from fastapi import Query

from app import schemas
from app.deps import ObjectId, SessionDep, api_router, found
from app.params import Filter
from app.queries import catalogue as queries
from app.queries.quotes import check_ids_exist

router = api_router(prefix="/v1")
ReportFilter = Annotated[Filter, Query(description="Report ids (repeatable; OR).")]


@router.get("/reports", tags=["reports"], response_model=schemas.Page[schemas.Report])
def list_reports(session: SessionDep) -> schemas.Page[schemas.Report]:
    """List the source documents."""
    return schemas.Page(items=queries.read_reports(session), next_cursor=None)


@router.get("/reports/{report_id}", tags=["reports"], response_model=schemas.ReportDetail)
def get_report(session: SessionDep, report_id: ObjectId) -> schemas.ReportDetail:
    """One source document, with methodology, sections and named statements, and the facts it
    prints as data: sponsors, the methodology's caveats, the conclusion, what others say of it."""
    return found(queries.read_report(session, report_id), "report", report_id)


@router.get("/layers", tags=["layers"], response_model=schemas.Page[schemas.Layer])
def list_layers(session: SessionDep) -> schemas.Page[schemas.Layer]:
    """List the four iceberg layers from the tip down."""
    return schemas.Page(items=queries.read_layers(session), next_cursor=None)


@router.get("/layers/{layer_id}", tags=["layers"], response_model=schemas.LayerDetail)
def get_layer(session: SessionDep, layer_id: ObjectId) -> schemas.LayerDetail:
    """One layer with its themes."""
    return found(queries.read_layer(session, layer_id), "layer", layer_id)


@router.get("/themes", tags=["themes"], response_model=schemas.Page[schemas.Theme])
def list_themes(
    session: SessionDep,
    layer: Annotated[Filter, Query(description="Layer ids (repeatable; OR).")] = [],  # noqa: B006
    report: ReportFilter = [],  # noqa: B006
) -> schemas.Page[schemas.Theme]:
    """List the themes in report order (newest report first), optionally of some layers or
    reports."""
    check_ids_exist(
        session, {name: ids for name, ids in (("layer", layer), ("report", report)) if ids}
    )
    themes = queries.read_themes(session, layers=layer, reports=report)
    return schemas.Page(items=themes, next_cursor=None)


@router.get("/themes/{theme_id}", tags=["themes"], response_model=schemas.Theme)
def get_theme(session: SessionDep, theme_id: ObjectId) -> schemas.Theme:
    """One theme."""
    themes = queries.read_themes(session, theme_id=theme_id)
    return found(themes[0] if themes else None, "theme", theme_id)


@router.get(
    "/stakeholder-types",
    tags=["stakeholders"],
    response_model=schemas.Page[schemas.StakeholderType],
)
def list_stakeholder_types(session: SessionDep) -> schemas.Page[schemas.StakeholderType]:
    """List the stakeholder taxonomy; counts include sub-types."""
    return schemas.Page(items=queries.read_stakeholder_types(session), next_cursor=None)


@router.get(
    "/stakeholder-types/{type_id}",
    tags=["stakeholders"],
    response_model=schemas.StakeholderTypeDetail,
)
def get_stakeholder_type(
    session: SessionDep,
    type_id: ObjectId,
    report: ReportFilter = [],  # noqa: B006
) -> schemas.StakeholderTypeDetail:
    """One stakeholder type, its parent and sub-types, and its quotes by layer and theme (in
    some reports' quotes with `report`)."""
    check_ids_exist(session, {"report": report} if report else {})
    detail = queries.read_stakeholder_type(session, type_id, report)
    return found(detail, "stakeholder type", type_id)


@router.get("/interviews", tags=["stakeholders"], response_model=schemas.Page[schemas.Interview])
def list_interviews(
    session: SessionDep,
    report: ReportFilter = [],  # noqa: B006
) -> schemas.Page[schemas.Interview]:
    """List the anonymised interviews, by report (newest first), each report's in order of
    first appearance."""
    check_ids_exist(session, {"report": report} if report else {})
    return schemas.Page(items=queries.read_interviews(session, reports=report), next_cursor=None)


@router.get("/interviews/{interview_id}", tags=["stakeholders"], response_model=schemas.Interview)
def get_interview(session: SessionDep, interview_id: ObjectId) -> schemas.Interview:
    """One anonymised interview."""
    interviews = queries.read_interviews(session, interview_id)
    return found(interviews[0] if interviews else None, "interview", interview_id)


@router.get("/tags", tags=["tags"], response_model=schemas.Page[schemas.Tag])
def list_tags(session: SessionDep) -> schemas.Page[schemas.Tag]:
    """List the curated tags with their quote counts."""
    return schemas.Page(items=queries.read_tags(session), next_cursor=None)


@router.get("/tags/{tag_id}", tags=["tags"], response_model=schemas.Tag)
def get_tag(session: SessionDep, tag_id: ObjectId) -> schemas.Tag:
    """One tag."""
    tags = queries.read_tags(session, tag_id)
    return found(tags[0] if tags else None, "tag", tag_id)
