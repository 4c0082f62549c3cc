"""Mistakes in the seed data, each located by file, record and field.

Each problem is reported as `file: record N (id 'x'), field 'f': what is wrong`, and all problems
of a load are collected, so one run names every mistake at once.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.seeding.records import SPECS


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
    """Collects cross-record problems, located like the per-record ones."""

    def __init__(self) -> None:
        self.items: list[SeedProblem] = []

    def add(self, key: str, index: int, record_id: str, field: str, message: str) -> None:
        label = f"seeds/{SPECS[key].filename}"
        self.items.append(SeedProblem(label, message, index, record_id, field))

    def unique_ids(self, key: str, records: Sequence[Any]) -> None:
        seen: set[str] = set()
        for index, record in enumerate(records, start=1):
            if record.id in seen:
                self.add(key, index, record.id, "id", f"duplicate id {record.id!r}")
            seen.add(record.id)

    def raise_if_any(self) -> None:
        if self.items:
            raise SeedError(self.items)
