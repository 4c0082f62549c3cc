"""What the routes share: their route class, the session dependency, id and 404 helpers, and the
download response."""

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app import urls
from app.db import get_session
from app.errors import NotFound

SessionDep = Annotated[Session, Depends(get_session)]
ObjectId = Annotated[str, Path(max_length=200, description="Stable identifier of the object.")]

T = TypeVar("T")


class OneThreadHop(APIRoute):
    """A route whose sync endpoint costs one trip to the thread pool, not two.

    FastAPI runs a sync endpoint in its thread pool, then validates what it returned in the
    pool again; each trip is a hand-off between threads and a wait for the GIL, about as long
    as a cheap query. Wrapped in a coroutine that runs it in the pool, the endpoint is async to
    FastAPI, which then validates on the event loop: the validation of a model the endpoint
    built is an instance check, and the serialisation that follows ran on the loop anyway.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint) and not inspect.isgeneratorfunction(endpoint):
            endpoint = _in_thread_pool(endpoint)
        super().__init__(path, endpoint, **kwargs)


def _in_thread_pool(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """`endpoint` as a coroutine that runs it in the thread pool (signature and doc kept:
    FastAPI reads its parameters through `__wrapped__`)."""

    @functools.wraps(endpoint)
    async def run(*args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(endpoint, *args, **kwargs)

    return run


def api_router(**kwargs: Any) -> APIRouter:
    """An APIRouter of OneThreadHop routes: every router of the API is one."""
    return APIRouter(route_class=OneThreadHop, **kwargs)


def found(value: T | None, kind: str, object_id: str) -> T:
    """`value`, or a 404 naming the kind and id that were not found."""
    if value is None:
        raise NotFound(f"There is no {kind} with id {object_id!r}.")
    return value


def next_link(request: Request, cursor: str) -> str:
    """The `Link` header of the next page: this request's URL with `cursor`, under the base URL."""
    query = request.url.include_query_params(cursor=cursor).query
    return f'<{urls.with_query(request.url.path, query)}>; rel="next"'


def download(body: bytes | str, media_type: str, filename: str, *, vary: bool = False) -> Response:
    """A file to save as `filename` (`Vary: Accept` when the same URL also answers JSON)."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if vary:
        headers["Vary"] = "Accept"
    return Response(body, media_type=media_type, headers=headers)
