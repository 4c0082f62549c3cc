"""The data version and health probes."""

from app import schemas
from app.deps import SessionDep, api_router
from app.queries import meta as queries

router = api_router(tags=["meta"])


@router.get("/v1/meta", response_model=schemas.Meta)
def get_meta(session: SessionDep) -> schemas.Meta:
    """The data version, when it was loaded, counts per object type and the credit line."""
    return queries.read_meta(session)


@router.get("/healthz", response_model=schemas.Health)
def healthz() -> schemas.Health:
    """Liveness: the process answers (the database is not consulted)."""
    return schemas.Health(status="ok")


@router.get("/readyz", response_model=schemas.Health)
def readyz(session: SessionDep) -> schemas.Health:
    """Readiness: the database answers; a 503 problem otherwise."""
    queries.ping(session)
    return schemas.Health(status="ok")
