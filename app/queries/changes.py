"""The change history: the changes of every load, newest first, and the change sets.

The loader numbers changes so that `change.id` descending is the reading order (the newest set
first, each set's changes by type, then id): a page is the next `limit` ids below the cursor,
read off the index of its filter in order, however many changes a load made.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from app import schemas, urls
from app.models import metadata
from app.params import ChangeListParams, ChangeSetListParams

change = metadata.tables["change"]
change_set = metadata.tables["change_set"]
_SET_COLUMNS = (
    change_set.c.data_version,
    change_set.c.previous_version,
    change_set.c.loaded_at,
)


def read_changes(session: Session, params: ChangeListParams) -> schemas.Page[schemas.Change]:
    """One page of the changes meeting the filters, newest first, and the next page's cursor."""
    statement = _change_select()
    if params.type is not None:
        statement = statement.where(change.c.object_type == params.type.value)
    if params.id is not None:
        statement = statement.where(change.c.object_id == params.id)
    if params.change_set is not None:
        statement = statement.where(change.c.change_set_id == params.change_set)
    if params.cursor is not None:
        statement = statement.where(change.c.id < int(params.cursor))
    rows = session.execute(statement.order_by(change.c.id.desc()).limit(params.limit + 1)).all()
    next_cursor = str(rows[params.limit - 1].id) if len(rows) > params.limit else None
    rows = rows[: params.limit]
    existing = _existing(session, rows)
    items = [
        schemas.Change(
            type=row.object_type,
            id=row.object_id,
            action=row.action,
            fields=row.fields.split(",") if row.fields else [],
            url=urls.api_url(row.object_type, row.object_id)
            if row.object_id in existing[row.object_type]
            else None,
            change_set=_set_ref(row),
        )
        for row in rows
    ]
    return schemas.Page(items=items, next_cursor=next_cursor)


def read_change_sets(
    session: Session, params: ChangeSetListParams
) -> schemas.Page[schemas.ChangeSet]:
    """One page of the change sets, newest first, each with its counts per object type."""
    statement: Select[Any] = select(
        change_set.c.id.label("change_set_id"), *_SET_COLUMNS, change_set.c.counts
    )
    if params.cursor is not None:
        statement = statement.where(change_set.c.id < int(params.cursor))
    statement = statement.order_by(change_set.c.id.desc()).limit(params.limit + 1)
    rows = session.execute(statement).all()
    next_cursor = str(rows[params.limit - 1].change_set_id) if len(rows) > params.limit else None
    return schemas.Page(
        items=[_change_set(row) for row in rows[: params.limit]], next_cursor=next_cursor
    )


def read_change_feed(
    session: Session, *, sets: int, changes_per_set: int
) -> list[tuple[schemas.ChangeSet, schemas.Page[schemas.Change]]]:
    """The newest `sets` change sets, each with the first page of its changes (for the feed)."""
    newest = read_change_sets(session, ChangeSetListParams(limit=sets)).items
    return [
        (item, read_changes(session, ChangeListParams(change_set=item.id, limit=changes_per_set)))
        for item in newest
    ]


def _change_select() -> Select[Any]:
    return select(
        change.c.id,
        change.c.change_set_id,
        change.c.object_type,
        change.c.object_id,
        change.c.action,
        change.c.fields,
        *_SET_COLUMNS,
    ).join_from(change, change_set, change_set.c.id == change.c.change_set_id)


def _existing(session: Session, rows: Sequence[Row[Any]]) -> defaultdict[str, set[str]]:
    """Which of the objects named by `rows` exist now, by type: one query per type."""
    wanted: defaultdict[str, set[str]] = defaultdict(set)
    for row in rows:
        wanted[row.object_type].add(row.object_id)
    existing: defaultdict[str, set[str]] = defaultdict(set)
    for object_type, ids in wanted.items():
        table = metadata.tables[object_type]
        found = session.execute(select(table.c.id).where(table.c.id.in_(sorted(ids)))).scalars()
        existing[object_type] = set(found)
    return existing


def _loaded_at(value: datetime) -> datetime:
    # SQLite keeps no time zone; every load time is written in UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _set_ref(row: Row[Any]) -> schemas.ChangeSetRef:
    return schemas.ChangeSetRef(
        id=row.change_set_id,
        data_version=row.data_version,
        previous_version=row.previous_version,
        loaded_at=_loaded_at(row.loaded_at),
    )


def _change_set(row: Row[Any]) -> schemas.ChangeSet:
    counts: dict[str, dict[str, int]] = row.counts
    return schemas.ChangeSet(
        **_set_ref(row).model_dump(),
        counts=[schemas.TypeCounts(type=name, **tally) for name, tally in counts.items()],
        changes_url=urls.changes({"change_set": str(row.change_set_id)}),
    )
