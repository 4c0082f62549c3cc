"""Share cards: the 1200×630 PNG a social network shows for a quote, theme, layer or report page.

Drawn with Pillow in Noto Sans (fontpkg-noto-sans, OFL-1.1, installed by `uv sync` like any
dependency), which has a glyph for every character of the seeds; Pillow's own font lacks the
dashes the quotes use. Text is measured with the font and wrapped at words; the largest size at
which the whole text fits is used, and only when it does not fit at the smallest is it cut at a
word and marked with "…".
"""

import functools
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from app import schemas, urls

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
ELLIPSIS = "…"
# The variable font's file, and its (weight, width) axes (the font's own order) for the two
# styles the card uses.
FONT_FILE = "NotoSans[wdth,wght].ttf"
REGULAR, BOLD = (400, 100), (700, 100)
# Sizes tried for the main text, largest first; below the last, the text is cut.
TEXT_SIZES = (56, 50, 44, 40, 36, 32, 28)
# A title's sizes, and the smaller ones of the text under it.
TITLE_SIZES = (48, 42, 36, 32)
SUMMARY_SIZES = (36, 32, 28, 26)
LINE_SPACING = 1.3
FOOTER_SIZE = 26
# The main text's box: the card less its margins and a footer of two lines.
TEXT_BOX = (WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN - 3 * FOOTER_SIZE - 40)
BACKGROUND, INK, MUTED, ACCENT = "#0b3d5c", "#ffffff", "#b9d4e6", "#5fb3e4"


@dataclass(frozen=True)
class Card:
    """What a card shows: a title (none for a quote), the main text, who says it, where."""

    title: str | None
    text: str
    attribution: str
    source: str

    @property
    def alt(self) -> str:
        """The image's text alternative: everything the card says, uncut."""
        head = f"{self.title}: " if self.title else ""
        return f"{head}{self.text} ({self.attribution}, {self.source})"


@dataclass(frozen=True)
class Fitted:
    """Text laid out in a box: its font size, its lines, and whether it had to be cut."""

    size: int
    lines: list[str]
    cut: bool


@dataclass(frozen=True)
class ShareMeta:
    """What a page's Open Graph and Twitter tags say of its card."""

    image: str
    alt: str
    width: int = WIDTH
    height: int = HEIGHT


def share_meta(kind: str, object_id: str, card: Card) -> ShareMeta:
    """The tags of the card of a `kind` of page (quote, theme, layer, report)."""
    return ShareMeta(image=urls.share_image(kind, object_id), alt=card.alt)


def font_path() -> Path:
    """The TTF the cards are drawn in, from the installed font package."""
    return Path(str(resources.files("fontpkg_noto_sans") / "files" / FONT_FILE))


@functools.lru_cache(maxsize=32)
def font(size: int, axes: tuple[int, int] = REGULAR) -> ImageFont.FreeTypeFont:
    """The card's font at `size` pixels, in a style."""
    # The basic layout: Latin text needs no shaping, and Raqm measures ten times slower.
    loaded = ImageFont.truetype(str(font_path()), size, layout_engine=ImageFont.Layout.BASIC)
    loaded.set_variation_by_axes(list(axes))
    return loaded


def quote_card(quote: schemas.Quote) -> Card:
    """A quote's card: the quote, its attribution and its report."""
    return Card(
        title=None, text=f"“{quote.text}”", attribution=quote.attribution, source=quote.report.title
    )


def theme_card(theme: schemas.Theme, report: schemas.Report) -> Card:
    """A theme's card: its title and summary, under its report's publisher."""
    return Card(theme.title, theme.summary, report.publisher, report.title)


def layer_card(layer: schemas.Layer, report: schemas.Report) -> Card:
    """A layer's card: its name and heading, its description."""
    return Card(f"{layer.name}: {layer.heading}", layer.description, report.publisher, report.title)


def report_card(report: schemas.Report) -> Card:
    """A report's card: its title and summary, by its publisher."""
    return Card(report.title, report.summary, report.publisher, report.title)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """`text` in lines no wider than `width`, broken at spaces (a word wider than the line
    stands on its own line).

    Each word is measured once and a line's width summed from its words and spaces; the lines
    are then measured whole, and in the rare case kerning made one too wide, wrapped again
    measuring every candidate line."""
    space = face.getlength(" ")
    lines: list[list[str]] = []
    used = 0.0
    for word in text.split():
        length = face.getlength(word)
        if lines and used + space + length <= width:
            lines[-1].append(word)
            used += space + length
        else:
            lines.append([word])
            used = length
    joined = [" ".join(line) for line in lines]
    if all(face.getlength(line) <= width for line in joined if " " in line):
        return joined
    return _wrap_exactly(text, face, width)


def _wrap_exactly(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """`wrap`, measuring each candidate line whole."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and face.getlength(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def fit(
    text: str,
    *,
    box: tuple[int, int],
    axes: tuple[int, int] = REGULAR,
    sizes: tuple[int, ...] = TEXT_SIZES,
) -> Fitted:
    """The largest size at which `text` fits the box whole; else the smallest, cut at a word
    with an ellipsis."""
    width, height = box
    for size in sizes:
        face = font(size, axes)
        if face.getlength(text) > max_lines(size, height) * width:
            continue  # longer than every line it could have, end to end
        lines = wrap(text, face, width)
        if len(lines) <= max_lines(size, height):
            return Fitted(size, lines, cut=False)
    size = sizes[-1]
    face = font(size, axes)
    lines = wrap(text, face, width)[: max_lines(size, height)]
    return Fitted(size, [*lines[:-1], _cut(lines[-1], face, width)], cut=True)


def max_lines(size: int, height: int) -> int:
    """How many lines of a size a box of `height` holds (at least one)."""
    return max(1, int(height // (size * LINE_SPACING)))


def _cut(line: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    """The last line of a cut text: words dropped from its end until it and "…" fit."""
    words = line.split()
    while len(words) > 1 and face.getlength(" ".join(words) + ELLIPSIS) > width:
        words.pop()
    return " ".join(words).rstrip(",;:.—–-") + ELLIPSIS


def layout(card: Card) -> tuple[Fitted | None, Fitted]:
    """The card's title (a line or two, bold) and its main text in the space left."""
    width, height = TEXT_BOX
    if card.title is None:
        return None, fit(card.text, box=TEXT_BOX)
    title = fit(card.title, box=(width, int(height * 0.35)), axes=BOLD, sizes=TITLE_SIZES)
    used = int(len(title.lines) * title.size * LINE_SPACING) + 16
    return title, fit(card.text, box=(width, height - used), sizes=SUMMARY_SIZES)


def render_png(card: Card) -> bytes:
    """The card as a 1200×630 PNG."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 16, HEIGHT), fill=ACCENT)
    title, text = layout(card)
    y = MARGIN
    for fitted, axes, colour in ((title, BOLD, ACCENT), (text, REGULAR, INK)):
        if fitted is None:
            continue
        for line in fitted.lines:
            draw.text((MARGIN, y), line, font=font(fitted.size, axes), fill=colour)
            y += int(fitted.size * LINE_SPACING)
        y += 16
    footer_y = HEIGHT - MARGIN - 2 * int(FOOTER_SIZE * LINE_SPACING)
    for line, axes, colour in ((card.attribution, BOLD, INK), (card.source, REGULAR, MUTED)):
        face = font(FOOTER_SIZE, axes)
        draw.text((MARGIN, footer_y), _one_line(line, face, TEXT_BOX[0]), font=face, fill=colour)
        footer_y += int(FOOTER_SIZE * LINE_SPACING)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _one_line(text: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    """`text` on one line, cut at a word with "…" only if it is wider than `width`."""
    if face.getlength(text) <= width:
        return text
    return _cut(text, face, width)
