"""The size of a quote's embeddable card, worked out on the server so that a snippet's iframe
can carry a `height` (which no Content Security Policy governs) that fits the card at its width.

Two layouts: the card (quote, attribution, report, a Cite box) and, for frames narrower than
MIN_CARD_WIDTH or shorter than the card needs under an oEmbed consumer's `maxheight`, the
compact card (smaller type, no report line or Cite box). When even the compact card cannot hold
the whole quote, it shows an excerpt cut at a word, marked with an ellipsis and a link to read
the whole quote. The metrics are Chromium's with Debian's default sans-serif (DejaVu Sans, wider
than most), so other fonts only leave room to spare; tests/test_browser.py checks every quote.
"""

from dataclasses import dataclass

from app import schemas

DEFAULT_WIDTH = 480
MIN_CARD_WIDTH = 280
EXCERPT_MARK = "…"


@dataclass(frozen=True)
class Metrics:
    """One layout's type, measured in Chromium on every seeded quote (tests/test_browser.py
    keeps it true): line height and the smallest average character width that never gives
    fewer lines than Chromium draws, of the quote and of the caption; the horizontal padding;
    the height of everything else (padding, borders, gaps)."""

    text_line: float
    text_char: float
    caption_line: float
    caption_char: float
    padding_x: int
    fixed: float


CARD = Metrics(
    text_line=25.2, text_char=8.6, caption_line=21.6, caption_char=8.0, padding_x=45, fixed=118
)
# The card in a frame of 320 px or less (its style's narrow padding and type).
NARROW_CARD = Metrics(
    text_line=24, text_char=8.3, caption_line=21.6, caption_char=7.8, padding_x=29, fixed=112
)
COMPACT = Metrics(
    text_line=19.6, text_char=7.7, caption_line=17.92, caption_char=7.7, padding_x=29, fixed=27
)
# The compact card's tiny type, for frames narrower than TINY_WIDTH or shorter than TINY_HEIGHT.
TINY = Metrics(
    text_line=18.2, text_char=7.7, caption_line=16.8, caption_char=7.7, padding_x=21, fixed=20
)
TINY_WIDTH, TINY_HEIGHT = 220, 140
NARROW_WIDTH = 320
# The card's line of links and report title.
META_LINE, META_CHAR = 20.4, 8.2


@dataclass(frozen=True)
class CardLayout:
    """How a card is drawn in a frame of `width` × `height` pixels."""

    width: int
    height: int
    compact: bool
    tiny: bool = False
    # Characters of the quote shown, when only an excerpt fits; None for the whole quote.
    excerpt: int | None = None


def card_layout(
    quote: schemas.Quote, *, max_width: int | None = None, max_height: int | None = None
) -> CardLayout:
    """The layout of the quote's card within the caps (oEmbed's maxwidth and maxheight, which
    a provider must respect): the full card where it fits, else the compact one, else a compact
    excerpt; below some 120 × 80 px even a word and the attribution do not fit, and the frame
    scrolls."""
    width = min(DEFAULT_WIDTH, max_width or DEFAULT_WIDTH)
    cap = max_height
    if width >= MIN_CARD_WIDTH:
        height = _card_height(quote, width)
        if cap is None or height <= cap:
            return CardLayout(width, height, compact=False)
    tiny = width < TINY_WIDTH or (cap is not None and cap < TINY_HEIGHT)
    metrics = TINY if tiny else COMPACT
    height = _compact_height(quote, width, len(quote.text), metrics)
    if cap is None or height <= cap:
        return CardLayout(width, height, compact=True, tiny=tiny)
    shown = _excerpt_length(quote, width, cap, metrics)
    height = _compact_height(quote, width, shown, metrics, excerpt=True)
    return CardLayout(width, min(height, cap), compact=True, tiny=tiny, excerpt=shown)


def excerpt_text(text: str, length: int) -> str:
    """The excerpt as shown: cut back to a word, with the mark."""
    return excerpt(text, length) + EXCERPT_MARK


def excerpt(text: str, length: int) -> str:
    """The first `length` characters of `text` cut back to a word, without trailing
    punctuation (the mark follows)."""
    cut = text[:length]
    if length < len(text) and not text[length].isspace() and " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:—–-")


def _wrapped(text: str, inner: float, char_px: float) -> int:
    """Lines of `text` wrapped at words into `inner` pixels, at `char_px` a character (a word
    longer than a line breaks anywhere)."""
    per_line = max(1, int(inner / char_px))
    lines, used = 1, 0
    for word in text.split():
        size = len(word)
        if used and used + 1 + size > per_line:
            lines, used = lines + 1, 0
        used += size + (1 if used else 0)
        while used > per_line:
            lines, used = lines + 1, used - per_line
    return lines


def _caption_text(quote: schemas.Quote) -> str:
    return f"— {quote.attribution}, on {quote.theme.title} ({quote.layer.name})"


def _card_height(quote: schemas.Quote, width: int) -> int:
    metrics = NARROW_CARD if width <= NARROW_WIDTH else CARD
    inner = width - metrics.padding_x
    meta = _wrapped("Read the whole quote ↗ " + quote.report.title, inner, META_CHAR)
    return round(
        metrics.fixed
        + metrics.text_line * _wrapped(quote.text, inner, metrics.text_char)
        + metrics.caption_line * _wrapped(_caption_text(quote), inner, metrics.caption_char)
        + META_LINE * meta
    )


def _compact_height(
    quote: schemas.Quote, width: int, shown: int, metrics: Metrics, *, excerpt: bool = False
) -> int:
    inner = width - metrics.padding_x
    text = excerpt_text(quote.text, shown) if excerpt else quote.text
    return round(
        metrics.fixed
        + metrics.text_line * _wrapped(f"“{text}”", inner, metrics.text_char)
        + metrics.caption_line * _wrapped(f"— {quote.attribution}", inner, metrics.caption_char)
        + metrics.caption_line * _wrapped("Read the whole quote ↗", inner, metrics.caption_char)
    )


def _excerpt_length(quote: schemas.Quote, width: int, cap: int, metrics: Metrics) -> int:
    """The most characters of the quote whose compact excerpt fits `cap` (at least a word):
    the longest cut at a word that does, searched word by word."""
    best = len(quote.text.split()[0])
    for end in (i for i, c in enumerate(quote.text) if c == " "):
        if _compact_height(quote, width, end, metrics, excerpt=True) > cap:
            break
        best = end
    return best


# The collection's grid: cards at least WALL_COLUMN wide, GAP apart; the carousel's controls.
WALL_COLUMN, GAP, CONTROLS = 256, 12, 40


def collection_height(quotes: list[schemas.Quote], layout: str, width: int) -> int:
    """The height a wall, list or carousel of `quotes` needs at `width`: a starting `height`
    for the snippet's iframe, which resize.js then fits exactly (each card is sized as the
    single card, Cite box included, so the estimate leaves room)."""
    if not quotes:
        return 80
    if layout == "single":
        return card_layout(quotes[0], max_width=width).height
    if layout == "carousel":
        controls = CONTROLS if len(quotes) > 1 else 0
        return max(_card_height(quote, width) for quote in quotes) + controls
    columns = max(1, (width + GAP) // (WALL_COLUMN + GAP)) if layout == "wall" else 1
    column = (width - GAP * (columns - 1)) // columns
    rows = [quotes[i : i + columns] for i in range(0, len(quotes), columns)]
    heights = [max(_card_height(quote, column) for quote in row) for row in rows]
    return sum(heights) + GAP * (len(rows) - 1)
