"""A load: the whole seed data set validated, then written in one transaction.

Loading is idempotent and keyed on the stable ids: rows whose content is unchanged are left
alone, changed rows are updated in place, new rows inserted and rows no longer in the seeds
deleted. The data version is a hash of everything loaded, so a reseed that changes nothing
writes nothing and keeps the version (and every ETag derived from it). A load that changes
something records what it changed, in the same transaction (`app.seeding.changes`).
"""

import gc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from app.seeding.changes import record_changes
from app.seeding.counts import refresh_quote_codes, refresh_quote_counts
from app.seeding.files import read_all
from app.seeding.rows import build_rows
from app.seeding.tables import Row, TableDiff
from app.seeding.version import data_version, record_version
from app.seeding.writes import (
    begin_exclusive,
    load_cache,
    rebuild_search_index,
    write_rows,
)


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
        with engine.connect() as connection, load_cache(connection):
            begin_exclusive(connection)
            current = connection.execute(text("SELECT data_version FROM dataset_state")).scalar()
            if current is None:
                version = _write_first_load(connection, rows)
            else:
                version = data_version(rows)
                if version == current:
                    connection.rollback()
                    return LoadResult(version, changed=False, counts=counts)
                diffs = _write(connection, rows, first_load=False)
                loaded_at = record_version(connection, version)
                record_changes(
                    connection, diffs, version=version, previous=current, loaded_at=loaded_at
                )
            connection.commit()
    return LoadResult(version, changed=True, counts=counts)


def _write(
    connection: Connection, rows: dict[str, list[Row]], *, first_load: bool
) -> dict[str, TableDiff]:
    diffs = write_rows(connection, rows, first_load=first_load)
    rebuild_search_index(connection)
    refresh_quote_counts(connection)
    refresh_quote_codes(connection)
    return diffs


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
            diffs = _write(connection, rows, first_load=True)
        else:
            diffs = write_rows(connection, rows, first_load=True)
            hashing = hasher.submit(data_version, rows)
            rebuild_search_index(connection)
            refresh_quote_counts(connection)
            refresh_quote_codes(connection)
        version = hashing.result()
    loaded_at = record_version(connection, version)
    record_changes(connection, diffs, version=version, previous=None, loaded_at=loaded_at)
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
