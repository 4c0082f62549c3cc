"""A load: the whole seed data set validated and written in one transaction.

Loading is idempotent and keyed on the stable ids: rows whose content is unchanged are left
alone, changed rows are updated in place, new rows inserted and rows no longer in the seeds
deleted. The data version is a hash of everything loaded, so a reseed that changes nothing
writes nothing and keeps the version (and every ETag derived from it). A load that changes
something records what it changed, in the same transaction (`app.seeding.changes`). A first
load, into a database with no data yet, has nothing to compare with and streams the quotes
report by report instead of holding the whole tree (`app.seeding.first_load`).
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from app.seeding.changes import record_changes
from app.seeding.counts import refresh_quote_codes, refresh_quote_counts
from app.seeding.files import read_all
from app.seeding.first_load import stream_first_load
from app.seeding.rows import build_rows
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
    """Validate the seed data in `seeds_dir` and write it; a SeedError leaves the database as is.

    A database that holds no data yet takes the streamed first load; any other is compared with
    the whole validated tree, which is read before the write lock is taken.
    """
    with _collector_paused():
        rows = None if _is_empty(engine) else build_rows(read_all(seeds_dir), seeds_dir)
        with engine.connect() as connection, load_cache(connection):
            begin_exclusive(connection)
            current = _current_version(connection)
            if current is None:
                version, diffs, counts = stream_first_load(connection, seeds_dir)
            else:
                # Another load may have filled the database since it was found empty.
                rows = rows if rows is not None else build_rows(read_all(seeds_dir), seeds_dir)
                counts = {table: len(table_rows) for table, table_rows in rows.items()}
                version = data_version(rows)
                if version == current:
                    connection.rollback()
                    return LoadResult(version, changed=False, counts=counts)
                diffs = write_rows(connection, rows, first_load=False)
            rebuild_search_index(connection)
            refresh_quote_counts(connection)
            refresh_quote_codes(connection)
            loaded_at = record_version(connection, version)
            record_changes(
                connection, diffs, version=version, previous=current, loaded_at=loaded_at
            )
            connection.commit()
    return LoadResult(version, changed=True, counts=counts)


def _is_empty(engine: Engine) -> bool:
    """Whether the database holds no data version yet (False when that cannot be read: the
    tree is then validated first, and the load fails on the database only if the seeds pass)."""
    try:
        with engine.connect() as connection:
            return _current_version(connection) is None
    except DBAPIError:
        return False


def _current_version(connection: Connection) -> str | None:
    return connection.execute(text("SELECT data_version FROM dataset_state")).scalar()


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
