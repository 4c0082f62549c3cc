"""The data version: a content hash of everything a load wrote, and its record in the database.

A reseed that changes nothing hashes to the same version, so the loader writes nothing and every
ETag derived from the version stays valid.
"""

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from operator import itemgetter

import orjson
from sqlalchemy import Connection, insert, update

from app.models import metadata
from app.seeding.tables import TABLE_ORDER, Row

# Columns the loader derives from others (report order, copies of the interview's and theme's
# dimensions): left out of the data version, which hashes content only.
DERIVED_COLUMNS = {
    "quote": frozenset({"seq", "layer_id", "stakeholder_type_id", "organisation_type_id"}),
    "quote_tag": frozenset({"position"}),
}


def data_version(rows: dict[str, list[Row]]) -> str:
    """A content hash of everything loaded: it changes exactly when the content does."""
    version = VersionHash()
    for table in TABLE_ORDER:
        version.update(table, hash_order(table, rows[table]))
    return version.hexdigest()


def hash_order(table: str, rows: list[Row]) -> list[Row]:
    """A table's rows in the order they are hashed: quotes in report order (`seq`, itself a
    function of the content), their tags by quote then tag, every other table by primary key.

    Report order is the order a streamed first load writes quotes in, one report after the
    other, so it can hash them as it goes and never hold them all.
    """
    if table == "quote":
        return sorted(rows, key=itemgetter("seq"))
    if table == "quote_tag":
        return sorted(rows, key=itemgetter("position", "tag_id"))
    keys = [column.name for column in metadata.tables[table].primary_key.columns]
    return sorted(rows, key=itemgetter(*keys))


class VersionHash:
    """The data version, hashed table by table as rows arrive, one canonical JSON line a row,
    so that a million rows never become one string.

    Each table has a digest of its own, fed in `hash_order`; the version hashes those digests in
    TABLE_ORDER, so a table's rows may arrive in batches interleaved with another's.
    """

    def __init__(self) -> None:
        self.tables = {table: hashlib.sha256() for table in TABLE_ORDER}

    def update(self, table: str, rows: list[Row]) -> None:
        """Hash the next of `table`'s rows, in its hash order."""
        digest = self.tables[table]
        # Hashed a megabyte of lines at a time: a call per line costs more than the hashing.
        batch: list[bytes] = []
        size = 0
        for line in _canonical_lines(rows, DERIVED_COLUMNS.get(table)):
            batch.append(line)
            size += len(line)
            if size > 1 << 20:
                digest.update(b"".join(batch))
                batch, size = [], 0
        digest.update(b"".join(batch))

    def hexdigest(self) -> str:
        """The version of everything hashed so far."""
        whole = hashlib.sha256()
        for table, digest in self.tables.items():
            whole.update(f"#{table} {digest.hexdigest()}\n".encode())
        return whole.hexdigest()


# Each row's line: its content as JSON with sorted keys (a date in ISO form), then a newline.
# orjson takes a tenth of the standard encoder's time, which at a million quotes (2.5 million
# rows with their tags) was some 15 s of the load.
_LINE = orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE


def _canonical_lines(rows: list[Row], derived: frozenset[str] | None) -> Iterator[bytes]:
    dumps = orjson.dumps
    if derived is None:
        return (dumps(row, default=str, option=_LINE) for row in rows)
    return (
        dumps({k: v for k, v in row.items() if k not in derived}, default=str, option=_LINE)
        for row in rows
    )


def record_version(connection: Connection, version: str) -> datetime:
    """Record the version and when it was loaded (UTC) in the one row of `dataset_state`; return
    that time."""
    state = metadata.tables["dataset_state"]
    loaded_at = datetime.now(UTC)
    values = {"data_version": version, "loaded_at": loaded_at}
    if connection.execute(update(state).where(state.c.id == 1).values(values)).rowcount == 0:
        connection.execute(insert(state).values(id=1, **values))
    return loaded_at
