"""The body of one layer's section: its introduction, its themes, and each theme's quotes.

A theme is a sub-heading, its summary (the paragraphs before its first quote) and its quotes; a
quote is a paragraph in quotation marks followed by an attribution line, or several paragraphs
when the first opens a quotation it does not close. Anything else that stands where quotes
stand is noted for review, never taken as a quote.
"""

from dataclasses import dataclass, field

from app.curation.layout import (
    Paragraph,
    attribution,
    closes_quote,
    is_heading,
    opens_quote,
    unterminated,
)

# A quote printed across more paragraphs than this is more likely an unclosed quotation mark.
MAX_QUOTE_PARAGRAPHS = 4


@dataclass(frozen=True)
class FoundQuote:
    start: int  # after the opening quotation mark
    end: int  # before the closing quotation mark
    attribution: str
    paragraphs: int


@dataclass
class ThemeBlock:
    title: str
    summary: list[Paragraph] = field(default_factory=list)
    quotes: list[FoundQuote] = field(default_factory=list)
    review: list[str] = field(default_factory=list)


@dataclass
class LayerBody:
    introduction: list[Paragraph] = field(default_factory=list)
    themes: list[ThemeBlock] = field(default_factory=list)
    review: list[str] = field(default_factory=list)  # what belongs to no theme


def _quote_end(paras: list[Paragraph], i: int) -> int | None:
    """The index of the last paragraph of the quote opening at `i`, if an attribution follows."""
    last = min(i + MAX_QUOTE_PARAGRAPHS, len(paras) - 1)
    for k in range(i, last):
        here, after = paras[k], paras[k + 1]
        if k > i and (is_heading(here) or attribution(here) is not None):
            return None
        if closes_quote(here):
            return k if attribution(after) is not None else None
        if k == i and not unterminated(here):
            return None
    return None


def _excerpt(paragraph: Paragraph) -> str:
    text = paragraph.text
    return repr(text if len(text) <= 60 else text[:57] + "...")


def read_body(paras: list[Paragraph], numeral: str) -> LayerBody:
    """The introduction, themes and quotes of one layer section's paragraphs (heading excluded).

    Long because it is one pass over the paragraphs, each kind of block handled in turn.
    """
    body = LayerBody()
    theme: ThemeBlock | None = None
    i = 0
    while i < len(paras):
        here = paras[i]
        notes = theme.review if theme else body.review
        where = f"section {numeral}, at offset {here.start}"
        if is_heading(here):
            theme = ThemeBlock(here.text)
            body.themes.append(theme)
        elif opens_quote(here) and (end := _quote_end(paras, i)) is not None:
            credit = attribution(paras[end + 1]) or ""
            found = FoundQuote(here.start + 1, paras[end].end - 1, credit, end - i + 1)
            if theme is None:
                body.review.append(f"{where}: a quote before any theme heading; not drafted")
            else:
                theme.quotes.append(found)
            i = end + 2
            continue
        elif opens_quote(here):
            notes.append(
                f"{where}: paragraph {_excerpt(here)} is in quotation marks but no "
                "attribution line follows it: a quote? Not drafted as one"
            )
        elif attribution(here) is not None:
            notes.append(
                f"{where}: attribution line {here.text!r} follows no quoted paragraph: is the "
                "paragraph before it a quote printed without quotation marks? Not drafted"
            )
        elif theme is None:
            body.introduction.append(here)
        elif not theme.quotes:
            theme.summary.append(here)
        else:
            notes.append(
                f"{where}: paragraph {_excerpt(here)} stands among the quotes without quotation "
                "marks or attribution: commentary, or a quote? Not drafted"
            )
        i += 1
    return body
