"""Turning any user text into a safe full-text query, the same way on SQLite and PostgreSQL.

Neither backend's query syntax is safe for user text (FTS5 parses the bound `MATCH` parameter;
`to_tsquery` raises on ordinary input), so the text is parsed here into plain terms: words,
`"quoted phrases"` and `prefix*` words. Everything else (operators, column filters,
punctuation, control characters) is dropped. English stop words are dropped on both backends, as
PostgreSQL's `english` configuration does, so that both find the same quotes.
"""

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, literal_column, select, text

from app.db import FTS_TABLE

MAX_TERMS = 16
# PostgreSQL's english.stop, the list its `english` text search configuration ignores.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom this
    that these those am is are was were be been being have has had having do does did doing a an
    the and but if or because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under again further then
    once here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now""".split()
)
_PIECE = re.compile(r'"([^"]*)"?|([^\s"]+)')
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    """A search term: one word, a phrase of several, or a word matched as a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


def parse_query(query: str) -> list[Term]:
    """Parse user text into at most MAX_TERMS terms; an empty list means "matches nothing"."""
    terms: list[Term] = []
    for match in _PIECE.finditer(query):
        phrase, bare = match.group(1), match.group(2)
        if phrase is not None:
            words = tuple(w for w in _WORD.findall(phrase.lower()) if w not in STOP_WORDS)
            if words:
                terms.append(Term(words))
            continue
        words = _WORD.findall(bare.lower())
        for index, word in enumerate(words):
            prefix = bare.endswith("*") and index == len(words) - 1
            if word not in STOP_WORDS:
                terms.append(Term((word,), prefix=prefix))
    return terms[:MAX_TERMS]


def fts5_expression(terms: list[Term]) -> str:
    """An FTS5 MATCH expression: every term quoted, all of them required."""
    return " ".join(f'"{" ".join(t.words)}"' + ("*" if t.prefix else "") for t in terms)


def search_condition_sqlite(
    quote_id: ColumnElement[str], terms: list[Term]
) -> ColumnElement[bool]:
    """`quote.id IN (ids the FTS5 index matches)`."""
    matches = (
        select(literal_column("quote_id"))
        .select_from(text(FTS_TABLE))
        .where(text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=fts5_expression(terms)))
    )
    return quote_id.in_(matches)


def postgres_match(document: ColumnElement[str], terms: list[Term]) -> ColumnElement[bool]:
    """`to_tsvector('english', document) @@ (term1 && term2 ...)`, matching the GIN index."""
    english = literal_column("'english'")
    query = None
    for term in terms:
        if len(term.words) > 1:
            part = func.phraseto_tsquery(english, " ".join(term.words))
        elif term.prefix:
            part = func.to_tsquery(english, term.words[0] + ":*")
        else:
            part = func.plainto_tsquery(english, term.words[0])
        query = part if query is None else query.op("&&")(part)
    return func.to_tsvector(english, document).op("@@")(query)
