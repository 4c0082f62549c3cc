"""What the exports hold: the REFI-QDA project of a report."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.queries.tables import (
    dataset_state,
    interview,
    layer,
    organisation_type,
    quote,
    report,
    report_layer,
    stakeholder_type,
    theme,
)
from app.render.qdpx import QdpxInterview, QdpxLayer, QdpxProject, QdpxQuote, QdpxTheme

# The report a REFI-QDA export holds unless told otherwise.
DEFAULT_REPORT = "cgt-insights-2026"


def qdpx_project(session: Session, report_id: str) -> QdpxProject | None:
    """The report's text, codes, cases and coded quotes; None if it has no text.

    Long because it reads the whole project for one archive: one short statement per part.
    """
    found = session.execute(select(report).where(report.c.id == report_id)).first()
    if found is None or found.full_text is None:
        return None
    loaded_at = session.execute(select(dataset_state.c.loaded_at)).scalar_one()
    quotes = session.execute(
        select(quote).where(quote.c.report_id == report_id).order_by(quote.c.position)
    ).all()
    theme_ids = {row.theme_id for row in quotes}
    themes = session.execute(
        select(theme).where(theme.c.id.in_(theme_ids)).order_by(theme.c.position)
    ).all()
    layer_ids = {row.layer_id for row in themes}
    layers = session.execute(
        select(layer, report_layer.c.description)
        .join(report_layer, report_layer.c.layer_id == layer.c.id)
        .where(layer.c.id.in_(layer_ids), report_layer.c.report_id == report_id)
        .order_by(layer.c.depth)
    ).all()
    interviews = session.execute(
        select(
            interview,
            organisation_type.c.name.label("organisation_type_name"),
            stakeholder_type.c.name.label("stakeholder_type_name"),
        )
        .outerjoin(organisation_type, organisation_type.c.id == interview.c.organisation_type_id)
        .join(stakeholder_type, stakeholder_type.c.id == interview.c.stakeholder_type_id)
        .where(interview.c.report_id == report_id)
        .order_by(interview.c.position)
    ).all()
    return QdpxProject(
        report_id=found.id,
        report_title=found.title,
        report_text=found.full_text,
        credit=found.credit,
        layers=[QdpxLayer(r.id, r.name, r.description) for r in layers],
        themes=[QdpxTheme(r.id, r.title, r.summary, r.layer_id) for r in themes],
        interviews=[
            QdpxInterview(
                r.id,
                r.attribution,
                r.role_title,
                r.organisation_type_name,
                r.stakeholder_type_name,
            )
            for r in interviews
        ],
        quotes=[
            QdpxQuote(r.id, r.theme_id, r.interview_id, r.start_offset, r.end_offset, r.text)
            for r in quotes
        ],
        created_at=loaded_at,
    )
