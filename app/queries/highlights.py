"""A page's quotes with the words of its search marked, by the databases' own highlighters (as
/v1/search marks its snippets), each quote whole and verbatim around the marks.

Only the terms the ranking table matches are marked: on SQLite, in a search that mixes words
and prefixes, the words (its stemmed FTS5 table); a prefix-only search marks its prefixes.
"""

from typing import Any

from sqlalchemy import func, literal_column, select, text
from sqlalchemy.orm import Session

from app import schemas
from app.db import FTS_PREFIX_TABLE, FTS_TABLE
from app.queries.fulltext import fts5_expression, parse_query, split_terms, tsquery
from app.queries.search import START, STOP, mark_snippet
from app.queries.tables import quote

HIGHLIGHT_ALL = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"


def highlighted(session: Session, quotes: list[schemas.Quote], query: str) -> dict[str, str]:
    """Each quote's text as HTML with the search's words in `<mark>`, by quote id (a quote the
    highlighter leaves unmarked is left out)."""
    words, prefixes = split_terms(parse_query(query))
    if not quotes or not (words or prefixes):
        return {}
    ids = [q.id for q in quotes]
    if session.get_bind().dialect.name == "sqlite":
        main = FTS_TABLE if words else FTS_PREFIX_TABLE
        seqs = select(quote.c.seq).where(quote.c.id.in_(ids))
        statement: Any = (
            select(
                literal_column(f"{main}.object_id"),
                literal_column(f"highlight({main}, 3, char(2), char(3))"),
            )
            .select_from(text(main))
            .where(
                text(f"{main} MATCH :highlight_query").bindparams(
                    highlight_query=fts5_expression(words or prefixes)
                ),
                literal_column(f"{main}.rowid").in_(seqs),
            )
        )
    else:
        config, terms = ("english", words) if words else ("simple", prefixes)
        headline = func.ts_headline(
            literal_column(f"'{config}'"), quote.c.text, tsquery(terms), HIGHLIGHT_ALL
        )
        statement = select(quote.c.id, headline).where(quote.c.id.in_(ids))
    texts = {q.id: q.text for q in quotes}
    marked = {}
    for quote_id, html_text in session.execute(statement).all():
        # Kept only where the marks surround the verbatim text: nothing else may change.
        if START in html_text and html_text.replace(START, "").replace(STOP, "") == texts[quote_id]:
            marked[quote_id] = mark_snippet(html_text)
    return marked
