"""A quote in its report: the paragraphs around it, cut from the stored full text at its offsets.

The loader located every quote verbatim in its report's text (`app.seeding.quote_rows`), so the
offsets cut the text exactly: the passage holding the quote is the paragraph (or paragraphs)
that its offsets fall in, and the paragraphs around it are the report's own, blank-line
separated, as the text file holds them.
"""

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import schemas
from app.queries.quotes import read_quote
from app.queries.tables import report

# A paragraph: a run of text that no blank line breaks.
_PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\n]+)*")


@dataclass(frozen=True)
class _Paragraph:
    start: int
    end: int
    text: str


def quote_context(session: Session, quote_id: str, paragraphs: int) -> schemas.QuoteContext | None:
    """The quote with its passage and `paragraphs` paragraphs before and after it; None for an
    unknown quote."""
    quote = read_quote(session, quote_id)
    if quote is None:
        return None
    text = session.execute(
        select(report.c.full_text).where(report.c.id == quote.report.id)
    ).scalar_one()
    start, end = quote.location.start_offset, quote.location.end_offset
    found = [_Paragraph(m.start(), m.end(), m.group()) for m in _PARAGRAPH.finditer(text or "")]
    holding = [i for i, p in enumerate(found) if p.end > start and p.start < end]
    first, last = holding[0], holding[-1]
    passage_start, passage_end = found[first].start, found[last].end
    return schemas.QuoteContext(
        quote=quote,
        before=[p.text for p in found[max(0, first - paragraphs) : first]],
        passage=schemas.ContextPassage(
            before=text[passage_start:start],
            quote=text[start:end],
            after=text[end:passage_end],
        ),
        after=[p.text for p in found[last + 1 : last + 1 + paragraphs]],
    )
