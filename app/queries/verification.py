"""Whether a text said to be a quote from the reports is one, and if not, which quotes are close
and how they differ.

A text is first narrowed to the quotes that hold its longest words (the full-text index, so the
cost does not grow with the corpus), then compared with each of them: character for character
(verbatim), then with quotation marks, apostrophes, dashes, ellipses and case folded (the words
are right, the typography is not). Failing both, the quotes that share most of its words, best
ranked first, are aligned with it word by word to show the closest passage and what differs.
"""

import re
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from itertools import islice
from typing import Any, Literal

from sqlalchemy import ColumnElement, Integer, column, func, literal_column, select, table, text
from sqlalchemy.orm import Session

from app import schemas, urls
from app.db import FTS_TABLE
from app.params import QuoteFilters
from app.queries.errors import InvalidQuery
from app.queries.fulltext import MAX_TERMS, QUOTE_VECTORS, STOP_WORDS
from app.queries.quotes import compile_filters, iter_quotes, quotes_by_id
from app.queries.tables import quote, report

MAX_TEXT_CHARS = 2000  # the longest printed quote has 732
MAX_MATCHES = 20
# The most quotes holding the text's words that are compared with it: a short excerpt of common
# words may be held by thousands at a million quotes; the first in report order are checked.
MAX_CANDIDATES = 1000
NEAREST = 12  # quotes sharing the most words, aligned word by word
CLOSEST = 3
MAX_DIFFERENCES = 20
# Below this share of its words in order, a quote is not "close" to the text.
MIN_SIMILARITY = 0.3
DifferenceKind = Literal["replaced", "missing", "added"]
_WORD = re.compile(r"[^\W_]+")
_DOUBLE_QUOTES = '"“”„«»'
_SINGLE_QUOTES = "'‘’‚"
_TYPOGRAPHY = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "–": "-", "—": "-", "…": "..."}
)
_ADDED: DifferenceKind = "added"
_KINDS: dict[str, DifferenceKind] = {"replace": "replaced", "insert": "missing"}
_EDGE_PUNCTUATION = "\"'.,;:!?()[]-…“”‘’–—"


def normalise(given: str) -> str:
    """The text as checked: white space runs made one space, outer quotation marks removed."""
    checked = " ".join(given.split()).strip(_DOUBLE_QUOTES + " ")
    # Single quotes only as a pair: an apostrophe may end a word ("payers’").
    if len(checked) > 1 and checked[0] in _SINGLE_QUOTES and checked[-1] in _SINGLE_QUOTES:
        checked = checked[1:-1].strip()
    return checked


def fold(passage: str) -> str:
    """The passage with typography folded: straight quotes, hyphens, three dots, lower case."""
    return passage.translate(_TYPOGRAPHY).casefold()


def verify_quote(session: Session, given: str, filters: QuoteFilters) -> schemas.Verification:
    """The verdict on `given` among the quotes that meet `filters`."""
    if "\x00" in given:
        raise InvalidQuery.of("text", "The text contains a NUL character.")
    checked = normalise(given)
    if len(checked) > MAX_TEXT_CHARS:
        raise InvalidQuery.of("text", f"The text is over {MAX_TEXT_CHARS} characters.")
    words = _search_words(checked)
    if not words:
        raise InvalidQuery.of("text", "The text has no word to look it up by.")
    scope = compile_filters(session, filters).conditions
    candidates = list(islice(_holding(session, scope, words), MAX_CANDIDATES))
    for verdict, same in (("verbatim", _same), ("typography_differs", _same_folded)):
        matches = [
            (quoted, same(checked) == same(quoted.text))
            for quoted in candidates
            if _prints(same(quoted.text), same(checked))
        ][:MAX_MATCHES]
        if matches:
            cited = cite(session, [quoted for quoted, _ in matches])
            return schemas.Verification(
                verdict=verdict,
                text=checked,
                matches=[
                    schemas.VerbatimMatch(quote=c, whole=whole)
                    for c, (_, whole) in zip(cited, matches, strict=True)
                ],
                closest=[],
            )
    closest = _closest(session, checked, _nearest(session, scope, words))
    return schemas.Verification(
        verdict="not_verbatim" if closest else "not_found",
        text=checked,
        matches=[],
        closest=closest,
    )


def cite(session: Session, quotes: Sequence[schemas.Quote]) -> list[schemas.CitedQuote]:
    """The quotes with their permalinks and their reports' credit lines."""
    report_ids = {q.report.id for q in quotes}
    rows = session.execute(select(report.c.id, report.c.credit).where(report.c.id.in_(report_ids)))
    credits = {row.id: row.credit for row in rows}
    return [
        schemas.CitedQuote(
            **q.model_dump(), permalink=urls.quote(q.id), credit=credits.get(q.report.id, "")
        )
        for q in quotes
    ]


def _prints(printed: str, passage: str) -> bool:
    """Whether `printed` holds `passage` as whole words (an excerpt cut inside a word is not
    what the report prints)."""
    return re.search(rf"(?<!\w){re.escape(passage)}(?!\w)", printed) is not None


def _same(passage: str) -> str:
    return " ".join(passage.split())


def _same_folded(passage: str) -> str:
    return fold(_same(passage))


def _search_words(checked: str) -> list[str]:
    """The text's longest distinct words that are not stop words: rarer words narrow more."""
    words = dict.fromkeys(w for w in _WORD.findall(checked.lower()) if w not in STOP_WORDS)
    return sorted(words, key=len, reverse=True)[:MAX_TERMS]


def _holding(
    session: Session, scope: list[ColumnElement[bool]], words: list[str]
) -> Iterable[schemas.Quote]:
    """The quotes in scope that hold every one of `words` (stemmed, as `q` matches), in report
    order: every quote that prints the text holds them."""
    condition = compile_filters(session, QuoteFilters(q=" ".join(words))).text
    assert condition is not None  # a q of words always compiles to a search
    return iter_quotes(session, [*scope, condition], batch=100)


def _nearest(
    session: Session, scope: list[ColumnElement[bool]], words: list[str]
) -> list[schemas.Quote]:
    """The quotes in scope holding any of `words`, best ranked first (as /v1/search ranks)."""
    if session.get_bind().dialect.name == "sqlite":
        fts = table(FTS_TABLE, column("rowid", Integer))
        expression = " OR ".join(f'"{word}"' for word in words)
        statement = (
            select(quote.c.id)
            .select_from(fts.join(quote, quote.c.seq == fts.c.rowid))
            .where(text(f"{FTS_TABLE} MATCH :nearest").bindparams(nearest=expression), *scope)
            .order_by(literal_column(f"bm25({FTS_TABLE}, 0, 0, 2.0, 1.0)"), quote.c.seq)
        )
    else:
        parts = [func.plainto_tsquery(literal_column("'english'"), word) for word in words]
        query: ColumnElement[Any] = parts[0]
        for part in parts[1:]:
            query = query.op("||")(part)
        vector = QUOTE_VECTORS["english"]
        statement = (
            select(quote.c.id)
            .where(vector.op("@@")(query), *scope)
            .order_by(func.ts_rank(vector, query).desc(), quote.c.seq)
        )
    ids = list(session.execute(statement.limit(NEAREST)).scalars())
    found = quotes_by_id(session, ids)
    return [found[quote_id] for quote_id in ids if quote_id in found]


def _closest(
    session: Session, checked: str, nearest: list[schemas.Quote]
) -> list[schemas.CloseQuote]:
    """The quotes most like the text, word by word, with how each differs."""
    given = checked.split()
    scored = [(_alignment(given, q.text.split()), q) for q in nearest]
    kept = sorted(
        ((score, q) for score, q in scored if score[0] >= MIN_SIMILARITY),
        key=lambda pair: -pair[0][0],
    )[:CLOSEST]
    cited = cite(session, [q for _, q in kept])
    return [
        schemas.CloseQuote(quote=c, similarity=round(similarity, 3), differences=differences)
        for c, ((similarity, differences), _) in zip(cited, kept, strict=True)
    ]


def _alignment(given: list[str], printed: list[str]) -> tuple[float, list[schemas.Difference]]:
    """The share of the given words found in order in the printed ones, and the differences
    within the printed passage they span (the words around it are not differences)."""
    matcher = SequenceMatcher(None, _tokens(given), _tokens(printed), autojunk=False)
    blocks = [block for block in matcher.get_matching_blocks() if block.size]
    if not blocks:
        return 0.0, []
    similarity = sum(block.size for block in blocks) / len(given)
    first, last = blocks[0].b, blocks[-1].b + blocks[-1].size
    differences: list[schemas.Difference] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        outside = j2 <= first or j1 >= last
        if op == "equal" or (op == "insert" and outside):
            continue
        # Past the passage's ends, the text's own words are added, not replacing any.
        added = op == "delete" or (op == "replace" and outside)
        differences.append(
            schemas.Difference(
                kind=_ADDED if added else _KINDS[op],
                given=" ".join(given[i1:i2]),
                printed="" if added else " ".join(printed[j1:j2]),
            )
        )
    return similarity, differences[:MAX_DIFFERENCES]


def _tokens(words: list[str]) -> list[str]:
    """Words compared without the punctuation and typography around them."""
    return [fold(word).strip(_EDGE_PUNCTUATION) for word in words]
