"""Embeds: a quote card for iframes, the partner widget script, and oEmbed discovery."""

from pathlib import Path
from typing import Annotated, Literal

from fastapi import Path as PathParam
from fastapi import Query, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from app import urls
from app.config import get_settings
from app.deps import ObjectId, SessionDep, api_router, found
from app.errors import NON_JSON_PROBLEMS, NotFound, UnsupportedFormat, openapi_problems
from app.params import MAX_QUOTE_LENGTH, EmbedCollectionParams
from app.queries import catalogue
from app.queries import quotes as quote_queries
from app.render import embed_builder
from app.render.citation import page_citation
from app.render.embed_layout import card_layout
from app.render.embed_layout import excerpt as excerpt_of
from app.render.html import embed_iframe, quotation_jsonld, render_template

router = api_router(tags=["embeds"])

JAVASCRIPT = "application/javascript; charset=utf-8"
# The embeds' scripts, read once: each is immutable under /embed/v1/ (a change is a v2).
SCRIPTS = {
    path.name: path.read_bytes()
    for path in sorted((Path(__file__).resolve().parent.parent / "static" / "embed").glob("*.js"))
}
IMMUTABLE = "public, max-age=31536000, immutable"
WIDGET_INTEGRITY = embed_builder.integrity(SCRIPTS["widget.js"])


LayoutQuery = Annotated[
    Literal["card", "compact", "tiny"],
    Query(
        description="`card` (the quote, attribution, report and a Cite box), `compact` "
        "(smaller type, for narrow or short frames) or `tiny` (smaller still); oEmbed chooses."
    ),
]
ExcerptQuery = Annotated[
    int | None,
    Query(
        ge=1,
        le=MAX_QUOTE_LENGTH,
        description="Show only the quote's first N characters (cut at a word, marked, with "
        "a link to the whole quote), for a frame too small for all of it.",
    ),
]


class OEmbed(BaseModel):
    """An oEmbed 1.0 `rich` response: the HTML of an iframe showing the quote's card."""

    version: Literal["1.0"] = Field(description="The oEmbed version.")
    type: Literal["rich"] = Field(description="Always `rich`: the HTML is an iframe.")
    provider_name: str = Field(description="Name of this service.")
    provider_url: str = Field(description="Base URL of this service.")
    title: str = Field(description="The attribution and theme of the quote.")
    author_name: str = Field(description="The quote's attribution, exactly as printed.")
    html: str = Field(description="An `<iframe>` of the embeddable card, ready to insert.")
    width: int = Field(description="Width of the iframe in pixels.")
    height: int = Field(description="Height of the iframe in pixels.")
    cache_age: int = Field(description="Seconds a consumer may cache this response.")


@router.get(
    "/embed/quotes/{quote_id}",
    summary="A quote as an embeddable card",
    response_class=HTMLResponse,
    responses=NON_JSON_PROBLEMS,
)
def embed_quote(
    session: SessionDep,
    quote_id: ObjectId,
    theme: Annotated[
        Literal["light", "dark", "auto"],
        Query(description="Colour theme: light, dark, or auto (the reader's preference)."),
    ] = "auto",
    layout: LayoutQuery = "card",
    excerpt: ExcerptQuery = None,
) -> HTMLResponse:
    """A quote as a small self-contained HTML card to show in an `<iframe>` on any site; it
    tells the framing page the height it needs (see `/embed/v1/resize.js`)."""
    quote = found(quote_queries.read_quote(session, quote_id), "quote", quote_id)
    report = found(
        next(iter(catalogue.read_reports(session, quote.report.id)), None),
        "report",
        quote.report.id,
    )
    card = render_template(
        "embed.html",
        quote=quote,
        theme=theme,
        permalink=urls.quote(quote.id),
        jsonld=quotation_jsonld(quote, report),
        citation=page_citation(report, quote),
        compact=layout != "card",
        tiny=layout == "tiny",
        shown=quote.text if excerpt is None else excerpt_of(quote.text, excerpt),
        excerpted=excerpt is not None and excerpt < len(quote.text),
        frame_script=urls.embed_script("frame.js"),
    )
    return HTMLResponse(card)


@router.get(
    "/embed/quotes",
    summary="Several quotes as an embeddable wall, list or carousel",
    response_class=HTMLResponse,
    responses=NON_JSON_PROBLEMS,
)
def embed_quotes(
    session: SessionDep, params: Annotated[EmbedCollectionParams, Query()]
) -> HTMLResponse:
    """The first `count` quotes meeting the quote list's filters (exclusions included), as a
    self-contained page to show in an `<iframe>`: a `wall`, a `list`, a `carousel` or a
    `single` card. It tells the framing page the height it needs (see `/embed/v1/resize.js`)."""
    count = 1 if params.layout == "single" else params.count
    quotes = quote_queries.first_quotes(session, params, count)
    page = render_template(
        "embed_quotes.html",
        quotes=quotes,
        layout=params.layout,
        mode=params.mode,
        rotate_seconds=params.rotate_seconds,
        title="Quotes from the Insights API",
        collection_script=urls.embed_script("collection.js"),
    )
    return HTMLResponse(page)


@router.get(
    "/embed/widget.js",
    summary="The partner widget script",
    response_class=Response,
    responses={**NON_JSON_PROBLEMS, 200: {"content": {JAVASCRIPT: {"schema": {"type": "string"}}}}},
)
def embed_widget() -> Response:
    """The partner widget: one `<script>` tag renders quotes chosen by its `data-` attributes.

    It reads the same filters as the quote list (`data-stakeholder-type`, `data-layer`,
    `data-theme`, `data-tag`) or one `data-quote`, plus `data-theme-mode` (light, dark, auto) and
    `data-rotate-seconds`, and draws the card inside its own shadow root.
    """
    return Response(SCRIPTS["widget.js"], media_type=JAVASCRIPT)


@router.get(
    "/embed/v1/{script}",
    summary="A versioned embed script",
    response_class=Response,
    responses={**NON_JSON_PROBLEMS, 200: {"content": {JAVASCRIPT: {"schema": {"type": "string"}}}}},
)
def embed_script(
    script: Annotated[
        str, PathParam(max_length=40, description="`widget.js`, `resize.js` or `frame.js`.")
    ],
) -> Response:
    """An embed script at a URL whose content never changes, cacheable for a year and fit for
    Subresource Integrity: `widget.js` (the widget, which `/embed/widget.js` aliases),
    `resize.js` (fits iframe cards to their content) and `frame.js` (run inside a card)."""
    if script not in SCRIPTS:
        raise NotFound(f"There is no embed script {script!r}.")
    return Response(SCRIPTS[script], media_type=JAVASCRIPT, headers={"Cache-Control": IMMUTABLE})


@router.get(
    "/oembed",
    summary="oEmbed for a quote permalink",
    response_model=OEmbed,
    responses=openapi_problems(UnsupportedFormat),
)
def oembed(
    session: SessionDep,
    url: Annotated[
        str, Query(max_length=2000, description="A quote permalink: `{BASE_URL}/quotes/{id}`.")
    ],
    format: Annotated[
        str,
        Query(
            max_length=20,
            description="Response format: only `json` is served; any other is a 501.",
            # Documented as the one value served, checked in the handler: oEmbed answers an
            # unsupported format with 501, not a validation error.
            json_schema_extra={"enum": ["json"]},
        ),
    ] = "json",
    maxwidth: Annotated[
        int | None,
        Query(
            ge=1,
            le=10000,
            description="Largest width the consumer can show: the card is at most this wide.",
        ),
    ] = None,
    maxheight: Annotated[
        int | None,
        Query(
            ge=1,
            le=10000,
            description="Largest height the consumer can show: the card is at most this tall, "
            "compact or as a marked excerpt where the whole quote cannot fit.",
        ),
    ] = None,
) -> OEmbed:
    """oEmbed for quote permalinks: an iframe of the quote's card (the URL is never fetched)."""
    # Long because of the parameters' declarations; the body is five steps.
    if format != "json":
        raise UnsupportedFormat("Only the json format is supported.")
    quote_id = urls.quote_id_of_permalink(url)
    if quote_id is None:
        raise NotFound("The URL is not a quote permalink of this service.")
    quote = found(quote_queries.read_quote(session, quote_id), "quote", quote_id)
    layout = card_layout(quote, max_width=maxwidth, max_height=maxheight)
    return OEmbed(
        version="1.0",
        type="rich",
        provider_name="Insights API",
        provider_url=urls.home(),
        title=f"{quote.attribution} on {quote.theme.title}",
        author_name=quote.attribution,
        html=embed_iframe(quote, layout),
        width=layout.width,
        height=layout.height,
        cache_age=get_settings().cache_max_age_s,
    )
