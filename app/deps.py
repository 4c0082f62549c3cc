"""Dependencies shared by the routes."""

from typing import Annotated, TypeVar

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from app import urls
from app.db import get_session
from app.errors import NotFound

SessionDep = Annotated[Session, Depends(get_session)]
ObjectId = Annotated[str, Path(max_length=200, description="Stable identifier of the object.")]

T = TypeVar("T")


def found(value: T | None, kind: str, object_id: str) -> T:
    """`value`, or a 404 naming the kind and id that were not found."""
    if value is None:
        raise NotFound(f"There is no {kind} with id {object_id!r}.")
    return value


def next_link(request: Request, cursor: str) -> str:
    """The `Link` header of the next page: this request's URL with `cursor`, under the base URL."""
    query = request.url.include_query_params(cursor=cursor).query
    return f'<{urls.with_query(request.url.path, query)}>; rel="next"'
