"""The data version: a content hash of everything a load wrote, and its record in the database.

A reseed that changes nothing hashes to the same version, so the loader writes nothing and every
ETag derived from the version stays valid.
"""

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from operator import itemgetter

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


def record_version(connection: Connection, version: str) -> datetime:
    """Record the version and when it was loaded (UTC) in the one row of `dataset_state`; return
    that time."""
    state = metadata.tables["dataset_state"]
    loaded_at = datetime.now(UTC)
    values = {"data_version": version, "loaded_at": loaded_at}
    if connection.execute(update(state).where(state.c.id == 1).values(values)).rowcount == 0:
        connection.execute(insert(state).values(id=1, **values))
    return loaded_at
