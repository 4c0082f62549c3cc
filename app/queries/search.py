"""One ranked search across quotes, themes and layers (bm25 on SQLite, ts_rank on PostgreSQL).

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
        statement = _sqlite_search(terms, reports, limit=limit, offset=offset)
    else:
        statement = _postgres_search(terms, reports, limit=limit, offset=offset)
    rows = session.execute(statement).all()
    return [
        SearchMatch(
            type=row.kind,
            id=row.object_id,
            title=row.title,
            snippet=_mark(row.snippet),
            score=round(float(row.score), 6),
            report=ReportRef(id=row.report_id, title=row.report_title) if row.report_id else None,
        )
        for row in rows
    ]


def _mark(snippet: str) -> str:
    """Escape the snippet, then turn the sentinels into <mark> tags."""
    escaped = html.escape(snippet, quote=True)
    return escaped.replace(START, "<mark>").replace(STOP, "</mark>")


def _in_reports(
    kind: ColumnElement[str], object_id: ColumnElement[str], reports: Sequence[str]
) -> ColumnElement[bool]:
    """The hits that belong to one of `reports`: its quotes and themes, and the layers it prints.

    Correlated on the hit's id, so a filter costs one index lookup per match, whatever the size
    of the reports.
    """
    owned = [
        ("quote", quote.c.id, quote.c.report_id),
        ("theme", theme.c.id, theme.c.report_id),
        ("layer", report_layer.c.layer_id, report_layer.c.report_id),
    ]
    return or_(
        *(
            and_(kind == name, exists().where(key == object_id, owner.in_(reports)))
            for name, key, owner in owned
        )
    )


def _order(score: ColumnElement[Any], kind: ColumnElement[str], object_id: Any) -> list[Any]:
    return [score.desc(), kind, object_id]


def _sqlite_search(
    terms: list[Term], reports: Sequence[str], *, limit: int, offset: int
) -> Select[Any]:
    """FTS5: rank and snippet from the stemmed table (the prefix table for prefix-only queries).
    Long because the page and its snippets are two steps of one statement.

    The page is chosen first, by bm25 alone (ties in rowid order), so that snippets and titles
    are made for the page's hits only, not for every match of a common word.
    """
    words, prefixes = split_terms(terms)
    main, other = (FTS_TABLE, FTS_PREFIX_TABLE) if words else (FTS_PREFIX_TABLE, None)
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
    if reports:
        conditions.append(
            _in_reports(
                literal_column(f"{main}.kind"), literal_column(f"{main}.object_id"), reports
            )
        )
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
    hits = union_all(*_postgres_matches(words, prefixes)).subquery("hits")
    in_reports = [_in_reports(hits.c.kind, hits.c.object_id, reports)] if reports else []
    page = (
        select(hits)
        .where(*in_reports)
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


def _postgres_matches(words: list[Term], prefixes: list[Term]) -> list[Select[Any]]:
    """Each kind's matching documents with their scores, one statement per kind."""
    branches: list[Select[Any]] = []
    for kind, documents in SEARCH_DOCUMENTS.items():
        source, vectors = _postgres_documents(kind, documents)
        # Words rank and highlight with the english configuration; prefixes with simple.
        groups = (("english", words), ("simple", prefixes))
        matched = [(config, tsquery(group)) for config, group in groups if group]
        conditions = [vectors[config].op("@@")(query) for config, query in matched]
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

    Quotes bring their stored vectors (indexed by GIN); themes and layers, a few dozen rows,
    are vectorised on the fly from their title and body.
    """
    if kind == "quote":
        source = select(
            quote.c.id,
            literal("").label("title"),
            quote.c.text.label("body"),
            *(vector.label(config) for config, vector in QUOTE_VECTORS.items()),
        ).subquery("quote_documents")
        return source, {config: source.c[config] for config in QUOTE_VECTORS}
    source = (
        text(f"({documents})")
        .columns(literal_column("id"), literal_column("title"), literal_column("body"))
        .subquery(f"{kind}_documents")
    )
    document = source.c.title + " " + source.c.body
    return source, {config: to_vector(config, document) for config in QUOTE_VECTORS}


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
