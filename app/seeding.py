"""The seed loader: validates the whole seed data set, then writes it in one transaction.

Loading is idempotent and keyed on the stable ids: rows whose content is unchanged are left
alone, changed rows are updated in place, new rows inserted and rows no longer in the seeds
deleted. The data version is a hash of everything loaded, so a reseed that changes nothing
writes nothing and keeps the version (and every ETag derived from it).

A table that is empty when the load starts (the first load) has nothing to compare with: its
rows go in through the driver's bulk path (COPY on PostgreSQL, a plain executemany on SQLite),
and a big one gets its indexes built after its rows, in the same transaction.
"""

import gc
import hashlib
import json
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    UniqueConstraint,
    and_,
    delete,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)

from app.db import FTS_PREFIX_TABLE, FTS_TABLE
from app.models import metadata
from app.queries.dimensions import refresh_quote_counts
from app.queries.fulltext import SEARCH_DOCUMENTS
from app.seed_files import (
    SPECS,
    InterviewRecord,
    LayerRecord,
    OrganisationTypeRecord,
    QuoteRecord,
    Record,
    ReportRecord,
    SeedError,
    SeedFile,
    SeedProblem,
    StakeholderTypeRecord,
    TagRecord,
    ThemeRecord,
    read_seed_file,
)

Row = dict[str, Any]
# Columns the loader derives from others (report order, copies of the interview's and theme's
# dimensions): left out of the data version, which hashes content only.
DERIVED_COLUMNS = {
    "quote": frozenset({"seq", "layer_id", "stakeholder_type_id", "organisation_type_id"}),
    "quote_tag": frozenset({"position"}),
}
# Parents before children: inserts run in this order, deletes in reverse.
TABLE_ORDER = (
    "report",
    "report_section",
    "statement",
    "layer",
    "theme",
    "stakeholder_type",
    "organisation_type",
    "interview",
    "tag",
    "quote",
    "quote_tag",
)
# On a first load, an empty table receiving at least this many rows has its indexes (and on
# PostgreSQL its foreign keys) made after its rows: one sort instead of a B-tree insert per row.
BULK_ROWS = 10_000
# The load connection's SQLite page cache (KiB), for the index builds and the bulk inserts.
LOAD_CACHE_KIB = 128 * 1024


@dataclass(frozen=True)
class LoadResult:
    """What a load did."""

    data_version: str
    changed: bool
    counts: dict[str, int]


def load_seeds(engine: Engine, seeds_dir: Path) -> LoadResult:
    """Validate the seed data in `seeds_dir` and write it; a SeedError leaves the database as is."""
    with _collector_paused():
        rows = build_rows(read_all(seeds_dir), seeds_dir)
        counts = {table: len(table_rows) for table, table_rows in rows.items()}
        with engine.connect() as connection, _load_cache(connection):
            _begin_exclusive(connection)
            current = connection.execute(text("SELECT data_version FROM dataset_state")).scalar()
            if current is None:
                version = _write_first_load(connection, rows)
            else:
                version = data_version(rows)
                if version == current:
                    connection.rollback()
                    return LoadResult(version, changed=False, counts=counts)
                _write(connection, rows, first_load=False)
                _record_version(connection, version)
            connection.commit()
    return LoadResult(version, changed=True, counts=counts)


def _write(connection: Connection, rows: dict[str, list[Row]], *, first_load: bool) -> None:
    write_rows(connection, rows, first_load=first_load)
    _rebuild_search_index(connection)
    refresh_quote_counts(connection)


def _write_first_load(connection: Connection, rows: dict[str, list[Row]]) -> str:
    """Load a database that has no data version yet, hashing the version meanwhile.

    No version can equal a missing one, so the rows go in at once, and the version is hashed in
    a thread while the database works with the GIL released: from the start on PostgreSQL,
    whose COPY hands over whole buffers; on SQLite once the rows are in, since its executemany
    takes the GIL back for every row and a hashing thread would hold it up.
    """
    with ThreadPoolExecutor(1, "data-version") as hasher:
        if connection.dialect.name == "postgresql":
            hashing = hasher.submit(data_version, rows)
            _write(connection, rows, first_load=True)
        else:
            write_rows(connection, rows, first_load=True)
            hashing = hasher.submit(data_version, rows)
            _rebuild_search_index(connection)
            refresh_quote_counts(connection)
        version = hashing.result()
    _record_version(connection, version)
    return version


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a load.

    A load makes millions of objects and no reference cycles; each collection walked all of
    them again, some 15 s of reading and building a million quotes.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _load_cache(connection: Connection) -> Iterator[None]:
    """Give the load's SQLite connection a bigger page cache, and the pool back the usual one."""
    if connection.dialect.name != "sqlite":
        yield
        return
    usual = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size = -{LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {usual}")


def read_all(seeds_dir: Path) -> dict[str, SeedFile]:
    """Read every seed file, collecting the problems of all files before failing."""
    files: dict[str, SeedFile] = {}
    problems: list[SeedProblem] = []
    for key, spec in SPECS.items():
        try:
            files[key] = read_seed_file(seeds_dir, spec)
        except SeedError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SeedError(problems)
    return files


T = TypeVar("T", bound=Record)


def _records(files: dict[str, SeedFile], kind: type[T]) -> list[T]:
    key = next(key for key, spec in SPECS.items() if spec.record is kind)
    return cast(list[T], files[key].records)


class _Problems:
    """Collects cross-record problems, located like the per-record ones."""

    def __init__(self) -> None:
        self.items: list[SeedProblem] = []

    def add(self, key: str, index: int, record_id: str, field: str, message: str) -> None:
        label = f"seeds/{SPECS[key].filename}"
        self.items.append(SeedProblem(label, message, index, record_id, field))

    def unique_ids(self, key: str, records: Sequence[Any]) -> None:
        seen: set[str] = set()
        for index, record in enumerate(records, start=1):
            if record.id in seen:
                self.add(key, index, record.id, "id", f"duplicate id {record.id!r}")
            seen.add(record.id)

    def raise_if_any(self) -> None:
        if self.items:
            raise SeedError(self.items)


def section_id(report_id: str, numeral: str) -> str:
    """The stable id of a report section, e.g. `cgt-insights-2026-v`."""
    return f"{report_id}-{numeral.lower()}"


def build_rows(files: dict[str, SeedFile], seeds_dir: Path) -> dict[str, list[Row]]:
    """Check every cross-reference and turn the records into table rows."""
    problems = _Problems()
    reports = _records(files, ReportRecord)
    layers = _records(files, LayerRecord)
    themes = _records(files, ThemeRecord)
    types = _records(files, StakeholderTypeRecord)
    organisations = _records(files, OrganisationTypeRecord)
    interviews = _records(files, InterviewRecord)
    tags = _records(files, TagRecord)
    quotes = _records(files, QuoteRecord)
    for key, records in (
        ("reports", reports),
        ("layers", layers),
        ("themes", themes),
        ("stakeholder_types", types),
        ("organisation_types", organisations),
        ("interviews", interviews),
        ("tags", tags),
        ("quotes", quotes),
    ):
        problems.unique_ids(key, records)
    problems.unique_ids("reports", [s for r in reports for s in r.statements])

    rows: dict[str, list[Row]] = {table: [] for table in TABLE_ORDER}
    full_texts = _report_rows(reports, seeds_dir, rows, problems)
    sections = {row["id"] for row in rows["report_section"]}
    _layer_rows(layers, files["layers"].report, sections, rows, problems)
    _theme_rows(themes, {layer.id for layer in layers}, rows, problems)
    _stakeholder_type_rows(types, rows, problems)
    rows["organisation_type"] = [{"id": o.id, "name": o.name} for o in organisations]
    _interview_rows(interviews, files["interviews"].report, rows, problems)
    rows["tag"] = [t.model_dump(include={"id", "kind", "name", "description"}) for t in tags]
    _quote_rows(quotes, files["quotes"].report, full_texts, rows, problems)
    problems.raise_if_any()
    return rows


def _report_rows(
    reports: list[ReportRecord], seeds_dir: Path, rows: dict[str, list[Row]], problems: _Problems
) -> dict[str, str]:
    full_texts: dict[str, str] = {}
    for index, report in enumerate(reports, start=1):
        full_text = None
        if report.full_text is not None:
            full_text = _read_text(seeds_dir, report.full_text)
            if full_text is None:
                problems.add(
                    "reports",
                    index,
                    report.id,
                    "full_text",
                    f"{report.full_text!r} is not a readable UTF-8 file inside seeds/",
                )
            else:
                full_texts[report.id] = full_text
        rows["report"].append(
            report.model_dump(
                include={"id", "kind", "title", "publisher", "published_on", "summary", "credit"}
            )
            | report.methodology.model_dump()
            | {"full_text": full_text}
        )
        numerals: set[str] = set()
        for position, section in enumerate(report.sections, start=1):
            if section.numeral in numerals:
                problems.add(
                    "reports",
                    index,
                    report.id,
                    "sections",
                    f"section {section.numeral} is listed twice",
                )
            numerals.add(section.numeral)
            rows["report_section"].append(
                section.model_dump()
                | {
                    "id": section_id(report.id, section.numeral),
                    "report_id": report.id,
                    "position": position,
                }
            )
        for position, statement in enumerate(report.statements, start=1):
            rows["statement"].append(
                statement.model_dump() | {"report_id": report.id, "position": position}
            )
    return full_texts


def _read_text(seeds_dir: Path, relative: str) -> str | None:
    path = (seeds_dir / relative).resolve()
    if not path.is_relative_to(seeds_dir.resolve()) or not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _layer_rows(
    layers: list[LayerRecord],
    report: str | None,
    sections: set[str],
    rows: dict[str, list[Row]],
    problems: _Problems,
) -> None:
    depths: set[int] = set()
    for index, layer in enumerate(layers, start=1):
        section = section_id(report or "", layer.section)
        if section not in sections:
            problems.add(
                "layers",
                index,
                layer.id,
                "section",
                f"report {report!r} has no section {layer.section}",
            )
        if layer.depth in depths:
            problems.add("layers", index, layer.id, "depth", f"depth {layer.depth} is taken")
        depths.add(layer.depth)
        rows["layer"].append(layer.model_dump(exclude={"section"}) | {"section_id": section})


def _theme_rows(
    themes: list[ThemeRecord],
    layer_ids: set[str],
    rows: dict[str, list[Row]],
    problems: _Problems,
) -> None:
    positions: set[int] = set()
    for index, theme in enumerate(themes, start=1):
        if theme.layer not in layer_ids:
            problems.add("themes", index, theme.id, "layer", f"unknown layer {theme.layer!r}")
        if theme.position in positions:
            problems.add(
                "themes", index, theme.id, "position", f"position {theme.position} is taken"
            )
        positions.add(theme.position)
        rows["theme"].append(theme.model_dump(exclude={"layer"}) | {"layer_id": theme.layer})


def _stakeholder_type_rows(
    types: list[StakeholderTypeRecord], rows: dict[str, list[Row]], problems: _Problems
) -> None:
    parents = {t.id: t.parent for t in types}
    for index, kind in enumerate(types, start=1):
        if kind.parent is not None and kind.parent not in parents:
            problems.add(
                "stakeholder_types",
                index,
                kind.id,
                "parent",
                f"unknown stakeholder type {kind.parent!r}",
            )
        seen, node = {kind.id}, kind.parent
        while node is not None and node in parents:
            if node in seen:
                problems.add(
                    "stakeholder_types",
                    index,
                    kind.id,
                    "parent",
                    "the parent chain loops back to this type",
                )
                break
            seen.add(node)
            node = parents[node]
    # Parents first, so that each insert finds its parent already there.
    ordered = sorted(enumerate(types, start=1), key=lambda pair: _depth(pair[1].id, parents))
    rows["stakeholder_type"] = [
        kind.model_dump(exclude={"parent"}) | {"parent_id": kind.parent, "position": position}
        for position, kind in ordered
    ]


def _depth(node: str | None, parents: dict[str, str | None]) -> int:
    depth, seen = 0, set()
    while node is not None and node in parents and node not in seen:
        seen.add(node)
        node, depth = parents[node], depth + 1
    return depth


def _interview_rows(
    interviews: list[InterviewRecord],
    report: str | None,
    rows: dict[str, list[Row]],
    problems: _Problems,
) -> None:
    reports = {row["id"] for row in rows["report"]}
    organisations = {row["id"] for row in rows["organisation_type"]}
    types = {row["id"] for row in rows["stakeholder_type"]}
    attributions: set[tuple[str, str]] = set()
    for index, interview in enumerate(interviews, start=1):
        report_id = interview.report or report or ""
        checks = (
            ("report", report_id in reports, f"unknown report {report_id!r}"),
            (
                "organisation_type",
                interview.organisation_type is None or interview.organisation_type in organisations,
                f"unknown organisation type {interview.organisation_type!r}",
            ),
            (
                "stakeholder_type",
                interview.stakeholder_type in types,
                f"unknown stakeholder type {interview.stakeholder_type!r}",
            ),
            (
                "attribution",
                (report_id, interview.attribution) not in attributions,
                f"attribution {interview.attribution!r} is listed twice",
            ),
        )
        for field, ok, message in checks:
            if not ok:
                problems.add("interviews", index, interview.id, field, message)
        attributions.add((report_id, interview.attribution))
        rows["interview"].append(
            {
                "id": interview.id,
                "report_id": report_id,
                "position": index,
                "attribution": interview.attribution,
                "role_title": interview.role_title,
                "organisation_type_id": interview.organisation_type,
                "stakeholder_type_id": interview.stakeholder_type,
            }
        )


def _quote_rows(
    quotes: list[QuoteRecord],
    report: str | None,
    full_texts: dict[str, str],
    rows: dict[str, list[Row]],
    problems: _Problems,
) -> None:
    # What a quote copies from its theme and interview, keyed by id. The rows take the ids from
    # here, so that a million quotes share one string per theme, interview, report and tag.
    numerals = {row["id"]: row["numeral"] for row in rows["report_section"]}
    layer_numerals = {row["id"]: numerals.get(row["section_id"]) for row in rows["layer"]}
    themes = {
        row["id"]: (row["id"], row["layer_id"], layer_numerals.get(row["layer_id"]))
        for row in rows["theme"]
    }
    copied = itemgetter("id", "report_id", "stakeholder_type_id", "organisation_type_id")
    interviews = {row["id"]: copied(row) for row in rows["interview"]}
    reports = {row["id"]: row["id"] for row in rows["report"]}
    tags = {row["id"]: row["id"] for row in rows["tag"]}
    # A quote stands in its own report's section of its theme's layer (V for the tip, ...).
    sections: dict[tuple[str, str | None], str] = {}
    search_from: dict[str, int] = {}
    # (position, record, field, message): reported in position order, whatever the check order.
    found: list[tuple[int, int, str, str]] = []
    previous = ("", 0)
    for i, report_id in _in_report_order(quotes, report):
        quote, index, position = quotes[i], i + 1, quotes[i].position
        report_id = reports.get(report_id, report_id)
        theme_id, layer_id, numeral = themes.get(quote.theme) or (quote.theme, None, None)
        if layer_id is None:
            found.append((position, index, "theme", f"unknown theme {quote.theme!r}"))
        interview = interviews.get(quote.interview) or (quote.interview, None, None, None)
        if interview[1] is None:
            found.append((position, index, "interview", f"unknown interview {quote.interview!r}"))
        elif interview[1] != report_id:
            message = f"interview {quote.interview!r} belongs to another report"
            found.append((position, index, "interview", message))
        quote_tags = [tags.get(tag) or tag for tag in quote.tags]
        for tag in quote.tags:
            if tag not in tags:
                found.append((position, index, "tags", f"unknown tag {tag!r}"))
        if len(quote_tags) > 1 and len(set(quote_tags)) != len(quote_tags):
            found.append((position, index, "tags", "a tag is listed twice"))
        if previous == (report_id, position):
            found.append((position, index, "position", f"position {position} is taken"))
        previous = (report_id, position)
        start, problem = _locate(quote.text, report_id, full_texts, search_from)
        if problem:
            found.append((position, index, *problem))
        section = sections.get((report_id, numeral))
        if section is None:
            section = sections[report_id, numeral] = section_id(report_id, numeral or "")
        if numeral and section not in numerals:
            message = f"report {report_id!r} has no section {numeral}"
            found.append((position, index, "report", message))
        rows["quote"].append(
            {
                "id": quote.id,
                "report_id": report_id,
                "section_id": section,
                "theme_id": theme_id,
                "interview_id": interview[0],
                "layer_id": layer_id,
                "stakeholder_type_id": interview[2],
                "organisation_type_id": interview[3],
                "position": position,
                "text": quote.text,
                "length": len(quote.text),
                "start_offset": start,
                "end_offset": start + len(quote.text),
            }
        )
        rows["quote_tag"].extend(
            {"quote_id": quote.id, "tag_id": tag, "position": position} for tag in quote_tags
        )
    for _, index, field, message in sorted(found, key=itemgetter(0, 1)):
        problems.add("quotes", index, quotes[index - 1].id, field, message)
    rows["quote"].sort(key=itemgetter("position", "id"))
    for seq, row in enumerate(rows["quote"], start=1):
        row["seq"] = seq


def _in_report_order(quotes: list[QuoteRecord], report: str | None) -> list[tuple[int, str]]:
    """Each quote's index and report, by report then position (then file order).

    Quotes are located in their report's text in this order. A file in that order is read
    front to back, which at a million quotes is twice as fast as hopping across it.
    """
    keyed = [(quote.report or report or "", quote.position, i) for i, quote in enumerate(quotes)]
    keyed.sort()
    return [(i, report_id) for report_id, _, i in keyed]


def _locate(
    text: str, report_id: str, full_texts: dict[str, str], search_from: dict[str, int]
) -> tuple[int, tuple[str, str] | None]:
    """Where a quote starts in its report's full text, after the report's previous quote."""
    full_text = full_texts.get(report_id)
    if full_text is None:
        return -1, ("report", f"report {report_id!r} has no full text to locate quotes in")
    start = full_text.find(text, search_from.get(report_id, 0))
    if start < 0:
        return -1, ("text", f"not found verbatim, in order, in the full text of {report_id!r}")
    search_from[report_id] = start + len(text)
    return start, None


def data_version(rows: dict[str, list[Row]]) -> str:
    """A content hash of everything loaded: it changes exactly when the content does.

    Rows are hashed table by table in primary-key order, one canonical JSON line each, so the
    hash does not depend on file order and a million rows never become one string.
    """
    digest = hashlib.sha256()
    for table in TABLE_ORDER:
        keys = [column.name for column in metadata.tables[table].primary_key.columns]
        digest.update(f"#{table}\n".encode())
        ordered = sorted(rows[table], key=itemgetter(*keys))
        # Hashed a megabyte of lines at a time: a call per line costs more than the hashing.
        batch: list[str] = []
        size = 0
        for line in _canonical_lines(ordered, DERIVED_COLUMNS.get(table)):
            batch.append(line)
            size += len(line)
            if size > 1 << 20:
                digest.update("".join(batch).encode())
                batch, size = [], 0
        digest.update("".join(batch).encode())
    return digest.hexdigest()


# Each row's line, as json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
# writes it: one encoder for all rows instead of one per row.
_CANONICAL = json.JSONEncoder(sort_keys=True, default=str, ensure_ascii=False)


def _canonical_lines(rows: list[Row], derived: frozenset[str] | None) -> Iterator[str]:
    encode = _CANONICAL.encode
    if derived is None:
        return (encode(row) + "\n" for row in rows)
    return (
        encode({name: value for name, value in row.items() if name not in derived}) + "\n"
        for row in rows
    )


def _begin_exclusive(connection: Connection) -> None:
    """Start the load's transaction holding the write lock, so concurrent loads run one by one.

    The second load waits, then finds the version already current and writes nothing. SQLite
    needs BEGIN IMMEDIATE: a deferred transaction that reads first cannot upgrade to writing
    while another load writes.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        # The API's statement timeout bounds queries, not a COPY of a million rows, the index
        # builds after it, or a load waiting for another to finish.
        connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        connection.execute(text("SELECT pg_advisory_xact_lock(7303147)"))


def write_rows(
    connection: Connection, rows: dict[str, list[Row]], *, first_load: bool = False
) -> None:
    """Make every table hold exactly `rows`, touching only what differs.

    An empty table is filled through the driver's bulk path. On a first load, which nobody is
    reading yet, a big one also has its indexes made after its rows (see `_indexes_built_after`:
    on PostgreSQL that locks the tables its foreign keys reference until the commit).
    """
    stale: dict[str, list[Row]] = {}
    for name in TABLE_ORDER:
        table = metadata.tables[name]
        if _is_empty(connection, table):
            bulk = first_load and len(rows[name]) >= BULK_ROWS
            _insert_all(connection, table, rows[name], indexes_after=bulk)
            stale[name] = []
        else:
            stale[name] = _upsert(connection, table, rows[name])
    for name in reversed(TABLE_ORDER):
        table = metadata.tables[name]
        for chunk in _chunks(stale[name], 500):
            connection.execute(delete(table).where(_key_in(table, chunk)))


def _is_empty(connection: Connection, table: Table) -> bool:
    return connection.execute(select(literal(1)).select_from(table).limit(1)).first() is None


def _insert_all(
    connection: Connection, table: Table, rows: list[Row], *, indexes_after: bool
) -> None:
    """Fill an empty table with `rows`, in order, through the driver's bulk path.

    The same rows as `_upsert` would insert, without reading the table first: COPY on
    PostgreSQL, one executemany of plain tuples on SQLite.
    """
    if not rows:
        return
    names = [column.name for column in table.columns if column.name in rows[0]]
    values = _driver_values(connection, table, names, rows)
    preparer = connection.dialect.identifier_preparer
    target = f"{preparer.format_table(table)} ({', '.join(preparer.quote(n) for n in names)})"
    driver: Any = connection.connection.driver_connection
    with _indexes_built_after(connection, table) if indexes_after else nullcontext():
        if connection.dialect.name == "postgresql":
            with driver.cursor() as cursor, cursor.copy(f"COPY {target} FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            cursor = driver.cursor()
            try:
                placeholders = ", ".join("?" for _ in names)
                cursor.executemany(f"INSERT INTO {target} VALUES ({placeholders})", values)
            finally:
                cursor.close()


def _driver_values(
    connection: Connection, table: Table, names: list[str], rows: list[Row]
) -> Iterator[tuple[Any, ...]]:
    """The rows as the driver takes them: tuples of the columns' bound values."""
    dialect = connection.dialect
    processors = [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]
    get = itemgetter(*names)
    tuples: Iterator[tuple[Any, ...]] = map(get, rows) if len(names) > 1 else zip(map(get, rows))
    if not any(processors):
        return tuples
    return (
        tuple(v if bind is None else bind(v) for bind, v in zip(processors, values, strict=True))
        for values in tuples
    )


@contextmanager
def _indexes_built_after(connection: Connection, table: Table) -> Iterator[None]:
    """Around a bulk insert into an empty table: drop its indexes, then make them again.

    Only the plain indexes (and on PostgreSQL the foreign keys, which then check every row in
    one query instead of one per row); the primary key and unique constraints stay. They come
    back from their own stored definitions, in their order, in the same transaction, so the
    schema ends exactly as the migrations left it.
    """
    if connection.dialect.name == "postgresql":
        drop, create = _postgres_index_ddl(connection, table)
    else:
        drop, create = _sqlite_index_ddl(connection, table)
    for statement in drop:
        connection.exec_driver_sql(statement)
    yield
    for statement in create:
        connection.exec_driver_sql(statement)


def _sqlite_index_ddl(connection: Connection, table: Table) -> tuple[list[str], list[str]]:
    indexes = connection.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table "
            "AND sql IS NOT NULL ORDER BY rowid"  # not the constraints' automatic indexes
        ),
        {"table": table.name},
    ).all()
    quote_name = connection.dialect.identifier_preparer.quote
    return [f"DROP INDEX {quote_name(name)}" for name, _ in indexes], [sql for _, sql in indexes]


def _postgres_index_ddl(connection: Connection, table: Table) -> tuple[list[str], list[str]]:
    indexes = connection.execute(
        text(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = CAST(:table AS regclass) "
            "AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
            "ORDER BY x.indexrelid"
        ),
        {"table": table.name},
    ).all()
    foreign_keys = connection.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = CAST(:table AS regclass) AND contype = 'f' ORDER BY oid"
        ),
        {"table": table.name},
    ).all()
    preparer = connection.dialect.identifier_preparer
    alter = f"ALTER TABLE {preparer.format_table(table)}"
    drop = [f"{alter} DROP CONSTRAINT {preparer.quote(name)}" for name, _ in foreign_keys]
    drop += [f"DROP INDEX {preparer.quote(name)}" for name, _ in indexes]
    create = [definition for _, definition in indexes]
    create += [
        f"{alter} ADD CONSTRAINT {preparer.quote(name)} {definition}"
        for name, definition in foreign_keys
    ]
    return drop, create


def _upsert(connection: Connection, table: Table, rows: list[Row]) -> list[Row]:
    """Insert new rows and update changed ones; return the keys of rows to delete."""
    keys = [column.name for column in table.primary_key.columns]
    existing = {
        tuple(row[k] for k in keys): row
        for row in (dict(r._mapping) for r in connection.execute(select(table)))
    }
    wanted = {tuple(row[k] for k in keys): row for row in rows}
    changed = [row for key, row in wanted.items() if key in existing and existing[key] != row]
    stale = [row for key, row in existing.items() if key not in wanted]
    # Stale rows are deleted last (children first), so they give up their unique values now.
    _clear_unique_values(connection, table, changed + stale, keys)
    for row in changed:
        connection.execute(update(table).where(*(table.c[k] == row[k] for k in keys)).values(row))
    new = [row for key, row in wanted.items() if key not in existing]
    for chunk in _chunks(new, 500):
        connection.execute(insert(table), chunk)
    return [{k: row[k] for k in keys} for row in stale]


def _clear_unique_values(
    connection: Connection, table: Table, rows: list[Row], keys: list[str]
) -> None:
    """Move rows' unique values out of the way, so that rows can swap them or take them over.

    One column per unique constraint or index gets a placeholder, never a foreign key (the
    placeholder would reference nothing).
    """
    uniques = [
        list(constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    ] + [list(index.columns) for index in table.indexes if index.unique]
    uniques += [[column] for column in table.columns if column.unique]
    placeholder_columns = {
        next(column.name for column in columns if not column.foreign_keys)
        for columns in uniques
        if any(not column.foreign_keys for column in columns)
    } - set(keys)
    for offset, row in enumerate(rows, start=1):
        placeholder = {
            name: (-offset if isinstance(row[name], int) else f"~swap~{offset}")
            for name in placeholder_columns
            if row.get(name) is not None
        }
        if placeholder:
            connection.execute(
                update(table).where(*(table.c[k] == row[k] for k in keys)).values(placeholder)
            )


def _key_in(table: Table, keys: list[Row]) -> Any:
    return or_(*(and_(*(table.c[k] == v for k, v in key.items())) for key in keys))


def _chunks(items: list[Row], size: int) -> Iterator[list[Row]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _rebuild_search_index(connection: Connection) -> None:
    """SQLite's FTS5 table is a copy: refill it. PostgreSQL's GIN index maintains itself.

    Quote rows take their `seq` as rowid (1..N, report order); theme and layer rows follow.
    """
    if connection.dialect.name == "sqlite":
        for table in (FTS_TABLE, FTS_PREFIX_TABLE):
            connection.execute(text(f"DELETE FROM {table}"))
            connection.execute(
                text(
                    f"INSERT INTO {table} (rowid, kind, object_id, title, body) "
                    "SELECT seq, 'quote', id, '', text FROM quote ORDER BY seq"
                )
            )
            for kind, select_documents in SEARCH_DOCUMENTS.items():
                if kind == "quote":
                    continue
                connection.execute(
                    text(
                        f"INSERT INTO {table} (kind, object_id, title, body) "
                        f"SELECT '{kind}', id, title, body FROM ({select_documents})"
                    )
                )


def _record_version(connection: Connection, version: str) -> None:
    state = metadata.tables["dataset_state"]
    values = {"data_version": version, "loaded_at": datetime.now(UTC)}
    if connection.execute(update(state).where(state.c.id == 1).values(values)).rowcount == 0:
        connection.execute(insert(state).values(id=1, **values))
