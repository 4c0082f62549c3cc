"""Server-rendered HTML: the Jinja2 environment, absolute URLs and JSON-LD for the web face.

Autoescape protects only HTML text and quoted attribute values. JSON inside `<script>` is made
safe by `json_script` (no `<`, `>` or `&` survives); every URL comes from `app.urls`, which
templates reach as `urls`.
"""

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from app import schemas, urls
from app.render.citation import FORMAT_LINKS, page_citation, page_range
from app.render.embed_layout import CardLayout

TEMPLATES_DIR = Path(__file__).parent.parent / "templates"
# In a JSON string these are the characters that could end a <script> element or start markup.
_JSON_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def feed_links(title: str, filters: dict[str, str] | None = None) -> list[dict[str, str]]:
    """Discovery links of the quote feeds (Atom, RSS, JSON Feed), optionally filtered."""
    kinds = (
        ("atom", "application/atom+xml", "Atom"),
        ("rss", "application/rss+xml", "RSS"),
        ("json", "application/feed+json", "JSON Feed"),
    )
    return [
        {
            "href": urls.feed(f"/feeds/quotes.{ext}", filters),
            "type": media,
            "title": f"{title} ({name})",
        }
        for ext, media, name in kinds
    ]


def json_script(value: Any) -> Markup:
    """JSON safe to place inside a `<script>` element: `<`, `>` and `&` become \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.translate(_JSON_SCRIPT_ESCAPES))  # escaped just above


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["json_script"] = json_script
    env.globals["urls"] = urls
    env.globals["citation_formats"] = FORMAT_LINKS
    return env


ENVIRONMENT = _environment()


def render_template(template: str, **context: Any) -> str:
    """A page or card from its template (autoescaped)."""
    return ENVIRONMENT.get_template(template).render(**context)


# The iceberg of the overview page, tip first: each layer's outline in a 720x600 viewBox, the
# centre of its label, and colours with enough contrast for the text on them. Above y=170 is air.
WATERLINE_Y = 170
ICEBERG_BANDS: tuple[dict[str, Any], ...] = (
    {
        "points": "360,22 392,60 410,52 470,170 250,170 300,86 322,94",
        "label_y": 132,
        "fill": "#ffffff",
        "text": "#0b3954",
    },
    {
        "points": "250,170 470,170 560,290 170,290",
        "label_y": 228,
        "fill": "#c4e2f4",
        "text": "#0b3954",
    },
    {
        "points": "170,290 560,290 600,410 130,410",
        "label_y": 348,
        "fill": "#7db8e0",
        "text": "#06283d",
    },
    {
        "points": "130,410 600,410 540,520 440,578 260,572 180,520",
        "label_y": 478,
        "fill": "#24608c",
        "text": "#ffffff",
    },
)


def quotation_jsonld(quote: schemas.Quote, report: schemas.Report) -> dict[str, Any]:
    """schema.org/Quotation of a quote, for a `<script type="application/ld+json">`: part of
    its report at the pages of its section (`pagination`), with its APA citation."""
    url = urls.quote(quote.id)
    publisher = {"@type": "Organization", "name": report.publisher}
    pages = page_range(quote.location.section)
    return {
        "@context": "https://schema.org",
        "@type": "Quotation",
        "@id": url,
        "url": url,
        "text": quote.text,
        "inLanguage": "en",
        "creator": {"@type": "Person", "name": quote.attribution, "jobTitle": quote.role_title},
        "about": {"@type": "Thing", "name": quote.theme.title, "url": urls.theme(quote.theme.id)},
        "keywords": [tag.name for tag in quote.tags],
        "citation": page_citation(report, quote)[0],
        "isPartOf": {
            "@type": "Report",
            "@id": urls.report(report.id),
            "url": urls.report(report.id),
            "name": report.title,
            "datePublished": report.published_on.isoformat(),
            "author": publisher,
            "publisher": publisher,
            **({"pagination": pages} if pages else {}),
        },
        "creditText": report.credit,
    }


def embed_iframe(quote: schemas.Quote, layout: CardLayout, *, fluid: bool = False) -> str:
    """The `<iframe>` of a quote's card, every attribute escaped, with no inline style (a
    partner's CSP may forbid it): its `height` fits the card at the layout's width, and
    `fluid` makes it as wide as its container (the resize script then fits the height)."""
    query: dict[str, str] = {}
    if layout.compact:
        query["layout"] = "tiny" if layout.tiny else "compact"
    if layout.excerpt is not None:
        query["excerpt"] = str(layout.excerpt)
    return iframe(
        urls.embed(quote.id, query),
        width="100%" if fluid else layout.width,
        height=layout.height,
        title=f"Quote: {quote.attribution} on {quote.theme.title}",
    )


def iframe(src: str, *, width: int | str, height: int, title: str) -> str:
    """The `<iframe>` of one of our embeds, every attribute escaped and no inline style."""
    return str(
        Markup(
            '<iframe src="{src}" width="{width}" height="{height}" title="{title}" '
            'frameborder="0" loading="lazy" '
            'referrerpolicy="strict-origin-when-cross-origin"></iframe>'
        ).format(src=src, width=width, height=height, title=title)
    )
