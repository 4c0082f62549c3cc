"""Content negotiation on Accept, in one place: the routes that vary on it and the response
cache (whose key is the negotiated format, not the raw header) ask the same functions."""

import re
from collections.abc import Sequence

# Media types a citation is served as, in the order a tie (`*/*`) picks them.
CITATION_MEDIA_TYPES = (
    "application/vnd.citationstyles.csl+json",
    "application/x-bibtex",
    "application/x-research-info-systems",
    "text/plain",
    "text/html",
)
# The two a formatted style is served as: text/plain unless HTML is preferred.
STYLE_MEDIA_TYPES = ("text/plain", "text/html")
# The HTML pages that also answer Markdown (their `.md` URLs answer only Markdown).
PAGE_MEDIA_TYPES = ("text/html", "text/markdown")
MARKDOWN_PAGE_PATH = re.compile(r"/(?:(?:reports|layers|themes|quotes)/[^/]+(?<!\.md))?")
CITATION_PATH = re.compile(r"/v1/(?:quotes|reports)/[^/]+/citation")
# Ranges beyond these in an Accept header are not read: a header cannot cost more.
MAX_RANGES = 32


def preferred_format(accept: str) -> str:
    """The format a route that negotiates on Accept serves: `text/csv` when CSV is listed
    before JSON, else JSON (no q-values: the first listed of the two wins)."""
    for part in accept.split(","):
        media_type = part.split(";")[0].strip().lower()
        if media_type == "text/csv":
            return "text/csv"
        if media_type in ("application/json", "application/*"):
            return "application/json"
    return "application/json"


def negotiate(accept: str, offered: Sequence[str]) -> str:
    """The offered media type `accept` prefers (RFC 9110: highest q-value, the most specific
    range deciding a type's; ties go to the type listed first in `accept`, then in `offered`);
    the first offered when the header is empty or accepts none of them."""
    ranges = _ranges(accept)
    best, best_rank = offered[0], (0.0, 0, 0)
    for position, media_type in enumerate(offered):
        rank = _rank(media_type, ranges, position, len(offered))
        if rank[0] > 0 and rank > best_rank:
            best, best_rank = media_type, rank
    return best


def _ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values (1 where absent or malformed)."""
    ranges = []
    for part in accept.split(",")[:MAX_RANGES]:
        media_range, *parameters = (piece.strip().lower() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 1.0
        if media_range:
            ranges.append((media_range, quality))
    return ranges


def _rank(
    media_type: str, ranges: list[tuple[str, float]], position: int, count: int
) -> tuple[float, int, int]:
    """(q-value, how early its range is listed, how early it is offered) of one media type."""
    kind = media_type.split("/")[0]
    specific = {media_type: 3, f"{kind}/*": 2, "*/*": 1}
    matched = [
        (specific[media_range], -index, quality)
        for index, (media_range, quality) in enumerate(ranges)
        if media_range in specific
    ]
    if not matched:
        return (0.0, 0, 0)
    _, earliest, quality = max(matched)
    return (quality, len(ranges) + earliest, count - position)


def citation_format(accept: str) -> str:
    """The media type a citation without `format` is served as."""
    return negotiate(accept, CITATION_MEDIA_TYPES)


def page_format(accept: str) -> str:
    """What an HTML page serves: `text/markdown` when Accept prefers it to HTML, else HTML
    (a browser's `*/*;q=0.8` after text/html keeps HTML)."""
    return negotiate(accept, PAGE_MEDIA_TYPES)


def negotiated_format(path: str, accept: str) -> str:
    """What the response cache keys a request on: the format the route at `path` would choose,
    so that every spelling of `Accept` that chooses it shares one entry."""
    if CITATION_PATH.fullmatch(path):
        # Without `format` the media type is chosen; with a style's, text or HTML.
        return f"{citation_format(accept)} {negotiate(accept, STYLE_MEDIA_TYPES)}"
    if MARKDOWN_PAGE_PATH.fullmatch(path):
        return page_format(accept)
    return preferred_format(accept)
