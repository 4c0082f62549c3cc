"""Discovery for crawlers: the sitemap (or sitemap index), its numbered files and robots.txt."""

from typing import Annotated, Any

from fastapi import Path
from fastapi.responses import PlainTextResponse, Response

from app.deps import SessionDep, api_router
from app.errors import NON_JSON_PROBLEMS, NotFound
from app.queries import sitemap as queries
from app.render import sitemap as render

router = api_router(tags=["discovery"], responses=NON_JSON_PROBLEMS)
XML: dict[int | str, dict[str, Any]] = {
    200: {"content": {render.MEDIA_TYPE: {"schema": {"type": "string"}}}}
}
FileNumber = Annotated[int, Path(ge=1, le=1_000_000, description="The file's number, from 1.")]


@router.get("/sitemap.xml", response_class=Response, summary="The sitemap", responses=XML)
def get_sitemap(session: SessionDep) -> Response:
    """Every HTML page with its report's date (sitemaps.org); past 50,000 pages, a sitemap
    index of `/sitemaps/{number}.xml`."""
    pages = queries.count_sitemap_pages(session)
    if pages > render.MAX_URLS:
        body = render.sitemap_index(render.file_count(pages), queries.newest_lastmod(session))
    else:
        body = render.urlset(queries.read_sitemap_pages(session, offset=0, limit=render.MAX_URLS))
    return Response(body, media_type=render.MEDIA_TYPE)


@router.get(
    "/sitemaps/{number}.xml", response_class=Response, summary="A sitemap file", responses=XML
)
def get_sitemap_file(session: SessionDep, number: FileNumber) -> Response:
    """One file of the sitemap index: at most 50,000 pages, in sitemap order."""
    if number > render.file_count(queries.count_sitemap_pages(session)):
        raise NotFound(f"There is no sitemap file {number}.")
    offset = (number - 1) * render.MAX_URLS
    entries = queries.read_sitemap_pages(session, offset=offset, limit=render.MAX_URLS)
    return Response(render.urlset(entries), media_type=render.MEDIA_TYPE)


@router.get("/robots.txt", response_class=PlainTextResponse, summary="robots.txt")
def get_robots_txt() -> PlainTextResponse:
    """Every path may be crawled; the sitemap's absolute URL."""
    return PlainTextResponse(render.robots_txt())
