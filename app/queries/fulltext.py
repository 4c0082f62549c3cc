"""Turning any user text into a safe full-text query, the same way on SQLite and PostgreSQL.

Neither backend's query syntax is safe for user text (FTS5 parses the bound `MATCH` parameter;
`to_tsquery` raises on ordinary input), so the text is parsed here into plain terms: words,
`"quoted phrases"` and `prefix*` words. Everything else (operators, column filters,
punctuation, control characters) is dropped. Words and phrases are matched stemmed, without
English stop words (PostgreSQL's `english` configuration, SQLite's porter tokenizer with the same
stop words dropped here); prefixes are matched against the unstemmed words (`simple`,
`unicode61`), since a stem need not start with the prefix a reader typed (`regulat*` must find
"regulate", stemmed "regul"). Both backends thus find the same quotes.
"""

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal_column, select, text

from app.db import FTS_PREFIX_TABLE, FTS_TABLE

MAX_TERMS = 16
# The searchable text of each kind of object, as (id, title, body): the SQLite loader copies these
# into the FTS5 tables, and PostgreSQL reads them directly. Valid SQL on both.
SEARCH_DOCUMENTS = {
    "quote": "SELECT id, '' AS title, text AS body FROM quote",
    "theme": "SELECT id, title, summary AS body FROM theme",
    # A layer is found by the texts of the newest report that prints it (the first by id of
    # reports published the same day), as it shows them: one sort of every report's texts,
    # where a NOT EXISTS per text compared each with all others (12 ms at a thousand reports).
    # In depth order, so the loader numbers the layers' search rows the same on any plan.
    "layer": (
        "SELECT layer.id AS id, layer.name || ': ' || texts.heading AS title, "
        "texts.description || ' ' || COALESCE(texts.introduction, '') AS body "
        "FROM layer JOIN (SELECT report_layer.*, row_number() OVER (PARTITION BY "
        "report_layer.layer_id ORDER BY report.published_on DESC, report.id) AS newness "
        "FROM report_layer JOIN report ON report.id = report_layer.report_id) AS texts "
        "ON texts.layer_id = layer.id WHERE texts.newness = 1 ORDER BY layer.depth"
    ),
}
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
# PostgreSQL's stored vectors of each quote's text, per configuration (made by the migrations,
# not in the models): words match `english`, prefixes `simple`.
QUOTE_VECTORS: dict[str, ColumnElement[Any]] = {
    "english": literal_column("quote.search_vector"),
    "simple": literal_column("quote.search_vector_prefix"),
}
# And of each theme's title and summary, its searchable document (a thousand reports print
# 40,000 themes: too many to vectorise per search).
THEME_VECTORS: dict[str, ColumnElement[Any]] = {
    "english": literal_column("theme.search_vector"),
    "simple": literal_column("theme.search_vector_prefix"),
}
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
            phrase_words = tuple(w for w in _WORD.findall(phrase.lower()) if w not in STOP_WORDS)
            if phrase_words:
                terms.append(Term(phrase_words))
            continue
        words = _WORD.findall(bare.lower())
        for index, word in enumerate(words):
            prefix = bare.endswith("*") and index == len(words) - 1
            if prefix or word not in STOP_WORDS:
                terms.append(Term((word,), prefix=prefix))
    return terms[:MAX_TERMS]


def split_terms(terms: list[Term]) -> tuple[list[Term], list[Term]]:
    """The whole words and phrases (matched stemmed), and the prefixes (matched unstemmed)."""
    return [t for t in terms if not t.prefix], [t for t in terms if t.prefix]


def fts5_expression(terms: list[Term]) -> str:
    """An FTS5 MATCH expression: every term quoted, all of them required."""
    return " ".join(f'"{" ".join(t.words)}"' + ("*" if t.prefix else "") for t in terms)


def search_condition(
    dialect: str, quote_seq: ColumnElement[int], terms: list[Term], *, per_quote: bool = False
) -> ColumnElement[bool]:
    """A condition true for the quotes whose text matches every term.

    On SQLite a quote's FTS5 rows have its `seq` as rowid: matching rowids are read straight
    off the index, without the stored columns. That collects every match first; `per_quote`
    instead looks each quote's rowid up in the matches, which costs less when the other filters
    leave few quotes to check (a common word has 100,000 matches at a million quotes, an
    interview some fifty quotes).
    """
    words, prefixes = split_terms(terms)
    conditions: list[ColumnElement[bool]] = []
    if dialect == "sqlite":
        for table, group in ((FTS_TABLE, words), (FTS_PREFIX_TABLE, prefixes)):
            if group and per_quote:
                rowids = fts5_rowids(table, group)
                conditions.append(exists(rowids.where(literal_column("rowid") == quote_seq)))
            elif group:
                conditions.append(quote_seq.in_(fts5_rowids(table, group)))
    else:
        if words:
            conditions.append(QUOTE_VECTORS["english"].op("@@")(tsquery(words)))
        if prefixes:
            conditions.append(QUOTE_VECTORS["simple"].op("@@")(tsquery(prefixes)))
    return and_(*conditions)


def fts5_rowids(table: str, terms: list[Term]) -> Select[Any]:
    """The rowids of the rows of FTS5 `table` that match every term (a quote's: its seq).

    Theme and layer rows come after every quote's, so no quote's seq is one of theirs.
    """
    return (
        select(literal_column("rowid"))
        .select_from(text(table))
        .where(
            text(f"{table} MATCH :{table}_query").bindparams(
                **{f"{table}_query": fts5_expression(terms)}
            )
        )
    )


def tsvector(config: str, document: ColumnElement[str]) -> ColumnElement[Any]:
    # A literal config, so that the expression matches the GIN index's expression.
    return func.to_tsvector(literal_column(f"'{config}'"), document)


def tsquery(terms: list[Term]) -> ColumnElement[Any]:
    """`term1 && term2 ...` as tsqueries; none of these functions raises on any input."""
    parts: list[ColumnElement[Any]] = []
    for term in terms:
        if term.prefix:
            # The word is letters and digits only, so `word:*` is always valid tsquery syntax.
            parts.append(func.to_tsquery(literal_column("'simple'"), term.words[0] + ":*"))
        elif len(term.words) > 1:
            parts.append(func.phraseto_tsquery(literal_column("'english'"), " ".join(term.words)))
        else:
            parts.append(func.plainto_tsquery(literal_column("'english'"), term.words[0]))
    query: ColumnElement[Any] = parts[0]
    for part in parts[1:]:
        query = query.op("&&")(part)
    return query
