"""A first load, streamed: the quotes read, checked, written and hashed one report at a time.

A database with no data version has nothing to compare with, so nothing needs the whole seed
set at once. Everything but the quotes is read and written first (themes, interviews and the
reports' texts are what quotes are checked against); then each report's quotes file, newest
report first, becomes rows that go straight in and into the data version, and are let go. A
million quotes load in the memory of one report's, not of all (`docs/benchmarks.md`).

The checks are the whole-tree load's (`app.seeding.rows`), and so is the version
(`app.seeding.version`). A problem anywhere, or a quote id that a report repeats from another
(the primary key refuses it), is diagnosed by validating the whole tree the usual way, so that
the SeedError names every mistake, both places of a repeat included; the transaction, never
committed, leaves the database as it was.
"""

from pathlib import Path
from typing import cast

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from app.models import metadata
from app.seeding.files import read_all, read_seed_file
from app.seeding.problems import Problems, SeedError, SeedProblem
from app.seeding.quote_rows import QuoteRows
from app.seeding.records import REPORTS_DIR, SPECS, QuoteRecord
from app.seeding.rows import build_rows
from app.seeding.tables import TABLE_ORDER, Row, TableDiff
from app.seeding.version import VersionHash, hash_order
from app.seeding.writes import indexes_built_after, insert_rows, write_rows

STREAMED = ("quote", "quote_tag")


def stream_first_load(
    connection: Connection, seeds_dir: Path
) -> tuple[str, dict[str, TableDiff], dict[str, int]]:
    """Load the seeds into empty tables; return the data version, each table's diff and its
    number of rows."""
    try:
        return _stream(connection, seeds_dir)
    except (SeedError, IntegrityError, connection.dialect.loaded_dbapi.IntegrityError) as exc:
        build_rows(read_all(seeds_dir), seeds_dir)  # raises the whole tree's SeedError
        raise exc  # not a seed mistake after all


def _stream(
    connection: Connection, seeds_dir: Path
) -> tuple[str, dict[str, TableDiff], dict[str, int]]:
    rows = build_rows(read_all(seeds_dir, without="quotes"), seeds_dir)
    version = VersionHash()
    for table in TABLE_ORDER:
        if table not in STREAMED:
            version.update(table, hash_order(table, rows[table]))
    diffs = write_rows(connection, rows, first_load=True)
    full_texts = {row["id"]: row["full_text"] for row in rows["report"] if row["full_text"]}
    quotes = QuoteRows(rows, full_texts)
    counts = {table: len(table_rows) for table, table_rows in rows.items()}
    problems: list[SeedProblem] = []
    tables = [metadata.tables[name] for name in STREAMED]
    with indexes_built_after(connection, tables[0]), indexes_built_after(connection, tables[1]):
        for report_id in quotes.report_order:
            batch: dict[str, list[Row]] = {name: [] for name in STREAMED}
            try:
                _report_quotes(seeds_dir, report_id, quotes, batch, counts["quote"] + 1)
            except SeedError as exc:
                problems.extend(exc.problems)
            if problems:
                continue  # every report still checked, none written
            for name, target in zip(STREAMED, tables, strict=True):
                insert_rows(connection, target, batch[name], indexes_after=False)
                version.update(name, hash_order(name, batch[name]))
                counts[name] += len(batch[name])
    if problems:
        raise SeedError(problems)
    for name in STREAMED:
        diffs[name] = TableDiff(bulk=True, streamed=counts[name])
    return version.hexdigest(), diffs, counts


def _report_quotes(
    seeds_dir: Path, report_id: str, quotes: QuoteRows, batch: dict[str, list[Row]], seq: int
) -> None:
    """One report's quotes, checked, into `batch` in report order numbered from `seq`."""
    spec = SPECS["quotes"]
    label = f"seeds/{REPORTS_DIR}/{report_id}/{spec.filename}"
    found = read_seed_file(seeds_dir / REPORTS_DIR / report_id, spec, label, report_id)
    if found is None:
        return
    file_label, records = found
    problems = Problems({"quotes": [(file_label, n) for n in range(1, len(records) + 1)]})
    quotes.add(cast(list[QuoteRecord], records), report_id, batch, problems, first_seq=seq)
    problems.raise_if_any()
