"""Ranked full-text search across quotes, themes and layers."""

from dataclasses import asdict
from typing import Annotated

from fastapi import Query, Request, Response
from pydantic import BaseModel, Field

from app import schemas, urls
from app.deps import SessionDep, api_router, next_link
from app.params import Filter
from app.queries.search import search

router = api_router(prefix="/v1", tags=["search"])
MAX_OFFSET = 1000


class SearchParams(BaseModel):
    """What to search for and which page of hits."""

    q: str = Field(
        max_length=1000,
        description='Words (all required), "quoted phrases" and prefix* words; operators and '
        "punctuation are ignored.",
    )
    limit: int = Field(default=20, ge=1, le=100, description="Hits per page, 1 to 100.")
    cursor: str | None = Field(
        default=None, pattern=r"^[0-9]{1,3}$", description="`next_cursor` of the previous page."
    )
    report: Filter = Field(
        default=[],
        description="Report ids (repeatable; OR): only their quotes and themes, and the layers "
        "they print.",
    )


@router.get("/search", response_model=schemas.Page[schemas.SearchHit])
def search_everything(
    session: SessionDep,
    request: Request,
    response: Response,
    params: Annotated[SearchParams, Query()],
) -> schemas.Page[schemas.SearchHit]:
    """Search quotes, themes and layers at once, best matches first."""
    offset = _offset(params.cursor)
    hits = search(session, params.q, reports=params.report, limit=params.limit + 1, offset=offset)
    next_cursor = None
    if len(hits) > params.limit and offset + params.limit < MAX_OFFSET:
        hits, next_cursor = hits[: params.limit], str(offset + params.limit)
        response.headers["Link"] = next_link(request, next_cursor)
    items = [
        schemas.SearchHit(**asdict(hit), url=urls.api_object(hit.type, hit.id))
        for hit in hits[: params.limit]
    ]
    return schemas.Page(items=items, next_cursor=next_cursor)


def _offset(cursor: str | None) -> int:
    """Ranked hits page by offset: the cursor is the number of hits already seen."""
    if cursor is None:
        return 0
    return int(cursor)  # the parameter's pattern bounds it below MAX_OFFSET
