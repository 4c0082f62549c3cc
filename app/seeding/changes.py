"""What a load changed, recorded in its own transaction: one change set, a row per object.

The writes report each table's difference (`TableDiff`); here they become changes of the public
objects (reports, layers, themes, stakeholder and organisation types, interviews, tags, quotes).
A table that is part of an object (a report's sections, statements and layer texts, a quote's
tags) changes that object's field of the same name, unless the object itself is added or
removed; a report's passages each change the field they belong to (`sponsors`, `caveats`,
`conclusion`, ...). Columns the loader derives (report order, the copies of a theme's layer and
an interview's types) are no field of their own: the theme or interview records its change.

A load that changes nothing records nothing. A table that was empty (every table, on a first
load) has every row added: those changes are written in one INSERT ... SELECT from the table just
filled, so a million new quotes never pass through Python twice.
"""

from collections.abc import Iterator
from contextlib import nullcontext
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Integer, func, insert, literal, null, select

from app.models import metadata
from app.params import ObjectType
from app.seeding.tables import Row, TableDiff
from app.seeding.version import DERIVED_COLUMNS
from app.seeding.writes import BULK_ROWS, indexes_built_after

# The object types, in the order a change set lists them.
OBJECT_TYPES = tuple(object_type.value for object_type in ObjectType)
# A table whose rows are part of an object: (the object's type, the column naming it, the field;
# None where each row names its field in its `field` column).
PARTS: dict[str, tuple[str, str, str | None]] = {
    "report_section": ("report", "report_id", "sections"),
    "statement": ("report", "report_id", "statements"),
    "report_passage": ("report", "report_id", None),
    "report_layer": ("report", "report_id", "layers"),
    "quote_tag": ("quote", "quote_id", "tags"),
}
ACTIONS = ("added", "removed", "changed")
_NO_COLUMNS: frozenset[str] = frozenset()

change_set = metadata.tables["change_set"]
change = metadata.tables["change"]
# One object's change: its action and the public names of the fields that changed.
ObjectChange = tuple[str, set[str]]


def record_changes(
    connection: Connection,
    diffs: dict[str, TableDiff],
    *,
    version: str,
    previous: str | None,
    loaded_at: datetime,
) -> None:
    """Write the change set of a load that took the data from `previous` to `version`."""
    objects = object_changes(diffs)
    bulk = {n: diffs[n].added_count for n in OBJECT_TYPES if diffs[n].bulk and diffs[n].added_count}
    sizes = {name: bulk.get(name) or len(objects[name]) for name in OBJECT_TYPES}
    total = sum(sizes.values())
    if total == 0:
        return
    set_id = _next_id(connection, change_set.c.id)
    connection.execute(
        insert(change_set).values(
            id=set_id,
            data_version=version,
            previous_version=previous,
            loaded_at=loaded_at,
            counts=_counts(objects, bulk),
        )
    )
    # Ids count down the reading order, so that the list reads `id` descending and stops.
    first_id = _next_id(connection, change.c.id)
    top = first_id - 1 + total
    # The first history of a big load is indexed after its rows: one sort, not a B-tree insert
    # per row (as `write_rows` does for the tables it fills).
    big = first_id == 1 and total >= BULK_ROWS
    with indexes_built_after(connection, change) if big else nullcontext():
        _write_changes(connection, objects, bulk, set_id=set_id, top=top)


def _write_changes(
    connection: Connection,
    objects: dict[str, dict[str, ObjectChange]],
    bulk: dict[str, int],
    *,
    set_id: int,
    top: int,
) -> None:
    """The change rows of one set, type by type, the first in reading order numbered `top`."""
    for name in OBJECT_TYPES:
        if name in bulk:
            _insert_every_row(connection, name, set_id=set_id, top=top)
        else:
            rows = _change_rows(name, objects[name], set_id=set_id, top=top)
            for chunk in _chunks(rows, 1000):
                connection.execute(insert(change), chunk)
        top -= bulk.get(name) or len(objects[name])


def object_changes(diffs: dict[str, TableDiff]) -> dict[str, dict[str, ObjectChange]]:
    """Each object type's changed objects by id, from the tables' differences (empty tables
    aside, whose objects are all added)."""
    objects: dict[str, dict[str, ObjectChange]] = {name: {} for name in OBJECT_TYPES}
    for name in OBJECT_TYPES:
        diff, changes = diffs[name], objects[name]
        if diff.bulk:
            continue
        derived = DERIVED_COLUMNS.get(name, _NO_COLUMNS)
        changes.update((row["id"], ("added", set())) for row in diff.added)
        changes.update((row["id"], ("removed", set())) for row in diff.removed)
        for row, columns in diff.changed:
            fields = {_field(column) for column in columns if column not in derived}
            if fields:
                changes[row["id"]] = ("changed", fields)
    for name, (owner, key, field) in PARTS.items():
        if diffs[owner].bulk:
            continue  # every owner is new
        changes = objects[owner]
        for row in _touched(diffs[name], DERIVED_COLUMNS.get(name, _NO_COLUMNS)):
            action, fields = changes.setdefault(row[key], ("changed", set()))
            if action == "changed":
                fields.add(field or row["field"])
    return objects


def _touched(diff: TableDiff, derived: frozenset[str]) -> Iterator[Row]:
    """The rows of a part table that were added, removed or changed in content."""
    for rows in (diff.added, diff.removed):
        yield from rows
    yield from (row for row, columns in diff.changed if set(columns) - derived)


def _field(column: str) -> str:
    """The public name of a column: a reference is named for what it references."""
    return column.removesuffix("_id")


def _counts(
    objects: dict[str, dict[str, ObjectChange]], bulk: dict[str, int]
) -> dict[str, dict[str, int]]:
    """How many objects of each type were added, removed and changed (types with none left out)."""
    counts: dict[str, dict[str, int]] = {}
    for name in OBJECT_TYPES:
        tally = dict.fromkeys(ACTIONS, 0)
        tally["added"] = bulk.get(name, 0)
        for action, _ in objects[name].values():
            tally[action] += 1
        if any(tally.values()):
            counts[name] = tally
    return counts


def _next_id(connection: Connection, column: Any) -> int:
    return int(connection.execute(select(func.coalesce(func.max(column), 0))).scalar_one()) + 1


def _insert_every_row(connection: Connection, name: str, *, set_id: int, top: int) -> None:
    """Record every row of a table filled from empty as added, in one statement."""
    table = metadata.tables[name]
    # In the order of the new ids, so that their index grows at its end.
    numbered = select(
        literal(top + 1, Integer) - func.row_number().over(order_by=table.c.id),
        literal(set_id, Integer),
        literal(name),
        table.c.id,
        literal("added"),
        null(),
    ).order_by(table.c.id.desc())
    columns = ["id", "change_set_id", "object_type", "object_id", "action", "fields"]
    connection.execute(insert(change).from_select(columns, numbered))


def _change_rows(
    name: str, changes: dict[str, ObjectChange], *, set_id: int, top: int
) -> list[Row]:
    return [
        {
            "id": top - n,
            "change_set_id": set_id,
            "object_type": name,
            "object_id": object_id,
            "action": action,
            "fields": ",".join(sorted(fields)) or None,
        }
        for n, (object_id, (action, fields)) in enumerate(sorted(changes.items()))
    ]


def _chunks(items: list[Row], size: int) -> Iterator[list[Row]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
