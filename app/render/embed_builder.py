"""The snippet builder's content: the embed URL of a form's choices, and the iframe, widget and
oEmbed snippets that show it, every URL from the one URL builder and every attribute escaped."""

import base64
import hashlib
from dataclasses import dataclass

from markupsafe import Markup

from app import schemas, urls
from app.params import EmbedBuilderParams, EmbedCollectionParams
from app.render.embed_layout import card_layout, collection_height
from app.render.html import embed_iframe, iframe

# The defaults a URL leaves out (the layout and count always show: a snippet says what it is).
_DEFAULTS = {name: field.default for name, field in EmbedCollectionParams.model_fields.items()}
_SHOWN = ("layout", "count", "mode", "rotate_seconds")
# The widget's data- attribute of the colours: `data-theme` is the theme filter.
_WIDGET_MODE = "theme-mode"


@dataclass(frozen=True)
class Snippets:
    """What the builder offers to copy, and the preview's frame."""

    preview: str
    iframe: str
    widget: str
    permalink: str | None
    oembed: str | None


def collection_query(params: EmbedCollectionParams) -> list[tuple[str, str]]:
    """The embed's query: its filters (in a fixed order), then how it is shown."""
    shown = [
        (name, str(getattr(params, name)))
        for name in _SHOWN
        if name in ("layout", "count") or getattr(params, name) != _DEFAULTS[name]
    ]
    return params.query_pairs() + shown


def integrity(script: bytes) -> str:
    """A script's Subresource Integrity value."""
    return "sha384-" + base64.b64encode(hashlib.sha384(script).digest()).decode()


def snippets(
    params: EmbedBuilderParams, quotes: list[schemas.Quote], widget_integrity: str
) -> Snippets:
    """The snippets of the builder's choices: `quotes` are the ones the embed shows."""
    resize = Markup('<script src="{}" async></script>').format(urls.embed_script("resize.js"))
    if params.quote is not None and quotes:
        quote = quotes[0]
        frame = embed_iframe(quote, card_layout(quote, max_width=params.width))
        widget_data = [("quote", quote.id)]
    else:
        frame = _collection_iframe(params, quotes)
        widget_data = _widget_data(params)
    attributes = Markup("").join(
        Markup(' data-{}="{}"').format(name, value) for name, value in widget_data
    )
    widget = Markup(
        '<script src="{src}" integrity="{sri}" crossorigin="anonymous"{data} async></script>'
    ).format(src=urls.embed_script("widget.js"), sri=widget_integrity, data=attributes)
    permalink = urls.quote(quotes[0].id) if quotes else None
    oembed = None if permalink is None else urls.oembed_lookup(permalink, params.width)
    return Snippets(
        preview=frame,
        iframe=f"{frame}\n{resize}",
        widget=str(widget),
        permalink=permalink,
        oembed=oembed,
    )


def _collection_iframe(params: EmbedBuilderParams, quotes: list[schemas.Quote]) -> str:
    return iframe(
        urls.embed_quotes(collection_query(params)),
        width=params.width,
        height=collection_height(quotes, params.layout, params.width),
        title=f"Quotes from the Insights API ({params.layout})",
    )


def _widget_data(params: EmbedCollectionParams) -> list[tuple[str, str]]:
    """The widget's data- attributes: one a parameter, several ids space-separated."""
    values: dict[str, list[str]] = {}
    for name, value in collection_query(params):
        attribute = _WIDGET_MODE if name == "mode" else name.replace("_", "-")
        values.setdefault(attribute, []).append(value)
    return [(name, " ".join(value)) for name, value in values.items()]
