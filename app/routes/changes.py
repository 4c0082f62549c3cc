"""The change history: every change of every load, the change sets, and their Atom feed."""

from typing import Annotated

from fastapi import Query, Request, Response

from app import schemas
from app.deps import SessionDep, api_router, next_link
from app.params import ChangeListParams, ChangeSetListParams
from app.queries import changes as queries
from app.render import change_feed
from app.render.feeds import FeedFormat
from app.routes.feeds import xml_responses

router = api_router(tags=["changes"])


@router.get("/v1/changes", response_model=schemas.Page[schemas.Change])
def list_changes(
    session: SessionDep,
    request: Request,
    response: Response,
    params: Annotated[ChangeListParams, Query()],
) -> schemas.Page[schemas.Change]:
    """List what the loads changed, one object per item, newest load first, paged by cursor.

    Within a load, changes are by object type (reports first, quotes last), then by id.
    """
    page = queries.read_changes(session, params)
    if page.next_cursor is not None:
        response.headers["Link"] = next_link(request, page.next_cursor)
    return page


@router.get("/v1/change-sets", response_model=schemas.Page[schemas.ChangeSet])
def list_change_sets(
    session: SessionDep,
    request: Request,
    response: Response,
    params: Annotated[ChangeSetListParams, Query()],
) -> schemas.Page[schemas.ChangeSet]:
    """List the loads that changed something, newest first, with counts per object type."""
    page = queries.read_change_sets(session, params)
    if page.next_cursor is not None:
        response.headers["Link"] = next_link(request, page.next_cursor)
    return page


@router.get(
    change_feed.FEED_PATH,
    response_class=Response,
    responses=xml_responses(FeedFormat.atom, "Atom 1.0"),
)
def changes_atom_feed(session: SessionDep) -> Response:
    """The change sets as an Atom 1.0 feed (`application/atom+xml`), newest first, at most 50.

    Each entry lists the first 100 changes of its load and links to the rest.
    """
    sets = queries.read_change_feed(
        session, sets=change_feed.MAX_SETS, changes_per_set=change_feed.MAX_CHANGES
    )
    return Response(change_feed.change_feed(sets), media_type=FeedFormat.atom.media_type)
