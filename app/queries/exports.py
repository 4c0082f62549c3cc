"""What the exports hold: the REFI-QDA project of the reports, under the quote list's filters, and
the REFI-QDA codebook."""

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.params import QuoteFilters
from app.queries.quotes import check_ids_exist, quote_conditions
from app.queries.tables import (
    dataset_state,
    interview,
    layer,
    organisation_type,
    quote,
    report,
    report_layer,
    stakeholder_type,
    tag,
    theme,
)
from app.render.qdc import QdcCodebook, QdcTag
from app.render.qdpx import (
    QdpxInterview,
    QdpxLayer,
    QdpxProject,
    QdpxQuote,
    QdpxReport,
    QdpxTheme,
)

# Report order, as the API lists reports: newest first, then by id.
REPORT_ORDER = (report.c.published_on.desc(), report.c.id)


def qdpx_project(
    session: Session, filters: QuoteFilters | None = None, *, case_codes: bool = False
) -> QdpxProject | None:
    """The texts, codes, cases and coded quotes of every report with a full text, in report
    order, under the quote list's filters; None if no report to export has a text.

    `report` picks the reports; any other filter picks the quotes, and then only the reports
    and interviews of those quotes come along (each exported report keeps its whole codebook).
    `case_codes`: each interview also a code over its quotes, as QualCoder reads case links.

    Long because it reads the whole project for one archive: one short statement per part.
    """
    filters = filters or QuoteFilters()
    conditions = quote_conditions(session, filters)
    statement = select(report).where(report.c.full_text.is_not(None)).order_by(*REPORT_ORDER)
    if filters.report:
        statement = statement.where(report.c.id.in_(filters.report))
    narrowed = filters.model_copy(update={"report": []}) != QuoteFilters()
    if narrowed:
        statement = statement.where(report.c.id.in_(select(quote.c.report_id).where(*conditions)))
    reports = session.execute(statement).all()
    if not reports:
        return None
    ids = [row.id for row in reports]
    themes = _themes(session, ids)
    quotes = session.execute(
        select(quote)
        .where(quote.c.report_id.in_(ids), *conditions)
        .order_by(quote.c.seq, quote.c.id)
    ).all()
    interviews = interview.c.report_id.in_(ids)
    if narrowed:
        interviews = interview.c.id.in_({row.interview_id for row in quotes})
    return QdpxProject(
        reports=[QdpxReport(r.id, r.title, r.publisher, r.credit, r.full_text) for r in reports],
        layers=_layers(session, ids, {theme.layer_id for theme in themes}),
        themes=themes,
        interviews=_interviews(session, interviews),
        quotes=[
            QdpxQuote(
                r.id,
                r.report_id,
                r.theme_id,
                r.interview_id,
                r.start_offset,
                r.end_offset,
                r.text,
            )
            for r in quotes
        ],
        created_at=session.execute(select(dataset_state.c.loaded_at)).scalar_one(),
        case_codes=case_codes,
    )


def _themes(session: Session, report_ids: list[str]) -> list[QdpxTheme]:
    """The themes of the reports, in report order, each report's in its own order."""
    rows = session.execute(
        select(theme)
        .join(report, report.c.id == theme.c.report_id)
        .where(theme.c.report_id.in_(report_ids))
        .order_by(*REPORT_ORDER, theme.c.position, theme.c.id)
    ).all()
    return [QdpxTheme(r.id, r.report_id, r.title, r.summary, r.layer_id) for r in rows]


def _layers(session: Session, report_ids: list[str], layer_ids: set[str]) -> list[QdpxLayer]:
    """The layers the themes are in, from the tip down, each described by the newest report.

    A layer is one code shared by every report, but each report writes its own paragraph on it:
    the export takes the newest exported report's, as `/v1/layers/{id}` does, so that a project
    of the series reads as the API does and an older report's text never hides a newer one.
    """
    rows = session.execute(
        select(layer.c.id, layer.c.name, report_layer.c.description)
        .join(report_layer, report_layer.c.layer_id == layer.c.id)
        .join(report, report.c.id == report_layer.c.report_id)
        .where(layer.c.id.in_(layer_ids), report_layer.c.report_id.in_(report_ids))
        .order_by(layer.c.depth, *REPORT_ORDER)
    ).all()
    newest: dict[str, QdpxLayer] = {}
    for row in rows:
        newest.setdefault(row.id, QdpxLayer(row.id, row.name, row.description))
    return list(newest.values())


def _interviews(session: Session, condition: ColumnElement[bool]) -> list[QdpxInterview]:
    """The interviews meeting `condition`, in report order, each report's in its own order."""
    rows = session.execute(
        select(
            interview,
            organisation_type.c.name.label("organisation_type_name"),
            stakeholder_type.c.name.label("stakeholder_type_name"),
        )
        .join(report, report.c.id == interview.c.report_id)
        .outerjoin(organisation_type, organisation_type.c.id == interview.c.organisation_type_id)
        .join(stakeholder_type, stakeholder_type.c.id == interview.c.stakeholder_type_id)
        .where(condition)
        .order_by(*REPORT_ORDER, interview.c.position)
    ).all()
    return [
        QdpxInterview(
            r.id,
            r.report_id,
            r.attribution,
            r.role_title,
            r.organisation_type_name,
            r.stakeholder_type_name,
        )
        for r in rows
    ]


def qdc_codebook(session: Session, report_ids: list[str]) -> QdcCodebook:
    """The layers and themes of every report (or of `report_ids`), and every tag, for a
    codebook: the themes in report order, the tags by kind and name. An unknown report id is an
    InvalidQuery."""
    check_ids_exist(session, {"report": report_ids} if report_ids else {})
    reports = select(report.c.id)
    if report_ids:
        reports = reports.where(report.c.id.in_(report_ids))
    ids = list(session.execute(reports).scalars())
    themes = _themes(session, ids)
    tags = session.execute(select(tag).order_by(tag.c.kind, tag.c.name, tag.c.id)).all()
    return QdcCodebook(
        layers=_layers(session, ids, {theme.layer_id for theme in themes}),
        themes=themes,
        tags=[QdcTag(r.id, r.name, r.kind, r.description) for r in tags],
    )
