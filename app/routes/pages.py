"""HTML pages: the iceberg overview, the explorer, and a permalink page for every quote, theme
and layer. It is long because each page but the explorer also answers its Markdown (the `.md`
URL's body) to an Accept that prefers `text/markdown`, and says so in its OpenAPI entry.

Server-rendered, no script, inline CSS only; every absolute link comes from the base URL. A
theme's or layer's quotes come a bounded page at a time (HTML_PAGE_QUOTES), from a `cursor` in
report order, so that no page's cost grows with the number of quotes.
"""

from collections import defaultdict
from collections.abc import Callable
from itertools import groupby
from typing import Annotated, Any

from fastapi import Query, Request, Response
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from sqlalchemy.orm import Session

from app import schemas, urls
from app.config import get_settings
from app.deps import ObjectId, SessionDep, api_router, found
from app.errors import NON_JSON_PROBLEMS
from app.http.negotiation import page_format
from app.params import (
    Dimension,
    EmbedBuilderParams,
    ExploreParams,
    PageParams,
    QuoteListParams,
    decode_cursor,
)
from app.queries import catalogue
from app.queries import quotes as quote_queries
from app.queries.context import quote_context
from app.queries.dimensions import crosstab, dimension_values
from app.queries.highlights import highlighted
from app.queries.quote_pages import read_quote_page
from app.render import embed_builder, explorer, share
from app.render.citation import page_citation
from app.render.embed_layout import card_layout
from app.render.html import (
    ICEBERG_BANDS,
    WATERLINE_Y,
    embed_iframe,
    feed_links,
    quotation_jsonld,
    render_template,
)
from app.routes import llms
from app.routes.embeds import WIDGET_INTEGRITY
from app.routes.share import ShareKind, card_of

router = api_router(
    tags=["pages"], default_response_class=HTMLResponse, responses=NON_JSON_PROBLEMS
)
ALL_QUOTES = "All quotes"
# The pages that answer HTML alone (the others answer Markdown too).
HTML_ONLY = ("explore.html", "embed_builder.html")
# Paragraphs of the report a permalink shows before and after its quote.
PERMALINK_CONTEXT_PARAGRAPHS = 2
PageQuery = Annotated[PageParams, Query()]
# The pages that also answer Markdown document it.
MARKDOWN: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/markdown": {"schema": {"type": "string"}}}}
}


@router.get(
    "/", response_class=HTMLResponse, summary="The iceberg overview page", responses=MARKDOWN
)
def home_page(session: SessionDep, request: Request) -> Response:
    """The series of reports, and the newest report's iceberg: its four layers drawn from tip
    to base, each with its themes (HTML; `/index.md` for an Accept that prefers Markdown)."""
    if _wants_markdown(request):
        return _vary(llms.home_markdown(session))
    report = _insights_report(session)
    return _page(
        "home.html",
        canonical=urls.home(),
        markdown=urls.absolute("/index.md"),
        series=catalogue.read_reports(session),
        show_facts=False,
        share=_share(session, ShareKind.report, report.id),
        **_iceberg(session, report.id),
    )


@router.get("/explore", response_class=HTMLResponse, summary="The explorer")
def explore_page(session: SessionDep, params: Annotated[ExploreParams, Query()]) -> Response:
    """Search the quotes, narrow them by every dimension (in or out), see them as a heatmap of
    any two dimensions, and take the selection as files or as its API call (HTML). Its query
    parameters are the quote list's, and `rows` and `cols` for the heatmap."""
    listed = params.model_copy(update={"facet": list(explorer.DIMENSION_LABELS)})
    page = read_quote_page(session, listed)
    table = crosstab(session, params, params.rows, params.cols, get_settings().max_crosstab_cells)
    types = catalogue.read_stakeholder_types(session)
    parents = {t.id: (t.parent.id, t.parent.name) for t in types if t.parent is not None}
    named = {
        name: {str(v.value): v.label for v in dimension_values(session, Dimension(name))}
        for name in params.exclusions()
    }
    named["stakeholder_type"] = {t.id: t.name for t in types}
    sorts = [(s.value, label) for s, label in explorer.SORT_LABELS.items()]
    return _page(
        "explore.html",
        canonical=urls.explore(explorer.view(params)),
        credit=_insights_report(session).credit,
        params=params,
        quotes=page.items,
        # Escaped by the highlighter's caller, marks added after: safe as it is.
        highlights={
            quote_id: Markup(marked)
            for quote_id, marked in highlighted(session, page.items, params.q or "").items()
        },
        total=sum(value.count for value in page.facets.get("layer", [])),
        facets=explorer.facets(params, page.facets, named, parents),
        heatmap=explorer.heatmap(table),
        links=explorer.links(params, page.next_cursor),
        dimensions=[(d.value, label) for d, label in explorer.DIMENSION_LABELS.items()],
        sorts=sorts if params.q else [pair for pair in sorts if pair[0] != "rank"],
        search_kept=explorer.kept_pairs(params, "q"),
        axes_kept=explorer.kept_pairs(params, "rows", "cols"),
        sort_kept=explorer.kept_pairs(params, "sort"),
    )


# The snippet builder's choosers: the filters a partner picks from lists (the rest stay as given).
CHOSEN = ("report", "layer", "theme", "stakeholder_type", "tag")
LEFT_OUT = ("theme", "stakeholder_type", "tag")
TYPED = ("q", "min_length", "max_length")


@router.get("/embed", response_class=HTMLResponse, summary="The snippet builder")
def embed_builder_page(
    session: SessionDep, params: Annotated[EmbedBuilderParams, Query()]
) -> Response:
    """Choose quotes (a report, filters, or one quote), a layout, colours and a width; see the
    embed, and copy it as an iframe, a widget script tag, or a permalink for oEmbed (HTML: a
    GET form, which its script only spares a reload)."""
    if params.quote is not None:
        quotes = [found(quote_queries.read_quote(session, params.quote), "quote", params.quote)]
    else:
        count = 1 if params.layout == "single" else params.count
        quotes = quote_queries.first_quotes(session, params, count)
    kept = [
        (name, value)
        for name, value in params.query_pairs()
        if name not in CHOSEN + TYPED and name.removeprefix("not_") not in LEFT_OUT
    ]
    return _page(
        "embed_builder.html",
        canonical=urls.embed_builder(),
        credit=_insights_report(session).credit,
        params=params,
        choices={name: dimension_values(session, Dimension(name)) for name in CHOSEN},
        chosen=CHOSEN,
        left_out=LEFT_OUT,
        kept=kept,
        snippets=embed_builder.snippets(params, quotes, WIDGET_INTEGRITY),
        builder_script=urls.embed_script("builder.js"),
        resize_script=urls.embed_script("resize.js"),
    )


@router.get(
    "/reports/{report_id}",
    response_class=HTMLResponse,
    summary="A report's page",
    responses=MARKDOWN,
)
def report_page(session: SessionDep, request: Request, report_id: ObjectId) -> Response:
    """A report's own iceberg (its layers, with its themes and counts), and what it states of
    itself: sponsors, methodology, conclusion, what others say of it (HTML, or its `.md`)."""
    if _wants_markdown(request):
        return _vary(llms.report_markdown(session, report_id))
    return _page(
        "home.html",
        canonical=urls.report(report_id),
        markdown=f"{urls.report(report_id)}.md",
        series=[],
        show_facts=True,
        **_iceberg(session, report_id),
        share=_share(session, ShareKind.report, report_id),
    )


def _iceberg(session: Session, report_id: str) -> dict[str, Any]:
    """What the iceberg drawing of one report shows: its layers, themes and counts."""
    report = found(catalogue.read_report(session, report_id), "report", report_id)
    themes_by_layer: dict[str, list[schemas.Theme]] = defaultdict(list)
    for theme in report.themes:
        themes_by_layer[theme.layer.id].append(theme)
    layers = [
        {
            "id": text.layer.id,
            "name": text.layer.name,
            "heading": text.heading,
            "theme_count": len(themes_by_layer[text.layer.id]),
            "quote_count": sum(t.quote_count for t in themes_by_layer[text.layer.id]),
        }
        for text in report.layers
    ]
    return {
        "credit": report.credit,
        "report": report,
        "bands": list(zip(layers, ICEBERG_BANDS, strict=False)),
        "waterline_y": WATERLINE_Y,
        "themes_by_layer": themes_by_layer,
        "quote_total": sum(layer["quote_count"] for layer in layers),
        "theme_total": sum(layer["theme_count"] for layer in layers),
    }


@router.get(
    "/quotes/{quote_id}",
    response_class=HTMLResponse,
    summary="A quote's permalink page",
    responses=MARKDOWN,
)
def quote_page(session: SessionDep, request: Request, quote_id: ObjectId) -> Response:
    """A quote's permalink page, with oEmbed discovery, Open Graph and JSON-LD (HTML, or its
    `.md`)."""
    if _wants_markdown(request):
        return _vary(llms.quote_markdown(session, quote_id))
    quote = found(quote_queries.read_quote(session, quote_id), "quote", quote_id)
    report = _report(session, quote.report.id)
    url = urls.quote(quote.id)
    return _page(
        "quote.html",
        canonical=url,
        credit=report.credit,
        quote=quote,
        jsonld=quotation_jsonld(quote, report),
        citation=page_citation(report, quote),
        oembed_json=urls.oembed_lookup(url),
        iframe=embed_iframe(quote, card_layout(quote), fluid=True),
        resize_script=urls.embed_script("resize.js"),
        context=quote_context(session, quote.id, PERMALINK_CONTEXT_PARAGRAPHS),
        share=share.share_meta(ShareKind.quote, quote.id, share.quote_card(quote)),
    )


@router.get(
    "/themes/{theme_id}", response_class=HTMLResponse, summary="A theme's page", responses=MARKDOWN
)
def theme_page(
    session: SessionDep, request: Request, theme_id: ObjectId, paging: PageQuery
) -> Response:
    """A theme's page: its summary and a page of its quotes in report order, with a link to
    the next page (HTML, or its `.md`, which holds the first page)."""
    if _wants_markdown(request):
        return _vary(llms.theme_markdown(session, theme_id))
    themes = catalogue.read_themes(session, theme_id=theme_id)
    theme = found(themes[0] if themes else None, "theme", theme_id)
    quotes = _quote_page(session, paging, theme=[theme.id])
    return _page(
        "theme.html",
        canonical=urls.theme(theme.id, paging.cursor),
        credit=_report(session, theme.report.id).credit,
        feeds=feed_links(f"Quotes on {theme.title}", {"theme": theme.id}),
        pager=_pager(urls.theme, theme.id, paging, quotes.next_cursor),
        theme=theme,
        quotes=quotes.items,
        share=_share(session, ShareKind.theme, theme.id),
    )


@router.get(
    "/layers/{layer_id}", response_class=HTMLResponse, summary="A layer's page", responses=MARKDOWN
)
def layer_page(
    session: SessionDep, request: Request, layer_id: ObjectId, paging: PageQuery
) -> Response:
    """A layer's page: its texts, its themes, and a page of its quotes in report order under
    their themes, with a link to the next page (HTML, or its `.md`, which holds the first
    page)."""
    if _wants_markdown(request):
        return _vary(llms.layer_markdown(session, layer_id))
    layer = found(catalogue.read_layer(session, layer_id), "layer", layer_id)
    quotes = _quote_page(session, paging, layer=[layer.id])
    return _page(
        "layer.html",
        canonical=urls.layer(layer.id, paging.cursor),
        credit=_insights_report(session).credit,
        feeds=feed_links(f"Quotes in {layer.name}", {"layer": layer.id}),
        pager=_pager(urls.layer, layer.id, paging, quotes.next_cursor),
        layer=layer,
        sections=_theme_sections(session, quotes.items, paging),
        share=_share(session, ShareKind.layer, layer.id),
    )


def _page(
    template: str,
    *,
    feeds: list[dict[str, str]] | None = None,
    pager: dict[str, str | None] | None = None,
    **context: Any,
) -> Response:
    """Render a page with the feed discovery links every page carries (all quotes, and any
    narrower feed the page offers first), and the links to its other pages, if it has any."""
    feeds = (feeds or []) + feed_links(ALL_QUOTES)
    pager = pager or {"first": None, "next": None}
    page = HTMLResponse(render_template(template, feeds=feeds, pager=pager, **context))
    return _vary(page) if template not in HTML_ONLY else page


def _share(session: Session, kind: ShareKind, object_id: str) -> share.ShareMeta:
    """The share card tags of a page, its alt text the card's whole text."""
    return share.share_meta(kind, object_id, card_of(session, kind, object_id))


def _wants_markdown(request: Request) -> bool:
    """Whether the request's Accept prefers the page's Markdown to its HTML."""
    return page_format(request.headers.get("accept", "")) == "text/markdown"


def _vary(response: Response) -> Response:
    """A page that answers HTML or Markdown by Accept says so to caches."""
    response.headers["Vary"] = "Accept"
    return response


def _quote_page(session: Session, paging: PageParams, **filters: list[str]) -> schemas.QuotePage:
    """The quotes of one HTML page: the quote list's page, in report order, from the cursor."""
    params = QuoteListParams.model_validate({**filters, "cursor": paging.cursor})
    # The page size is the operator's setting (up to 500), not a client's `limit`, so the
    # API's bound on that parameter (100) is not the one that holds here.
    size = get_settings().html_page_quotes
    return read_quote_page(session, params.model_copy(update={"limit": size}))


def _pager(
    url_of: Callable[[str, str | None], str],
    object_id: str,
    paging: PageParams,
    next_cursor: str | None,
) -> dict[str, str | None]:
    """The links between the pages of an object: the first page (from a later one), the next."""
    return {
        "first": url_of(object_id, None) if paging.cursor is not None else None,
        "next": url_of(object_id, next_cursor) if next_cursor is not None else None,
    }


def _theme_sections(
    session: Session, quotes: list[schemas.Quote], paging: PageParams
) -> list[dict[str, Any]]:
    """A page's quotes under their themes: one section per run of a theme, in report order.

    A theme cut by the page's start is `continued` (its heading repeats); only a theme's first
    section on the page is its `#theme-{id}` anchor.
    """
    before = _quote_before(session, paging)
    sections: list[dict[str, Any]] = []
    anchored: set[str] = set()
    for theme_id, run in groupby(quotes, key=lambda quote: quote.theme.id):
        items = list(run)
        continued = not sections and before is not None and before.theme.id == theme_id
        sections.append(
            {
                "theme": items[0].theme,
                "quotes": items,
                "continued": continued,
                "anchor": theme_id not in anchored,
            }
        )
        anchored.add(theme_id)
    return sections


def _quote_before(session: Session, paging: PageParams) -> schemas.Quote | None:
    """The quote the page starts after (the previous page's last), if there is one."""
    if paging.cursor is None:
        return None
    _, quote_id = decode_cursor(paging.cursor)
    return quote_queries.read_quote(session, quote_id)


def _report(session: Session, report_id: str) -> schemas.Report:
    """One report, whose credit line a page of its content shows."""
    return found(next(iter(catalogue.read_reports(session, report_id)), None), "report", report_id)


def _insights_report(session: Session) -> schemas.Report:
    """The insights report, whose credit line and summary the pages show."""
    reports = [r for r in catalogue.read_reports(session) if r.kind == "insights-report"]
    return found(reports[0] if reports else None, "report", "insights-report")
