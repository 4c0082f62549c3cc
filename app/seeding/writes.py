"""Writing the rows of a load: the upsert by id, the bulk path of a first load, the search rows.

A table that is empty when the load starts has nothing to compare with: its rows go in through
the driver's bulk path (COPY on PostgreSQL, a plain executemany on SQLite), and a big one gets
its indexes built after its rows, in the same transaction. Every other table is diffed, and
the differences go back to the load, which records them (`app.seeding.changes`).
"""

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Connection,
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

from app.db import FTS_PREFIX_TABLE, FTS_TABLE, lift_time_limit
from app.models import metadata
from app.queries.fulltext import SEARCH_DOCUMENTS
from app.seeding.tables import TABLE_ORDER, Row, TableDiff

# On a first load, an empty table receiving at least this many rows has its indexes (and on
# PostgreSQL its foreign keys) made after its rows: one sort instead of a B-tree insert per row.
BULK_ROWS = 10_000
# The load connection's SQLite page cache (KiB), for the index builds and the bulk inserts.
LOAD_CACHE_KIB = 128 * 1024


@contextmanager
def load_cache(connection: Connection) -> Iterator[None]:
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


def begin_exclusive(connection: Connection) -> None:
    """Start the load's transaction holding the write lock, so concurrent loads run one by one.

    The second load waits, then finds the version already current and writes nothing. SQLite
    needs BEGIN IMMEDIATE: a deferred transaction that reads first cannot upgrade to writing
    while another load writes.
    """
    lift_time_limit(connection)
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        # The API's statement timeout bounds queries, not a COPY of a million rows, the index
        # builds after it, or a load waiting for another to finish.
        connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        connection.execute(text("SELECT pg_advisory_xact_lock(7303147)"))


def write_rows(
    connection: Connection, rows: dict[str, list[Row]], *, first_load: bool = False
) -> dict[str, TableDiff]:
    """Make every table hold exactly `rows`, touching only what differs; return what differed.

    An empty table is filled through the driver's bulk path. On a first load, which nobody is
    reading yet, a big one also has its indexes made after its rows (see `indexes_built_after`:
    on PostgreSQL that locks the tables its foreign keys reference until the commit).
    """
    diffs: dict[str, TableDiff] = {}
    for name in TABLE_ORDER:
        table = metadata.tables[name]
        if _is_empty(connection, table):
            bulk = first_load and len(rows[name]) >= BULK_ROWS
            insert_rows(connection, table, rows[name], indexes_after=bulk)
            diffs[name] = TableDiff(added=rows[name], bulk=True)
        else:
            diffs[name] = _upsert(connection, table, rows[name])
    for name in reversed(TABLE_ORDER):
        table = metadata.tables[name]
        keys = [column.name for column in table.primary_key.columns]
        stale = [{k: row[k] for k in keys} for row in diffs[name].removed]
        for chunk in _chunks(stale, 500):
            connection.execute(delete(table).where(_key_in(table, chunk)))
    return diffs


def _is_empty(connection: Connection, table: Table) -> bool:
    return connection.execute(select(literal(1)).select_from(table).limit(1)).first() is None


def insert_rows(
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
    with indexes_built_after(connection, table) if indexes_after else nullcontext():
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
def indexes_built_after(connection: Connection, table: Table) -> Iterator[None]:
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


def _upsert(connection: Connection, table: Table, rows: list[Row]) -> TableDiff:
    """Insert new rows and update changed ones; the rows to delete are the diff's `removed`."""
    keys = [column.name for column in table.primary_key.columns]
    existing = {
        tuple(row[k] for k in keys): row
        for row in (dict(r._mapping) for r in connection.execute(select(table)))
    }
    wanted = {tuple(row[k] for k in keys): row for row in rows}
    changed = [
        (row, [name for name, value in row.items() if old.get(name) != value])
        for key, row in wanted.items()
        if (old := existing.get(key)) is not None and old != row
    ]
    stale = [row for key, row in existing.items() if key not in wanted]
    # Stale rows are deleted last (children first), so they give up their unique values now.
    _clear_unique_values(connection, table, [row for row, _ in changed] + stale, keys)
    for row, _ in changed:
        connection.execute(update(table).where(*(table.c[k] == row[k] for k in keys)).values(row))
    new = [row for key, row in wanted.items() if key not in existing]
    for chunk in _chunks(new, 500):
        connection.execute(insert(table), chunk)
    return TableDiff(added=new, removed=stale, changed=changed)


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


def rebuild_search_index(connection: Connection) -> None:
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
