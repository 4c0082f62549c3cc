"""The tables a load fills, parents first, and the shape of their rows.

A row is a plain dict keyed by column name: the rows step makes them, the writes and the data
version read them.
"""

from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]
# Parents before children: inserts run in this order, deletes in reverse.
TABLE_ORDER = (
    "report",
    "report_section",
    "statement",
    "report_passage",
    "layer",
    "report_layer",
    "theme",
    "stakeholder_type",
    "organisation_type",
    "interview",
    "tag",
    "quote",
    "quote_tag",
)


def section_id(report_id: str, numeral: str) -> str:
    """The stable id of a report section, e.g. `cgt-insights-2026-v`."""
    return f"{report_id}-{numeral.lower()}"


@dataclass(frozen=True)
class TableDiff:
    """How a load changed one table: the rows it added and removed, and each row it changed
    with the columns that differ. `bulk`: the table was empty, so everything it now holds is
    added: `added`, or, for a table a first load streamed in without keeping its rows, just
    `streamed`, their number."""

    added: list[Row] = field(default_factory=list)
    removed: list[Row] = field(default_factory=list)
    changed: list[tuple[Row, list[str]]] = field(default_factory=list)
    bulk: bool = False
    streamed: int = 0

    @property
    def added_count(self) -> int:
        """How many rows were added."""
        return self.streamed or len(self.added)
