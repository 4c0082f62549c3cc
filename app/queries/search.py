"""One ranked search across quotes, themes and layers (bm25 on SQLite, ts_rank on PostgreSQL).
Long because the one search is written for both backends side by side, so that each keeps
finding what the other finds.

Snippets come from the databases' own highlighters with control-character sentinels around the
matches; the text is then HTML-escaped and only the sentinels become `<mark>` tags, since neither
`snippet()` nor `ts_headline` escapes anything.
"""

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session

from app.db import FTS_PREFIX_TABLE, FTS_TABLE
from app.queries.errors import InvalidQuery
from app.queries.fulltext import (
    QUOTE_VECTORS,
    SEARCH_DOCUMENTS,
    THEME_VECTORS,
    Term,
    fts5_expression,
    parse_query,
    split_terms,
    tsquery,
)
from app.queries.fulltext import tsvector as to_vector
from app.queries.quotes import check_ids_exist
from app.queries.tables import interview, quote, report, report_layer, theme
from app.schemas import ReportRef

START, STOP = "\x02", "\x03"
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, ShortWord=2, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)


@dataclass(frozen=True)
class SearchMatch:
    """One hit: what matched, its title, its marked snippet and its score."""

    type: str
    id: str
    title: str
    snippet: str
    score: float
    report: ReportRef | None


def search(
    session: Session,
    query: str,
    *,
    limit: int,
    offset: int,
    reports: Sequence[str] = (),
) -> list[SearchMatch]:
    """The best matches for `query` (in `reports`, if any), best first; an empty list when it
    has no searchable term. Unknown report ids are an InvalidQuery."""
    if "\x00" in query:
        raise InvalidQuery.of("q", "The search text contains a NUL character.")
    if not query.strip():
        raise InvalidQuery.of("q", "The search text is empty.")
    check_ids_exist(session, {"report": list(reports)} if reports else {})
    terms = parse_query(query)
    if not terms:
        return []
    if session.get_bind().dialect.name == "sqlite":
        in_reports = _sqlite_in_reports(session, _fts_table(terms), reports) if reports else None
        statement = _sqlite_search(terms, in_reports, limit=limit, offset=offset)
    else:
        statement = _postgres_search(terms, reports, limit=limit, offset=offset)
    rows = session.execute(statement).all()
    return [
        SearchMatch(
            type=row.kind,
            id=row.object_id,
            title=row.title,
            snippet=mark_snippet(row.snippet),
            score=round(float(row.score), 6),
            report=ReportRef(id=row.report_id, title=row.report_title) if row.report_id else None,
        )
        for row in rows
    ]


def mark_snippet(snippet: str) -> str:
    """Escape the snippet, then turn the sentinels into <mark> tags."""
    escaped = html.escape(snippet, quote=True)
    return escaped.replace(START, "<mark>").replace(STOP, "</mark>")


def _owned(kind: str, object_id: ColumnElement[str], reports: Sequence[str]) -> Any:
    """A theme or layer document of one of `reports`: a theme it prints, a layer it gives
    texts for (a few hundred rows at most, so a lookup per match is cheap)."""
    key, owner = {
        "theme": (theme.c.id, theme.c.report_id),
        "layer": (report_layer.c.layer_id, report_layer.c.report_id),
    }[kind]
    return exists().where(key == object_id, owner.in_(reports))


def _sqlite_in_reports(session: Session, table: str, reports: Sequence[str]) -> ColumnElement[bool]:
    """The FTS rows of `reports`, told by rowid alone where it can be.

    A quote's rowid is its seq, and the loader numbers each report's quotes as one run of seq
    (report order), so a report's quotes are one rowid range; theme and layer rows come after
    the last quote. Reading a row's `kind` or id costs a read of its stored content, which for a
    common word at a million quotes costs more than the ranking itself.
    """
    ranges = session.execute(
        select(func.min(quote.c.seq), func.max(quote.c.seq))
        .where(quote.c.report_id.in_(reports))
        .group_by(quote.c.report_id)
    ).all()
    last_quote = session.execute(select(func.max(quote.c.seq))).scalar() or 0
    kind: ColumnElement[str] = literal_column(f"{table}.kind")
    object_id: ColumnElement[str] = literal_column(f"{table}.object_id")
    rowid: ColumnElement[int] = literal_column(f"{table}.rowid")
    others = [and_(kind == name, _owned(name, object_id, reports)) for name in ("theme", "layer")]
    return or_(
        *(rowid.between(low, high) for low, high in ranges),
        and_(rowid > last_quote, or_(*others)),
    )


def _order(score: ColumnElement[Any], kind: ColumnElement[str], object_id: Any) -> list[Any]:
    return [score.desc(), kind, object_id]


def _fts_table(terms: list[Term]) -> str:
    """The FTS5 table a query ranks in: the stemmed one, the prefix one for prefixes only."""
    return FTS_TABLE if split_terms(terms)[0] else FTS_PREFIX_TABLE


def _sqlite_search(
    terms: list[Term], in_reports: ColumnElement[bool] | None, *, limit: int, offset: int
) -> Select[Any]:
    """FTS5: rank and snippet from the stemmed table (the prefix table for prefix-only queries).
    Long because the page and its snippets are two steps of one statement.

    The page is chosen first, by bm25 alone (ties in rowid order), so that snippets and titles
    are made for the page's hits only, not for every match of a common word.
    """
    words, prefixes = split_terms(terms)
    main = _fts_table(terms)
    other = FTS_PREFIX_TABLE if words else None
    conditions: list[Any] = [text(f"{main} MATCH :main_query")]
    params: dict[str, Any] = {"main_query": fts5_expression(words or prefixes)}
    if other and prefixes:
        conditions.append(
            text(
                f"{main}.kind || ':' || {main}.object_id IN (SELECT kind || ':' || object_id "
                f"FROM {other} WHERE {other} MATCH :other_query)"
            )
        )
        params["other_query"] = fts5_expression(prefixes)
    if in_reports is not None:
        conditions.append(in_reports)
    # bm25 is lower for better matches: negate it so that every backend sorts by score desc.
    score: ColumnElement[Any] = literal_column(f"-bm25({main}, 0, 0, 2.0, 1.0)")
    rowid: ColumnElement[int] = literal_column(f"{main}.rowid")
    page = (
        select(rowid.label("hit_rowid"), score.label("score"))
        .select_from(text(main))
        .where(*conditions)
        .order_by(score.desc(), rowid)
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )
    statement: Select[Any] = (
        select(
            literal_column(f"{main}.kind").label("kind"),
            literal_column(f"{main}.object_id").label("object_id"),
            literal_column(f"{main}.title").label("fts_title"),
            literal_column(f"snippet({main}, 3, char(2), char(3), '…', 24)").label("snippet"),
            page.c.score,
        )
        .select_from(page, text(main))
        .where(rowid == page.c.hit_rowid, text(f"{main} MATCH :main_query"))
        .params(**params)
    )
    return _with_titles(statement.subquery())


def _postgres_search(
    terms: list[Term], reports: Sequence[str], *, limit: int, offset: int
) -> Select[Any]:
    """ts_rank over the same documents; quotes through their GIN indexes.

    As on SQLite, the page is chosen by score first and only its hits get a headline.
    """
    words, prefixes = split_terms(terms)
    hits = union_all(*_postgres_matches(words, prefixes, reports)).subquery("hits")
    page = (
        select(hits)
        .order_by(*_order(hits.c.score, hits.c.kind, hits.c.object_id))
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )
    config, query = ("english", tsquery(words)) if words else ("simple", tsquery(prefixes))
    headline = func.ts_headline(literal_column(f"'{config}'"), page.c.body, query, HEADLINE_OPTIONS)
    statement = select(
        page.c.kind, page.c.object_id, page.c.fts_title, headline.label("snippet"), page.c.score
    )
    return _with_titles(statement.subquery())


def _postgres_matches(
    words: list[Term], prefixes: list[Term], reports: Sequence[str]
) -> list[Select[Any]]:
    """Each kind's matching documents (of `reports`, if any) with their scores, one statement
    per kind."""
    branches: list[Select[Any]] = []
    for kind, documents in SEARCH_DOCUMENTS.items():
        source, vectors = _postgres_documents(kind, documents)
        # Words rank and highlight with the english configuration; prefixes with simple.
        groups = (("english", words), ("simple", prefixes))
        matched = [(config, tsquery(group)) for config, group in groups if group]
        conditions = [vectors[config].op("@@")(query) for config, query in matched]
        if reports:
            owned = source.c.report_id.in_(reports) if kind == "quote" else None
            conditions.append(owned if owned is not None else _owned(kind, source.c.id, reports))
        scores = [func.ts_rank(vectors[config], query) for config, query in matched]
        branches.append(
            select(
                literal(kind).label("kind"),
                source.c.id.label("object_id"),
                source.c.title.label("fts_title"),
                source.c.body,
                sum(scores[1:], scores[0]).label("score"),
            ).where(*conditions)
        )
    return branches


def _postgres_documents(kind: str, documents: str) -> tuple[Any, dict[str, ColumnElement[Any]]]:
    """A kind's searchable documents and their tsvector per configuration.

    Quotes and themes bring their stored vectors (indexed by GIN); layers, four documents, are
    vectorised on the fly from their title and body.
    """
    if kind == "quote":
        source = select(
            quote.c.id,
            quote.c.report_id,
            literal("").label("title"),
            quote.c.text.label("body"),
            *(vector.label(config) for config, vector in QUOTE_VECTORS.items()),
        ).subquery("quote_documents")
        return source, {config: source.c[config] for config in QUOTE_VECTORS}
    if kind == "theme":
        source = select(
            theme.c.id,
            theme.c.title,
            theme.c.summary.label("body"),
            *(vector.label(config) for config, vector in THEME_VECTORS.items()),
        ).subquery("theme_documents")
        return source, {config: source.c[config] for config in THEME_VECTORS}
    # Materialised: the planner would otherwise vectorise every report's texts of the layers
    # (4,000 at a thousand reports) before keeping the newest report's four.
    texts = (
        text(documents)
        .columns(literal_column("id"), literal_column("title"), literal_column("body"))
        .cte(f"{kind}_documents")
        .prefix_with("MATERIALIZED")
    )
    document = texts.c.title + " " + texts.c.body
    return texts, {config: to_vector(config, document) for config in QUOTE_VECTORS}


def _with_titles(hits: Any) -> Select[Any]:
    """Hits with their display titles (a quote's is its attribution) and their reports (none for
    a layer, which every report shares), in rank order."""
    attribution = (
        select(interview.c.attribution)
        .join(quote, quote.c.interview_id == interview.c.id)
        .where(quote.c.id == hits.c.object_id)
        .scalar_subquery()
    )
    title = func.coalesce(func.nullif(hits.c.fts_title, ""), attribution)
    owner = case(
        (hits.c.kind == "quote", _column_of(quote.c.report_id, quote.c.id, hits.c.object_id)),
        (hits.c.kind == "theme", _column_of(theme.c.report_id, theme.c.id, hits.c.object_id)),
        else_=null(),
    )
    titled = select(
        hits.c.kind,
        hits.c.object_id,
        title.label("title"),
        owner.label("report_id"),
        hits.c.snippet,
        hits.c.score,
    ).subquery("titled")
    return (
        select(titled, report.c.title.label("report_title"))
        .outerjoin(report, report.c.id == titled.c.report_id)
        .order_by(*_order(titled.c.score, titled.c.kind, titled.c.object_id))
    )


def _column_of(value: Column[Any], key: Column[Any], object_id: Any) -> Any:
    """The hit's `value`, read from the row whose `key` is its id."""
    return select(value).where(key == object_id).scalar_subquery()
