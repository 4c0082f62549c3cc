"""Mistakes in the seed data, each located by file, record and field."""

from collections.abc import Sequence
from typing import Any

from app.seed_files import SPECS, SeedError, SeedProblem


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
