"""The data version, counts and credit; the readiness probe."""

from datetime import UTC

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app import schemas
from app.queries.catalogue import object_counts, report_counts
from app.queries.snapshot import snapshot
from app.queries.tables import dataset_state, report

NOT_LOADED = "not-loaded"


def read_meta(session: Session) -> schemas.Meta:
    """Data version, load time, counts and the credit line of the insights reports: counted
    once per data version (a load that changes nothing keeps the version and the load time)."""
    return snapshot(session).memo("meta", lambda: _count_meta(session))


def _count_meta(session: Session) -> schemas.Meta:
    state = session.execute(select(dataset_state)).first()
    credits = session.execute(
        select(report.c.credit)
        .where(report.c.kind == "insights-report")
        .order_by(report.c.published_on, report.c.id)
    ).scalars()
    return schemas.Meta(
        data_version=state.data_version if state else NOT_LOADED,
        # SQLite keeps no time zone; every load time is written in UTC.
        loaded_at=state.loaded_at.replace(tzinfo=UTC) if state else None,
        counts=object_counts(session),
        reports=report_counts(session),
        credit=" ".join(credits),
    )


def ping(session: Session) -> None:
    """Raise if the database does not answer."""
    session.execute(text("SELECT 1"))
