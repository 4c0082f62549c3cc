"""The pages a sitemap lists, each with the date of the newest report it shows.

One statement, a row per HTML page (the home page and the explorer, then every report, layer,
theme and quote), in a fixed order so that a sitemap index cuts it into the same files on every
request. A report's content changes only when it is published again, so a page's last
modification is its report's `published_on`; a page that spans reports (home, explorer, a
layer printed by several) takes the newest.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, Label, String, Subquery, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.queries.tables import layer, quote, report, report_layer, theme

# The order of the kinds in the sitemap (then by id within a kind).
KINDS = ("home", "explore", "report", "layer", "theme", "quote")


@dataclass(frozen=True)
class SitemapEntry:
    """One HTML page: its kind, its object's id (empty for home and explorer), its date."""

    kind: str
    id: str
    lastmod: date


def _pages() -> Subquery:
    """Every page as (rank: the kind's order, kind, id, lastmod)."""
    newest = select(func.max(report.c.published_on)).scalar_subquery()

    def rank(kind: str) -> tuple[Label[int], Label[str]]:
        # Typed casts: PostgreSQL cannot infer the type of a bare parameter in a UNION.
        return (
            cast(literal(KINDS.index(kind)), Integer).label("rank"),
            cast(literal(kind), String).label("kind"),
        )

    layer_dates = (
        select(report_layer.c.layer_id, func.max(report.c.published_on).label("lastmod"))
        .join(report, report.c.id == report_layer.c.report_id)
        .group_by(report_layer.c.layer_id)
        .subquery()
    )
    parts = [
        select(*rank("home"), cast(literal(""), String).label("id"), newest.label("lastmod")),
        select(*rank("explore"), cast(literal(""), String).label("id"), newest.label("lastmod")),
        select(*rank("report"), report.c.id, report.c.published_on),
        select(*rank("layer"), layer.c.id, func.coalesce(layer_dates.c.lastmod, newest)).outerjoin(
            layer_dates, layer_dates.c.layer_id == layer.c.id
        ),
        select(*rank("theme"), theme.c.id, report.c.published_on).join(
            report, report.c.id == theme.c.report_id
        ),
        select(*rank("quote"), quote.c.id, report.c.published_on).join(
            report, report.c.id == quote.c.report_id
        ),
    ]
    return union_all(*parts).subquery()


def count_sitemap_pages(session: Session) -> int:
    """How many pages the sitemap lists."""
    pages = _pages()
    return session.execute(select(func.count()).select_from(pages)).scalar_one()


def read_sitemap_pages(session: Session, *, offset: int, limit: int) -> list[SitemapEntry]:
    """`limit` pages from `offset`, in sitemap order (kind, then id)."""
    pages = _pages()
    statement = (
        select(pages.c.kind, pages.c.id, pages.c.lastmod)
        .order_by(pages.c.rank, pages.c.id)
        .offset(offset)
        .limit(limit)
    )
    return [
        SitemapEntry(kind=kind, id=object_id, lastmod=_as_date(lastmod))
        for kind, object_id, lastmod in session.execute(statement)
    ]


def newest_lastmod(session: Session) -> date | None:
    """The newest report's date: the sitemap index's files' last modification."""
    value = session.execute(select(func.max(report.c.published_on))).scalar_one_or_none()
    return _as_date(value) if value is not None else None


def _as_date(value: object) -> date:
    """A date column read through a UNION: SQLite may hand it back as ISO text."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
