"""Every URL the service emits, built in one place from the public base URL.

Partner pages link and embed by these URLs, so they are promises: a permalink, a feed id or an
oEmbed lookup must come out the same wherever it is built. Absolute URLs start from the
configured `BASE_URL`, or, when it is unset, from the address the server itself listens on
(`http://{HOST}:{PORT}`): never from a request's `Host` header, which a client chooses. Path
segments are percent-encoded, so an id can never add a `/`, `?` or `#`.
"""

import ipaddress
import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote as percent_encode
from urllib.parse import urlencode, urlsplit

from app.config import get_settings

# Wildcard binds answer on every address; links to them must name one that answers here.
_WILDCARD_LOOPBACK = {"0.0.0.0": "127.0.0.1", "::": "::1"}
# What a quote id may look like in a permalink: anything else is not one of ours.
_PERMALINK_PATH = re.compile(r"/quotes/([A-Za-z0-9][A-Za-z0-9_-]{0,199})")

Query = Mapping[str, str] | Sequence[tuple[str, str]]


def server_base_url(host: str, port: int) -> str:
    """`http://{host}:{port}` of a server bound there: IPv6 bracketed, wildcards made loopback."""
    host = _WILDCARD_LOOPBACK.get(host, host)
    try:
        is_v6 = isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address)
    except ValueError:
        is_v6 = False  # a host name
    return f"http://[{host}]:{port}" if is_v6 else f"http://{host}:{port}"


def base_url() -> str:
    """The public base URL, without a trailing slash."""
    settings = get_settings()
    if settings.base_url:
        return settings.base_url.rstrip("/")
    return server_base_url(settings.host, settings.port)


def segment(value: str) -> str:
    """One path segment, percent-encoded."""
    return percent_encode(value, safe="")


def absolute(path: str, query: Query | None = None) -> str:
    """`path` (already encoded) under the base URL, with an encoded query."""
    encoded = urlencode(query) if query else ""
    return f"{base_url()}{path}" + (f"?{encoded}" if encoded else "")


def home() -> str:
    """The iceberg overview page."""
    return absolute("/")


MCP_PATH = "/mcp"


def mcp() -> str:
    """The MCP server's Streamable HTTP endpoint."""
    return absolute(MCP_PATH)


def sitemap() -> str:
    """The sitemap (or, past its URL limit, the sitemap index)."""
    return absolute("/sitemap.xml")


def sitemap_file(number: int) -> str:
    """One numbered file of the sitemap index, from 1."""
    return absolute(f"/sitemaps/{number}.xml")


def share_image(kind: str, object_id: str) -> str:
    """The share card (a PNG) of a quote, theme, layer or report."""
    return absolute(f"/share/{kind}/{segment(object_id)}.png")


def docs() -> str:
    """The API documentation (Swagger UI)."""
    return absolute("/docs")


def quote(quote_id: str) -> str:
    """The permalink page of a quote: its id in feeds, JSON-LD and oEmbed."""
    return absolute(f"/quotes/{segment(quote_id)}")


def report(report_id: str) -> str:
    """The page of a report: its own iceberg."""
    return absolute(f"/reports/{segment(report_id)}")


def theme(theme_id: str, cursor: str | None = None) -> str:
    """The page of a theme: its first page, or the page that starts after `cursor`."""
    return absolute(f"/themes/{segment(theme_id)}", _page_query(cursor))


def layer(layer_id: str, cursor: str | None = None) -> str:
    """The page of a layer: its first page, or the page that starts after `cursor`."""
    return absolute(f"/layers/{segment(layer_id)}", _page_query(cursor))


def _page_query(cursor: str | None) -> Query | None:
    """The query of a later page of quotes; the first page has none, so its URL stays the
    permalink."""
    return {"cursor": cursor} if cursor is not None else None


def embed(quote_id: str, query: Query | None = None) -> str:
    """The embeddable card of a quote (`query`: its layout, an excerpt's length)."""
    return absolute(f"/embed/quotes/{segment(quote_id)}", query)


def embed_quotes(query: Query | None = None) -> str:
    """The embed of several quotes: a wall, list or carousel of those the filters select."""
    return absolute("/embed/quotes", query)


def embed_builder(query: Query | None = None) -> str:
    """The snippet builder, with its form filled in by `query`."""
    return absolute("/embed", query)


def embed_script(name: str) -> str:
    """A versioned script of the embeds (`frame.js`, `resize.js`): immutable under its URL."""
    return absolute(f"/embed/v1/{segment(name)}")


def oembed_lookup(permalink: str, max_width: int | None = None) -> str:
    """The oEmbed lookup of a permalink, as the permalink page advertises it (and the snippet
    builder, for a width)."""
    query = {"url": permalink, "format": "json"}
    if max_width is not None:
        query["maxwidth"] = str(max_width)
    return absolute("/oembed", query)


def feed(path: str, query: Query | None = None) -> str:
    """A feed (`/feeds/quotes.atom`, ...) with its filters."""
    return absolute(path, query)


def api_object(kind: str, object_id: str) -> str:
    """The API path of one object (`/v1/quotes/{id}`), relative to the base URL."""
    return f"/v1/{kind}s/{segment(object_id)}"


def api_quote(quote_id: str) -> str:
    """The absolute API URL of one quote."""
    return absolute(api_object("quote", quote_id))


def citation(kind: str, object_id: str, form: str | None = None) -> str:
    """The citation of a quote or a report (`kind`), in a format or negotiated."""
    return absolute(f"{api_object(kind, object_id)}/citation", {"format": form} if form else None)


def api_quote_context(quote_id: str) -> str:
    """The absolute API URL of a quote in its report's text."""
    return f"{api_quote(quote_id)}/context"


# The API collection of each object type the change history names (organisation types have none).
_API_COLLECTIONS = {
    "report": "reports",
    "layer": "layers",
    "theme": "themes",
    "stakeholder_type": "stakeholder-types",
    "interview": "interviews",
    "tag": "tags",
    "quote": "quotes",
}


def api_url(object_type: str, object_id: str) -> str | None:
    """The absolute API URL of an object of a type, or None for a type the API has no page of."""
    collection = _API_COLLECTIONS.get(object_type)
    return absolute(f"/v1/{collection}/{segment(object_id)}") if collection else None


def changes(query: Query | None = None) -> str:
    """The change history (`/v1/changes`), with its filters."""
    return absolute("/v1/changes", query)


def explore(query: Query | None = None) -> str:
    """The explorer, showing the selection `query` names."""
    return absolute("/explore", query)


def api(path: str, query: Query | None = None) -> str:
    """An API path (e.g. `/v1/quotes.csv`) with a query, under the base URL."""
    return absolute(path, query)


def with_query(path: str, query: str) -> str:
    """`path` (as the request named it) and an already-encoded query, under the base URL: the
    `Link` header's next page."""
    return f"{base_url()}{path}" + (f"?{query}" if query else "")


def quote_id_of_permalink(url: str) -> str | None:
    """The quote id of exactly `{base URL}/quotes/{id}`: same scheme, host and port, no query,
    fragment, credentials, dot segments or encoded characters; None for any other URL."""
    base = urlsplit(base_url())
    try:
        parts = urlsplit(url)
        port, base_port = parts.port, base.port
    except ValueError:
        return None
    if (
        parts.scheme.lower() != base.scheme.lower()
        or (parts.hostname or "") != (base.hostname or "")
        or port != base_port
        or parts.username is not None
        or parts.password is not None
        or parts.query
        or parts.fragment
        or not parts.path.startswith(base.path)
    ):
        return None
    match = _PERMALINK_PATH.fullmatch(parts.path.removeprefix(base.path))
    return match.group(1) if match else None
