"""Share cards: the PNG each quote, theme, layer and report page names as its `og:image`."""

from enum import StrEnum
from typing import Annotated, Any

from fastapi import Path, Response
from sqlalchemy.orm import Session

from app import schemas
from app.deps import ObjectId, SessionDep, api_router, found
from app.errors import NON_JSON_PROBLEMS
from app.queries import catalogue
from app.queries import quotes as quote_queries
from app.render import share

router = api_router(tags=["pages"], responses=NON_JSON_PROBLEMS)
PNG: dict[int | str, dict[str, Any]] = {
    200: {
        "description": f"A {share.WIDTH}×{share.HEIGHT} PNG.",
        "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
    }
}


class ShareKind(StrEnum):
    """The kinds of page that have a share card."""

    quote = "quote"
    theme = "theme"
    layer = "layer"
    report = "report"


KindPath = Annotated[
    ShareKind, Path(description="The kind of page: `quote`, `theme`, `layer` or `report`.")
]


@router.get(
    "/share/{kind}/{object_id}.png",
    response_class=Response,
    summary="A page's share card",
    responses=PNG,
)
def share_card(session: SessionDep, kind: KindPath, object_id: ObjectId) -> Response:
    """The 1200×630 PNG a quote's, theme's, layer's or report's page shows when shared: the
    quote (or the title and summary), the attribution and the report's title."""
    return Response(share.render_png(card_of(session, kind, object_id)), media_type="image/png")


def card_of(session: Session, kind: ShareKind, object_id: str) -> share.Card:
    """What the card of one object shows; a 404 for an id there is no such object of."""
    if kind is ShareKind.quote:
        quote = quote_queries.read_quote(session, object_id)
        return share.quote_card(found(quote, "quote", object_id))
    if kind is ShareKind.theme:
        themes = catalogue.read_themes(session, theme_id=object_id)
        theme = found(themes[0] if themes else None, "theme", object_id)
        return share.theme_card(theme, report_of(session, theme.report.id))
    if kind is ShareKind.layer:
        layer = found(catalogue.read_layer(session, object_id), "layer", object_id)
        printed_by = {text.report.id for text in layer.reports}
        # The newest report that prints the layer: the one whose texts the layer shows.
        newest = [r for r in catalogue.read_reports(session) if r.id in printed_by]
        return share.layer_card(layer, found(next(iter(newest), None), "layer", object_id))
    return share.report_card(report_of(session, object_id))


def report_of(session: Session, report_id: str) -> schemas.Report:
    """One report, or a 404."""
    reports = catalogue.read_reports(session, report_id)
    return found(next(iter(reports), None), "report", report_id)
