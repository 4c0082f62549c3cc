"""Mistakes in the seed data, each located by file, record and field.

Each problem is reported as `file: record N (id 'x'), field 'f': what is wrong`, and all problems
of a load are collected, so one run names every mistake at once.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SeedProblem:
    """One mistake in the seed data, located by file, record and field."""

    file: str
    message: str
    record: int | None = None
    record_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.record is not None:
            where += f": record {self.record}"
            if self.record_id:
                where += f" (id {self.record_id!r})"
        if self.field:
            where += f", field {self.field!r}"
        return f"{where}: {self.message}"


class SeedError(Exception):
    """The seed data has mistakes; nothing was written."""

    def __init__(self, problems: list[SeedProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Problems:
    """Collects cross-record problems, located like the per-record ones: by the file and the
    record number in it that `origins` gives for each kind's record."""

    def __init__(self, origins: dict[str, list[tuple[str, int]]]) -> None:
        self.origins = origins
        self.items: list[SeedProblem] = []

    def add(self, key: str, index: int, record_id: str, field: str, message: str) -> None:
        """A problem of record `index` (1-based, across the tree) of kind `key`."""
        label, number = self.origins[key][index - 1]
        self.items.append(SeedProblem(label, message, number, record_id, field))

    def unique_ids(self, key: str, records: Sequence[Any]) -> None:
        """Ids are unique across the whole tree: a repeat names both places."""
        seen: dict[str, int] = {}
        for index, record in enumerate(records, start=1):
            first = seen.setdefault(record.id, index)
            if first != index:
                label, number = self.origins[key][first - 1]
                message = f"duplicate id {record.id!r} (also record {number} of {label})"
                self.add(key, index, record.id, "id", message)

    def raise_if_any(self) -> None:
        if self.items:
            raise SeedError(self.items)
