"""The seed loader: validates the whole seed data set, then writes it in one transaction.

Loading is idempotent and keyed on the stable ids: rows whose content is unchanged are left
alone, changed rows are updated in place, new rows inserted and rows no longer in the seeds
deleted. The data version is a hash of everything loaded, so a reseed that changes nothing
writes nothing and keeps the version (and every ETag derived from it).

`app.seed_rows` turns the files into checked rows; `app.seed_writes` writes them (a first load
through the drivers' bulk paths); this module runs a load and computes its data version.
"""

import gc
import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from app.models import metadata
from app.queries.dimensions import refresh_quote_counts
from app.seed_rows import TABLE_ORDER, Row, build_rows, read_all
from app.seed_writes import (
    begin_exclusive,
    load_cache,
    rebuild_search_index,
    record_version,
    write_rows,
)

__all__ = ["TABLE_ORDER", "LoadResult", "build_rows", "data_version", "load_seeds", "read_all"]

# Columns the loader derives from others (report order, copies of the interview's and theme's
# dimensions): left out of the data version, which hashes content only.
DERIVED_COLUMNS = {
    "quote": frozenset({"seq", "layer_id", "stakeholder_type_id", "organisation_type_id"}),
    "quote_tag": frozenset({"position"}),
}


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
                _write(connection, rows, first_load=False)
                record_version(connection, version)
            connection.commit()
    return LoadResult(version, changed=True, counts=counts)


def _write(connection: Connection, rows: dict[str, list[Row]], *, first_load: bool) -> None:
    write_rows(connection, rows, first_load=first_load)
    rebuild_search_index(connection)
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
            rebuild_search_index(connection)
            refresh_quote_counts(connection)
        version = hashing.result()
    record_version(connection, version)
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
