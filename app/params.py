"""Query parameters of the list endpoints, and the opaque pagination cursor."""

import base64
import binascii
import json
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.errors import InvalidParameter

MAX_VALUES = 50  # ids per repeatable filter
FilterId = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Filter = Annotated[list[FilterId], Field(max_length=MAX_VALUES)]


class QuoteSort(StrEnum):
    """Orders of the quote list; ties are broken by id in the same direction."""

    position = "position"
    position_desc = "-position"
    length = "length"
    length_desc = "-length"

    @property
    def column(self) -> str:
        return self.value.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.value.startswith("-")


class Dimension(StrEnum):
    """A way to group quotes, spelled as the filter of the same name."""

    layer = "layer"
    theme = "theme"
    stakeholder_type = "stakeholder_type"
    organisation_type = "organisation_type"
    interview = "interview"
    tag = "tag"


class QuoteFilters(BaseModel):
    """Filters of the quote list: repeatable, OR within a filter, AND across filters."""

    model_config = ConfigDict(extra="ignore")

    layer: Filter = Field(default=[], description="Iceberg layer ids, e.g. `a-bit-deeper`.")
    theme: Filter = Field(default=[], description="Theme ids, e.g. `fda-pathways`.")
    stakeholder_type: Filter = Field(
        default=[], description="Stakeholder type ids; a parent type includes its sub-types."
    )
    organisation_type: Filter = Field(
        default=[], description="Organisation type ids, e.g. `public-payer-association`."
    )
    interview: Filter = Field(default=[], description="Interview ids.")
    tag: Filter = Field(default=[], description="Tag ids, e.g. `medicaid`.")
    report: Filter = Field(default=[], description="Report ids, e.g. `cgt-insights-2026`.")
    q: str | None = Field(
        default=None,
        max_length=1000,
        description='Full-text search over the quote text: words (all required), "quoted '
        'phrases" and prefix* words; operators and punctuation are ignored.',
    )

    def dimensions(self) -> dict[str, list[str]]:
        """The id filters that are set, by dimension."""
        return {
            name: values
            for name, values in self.model_dump(include=set(DIMENSIONS)).items()
            if values
        }


DIMENSIONS = frozenset(QuoteFilters.model_fields) - {"q"}


class QuoteListParams(QuoteFilters):
    """Filters plus order and paging."""

    sort: QuoteSort = Field(default=QuoteSort.position, description="Order of the list.")
    limit: int = Field(default=20, ge=1, le=100, description="Page size, 1 to 100.")
    cursor: str | None = Field(
        default=None, max_length=500, description="`next_cursor` of the previous page."
    )
    facet: Annotated[list[Dimension], Field(max_length=6)] = Field(
        default=[],
        description="Dimensions to count the matching quotes by (repeatable): the response's "
        "`facets` then lists each dimension's values with their counts.",
    )


def encode_cursor(sort: QuoteSort, key: Any, quote_id: str) -> str:
    """An opaque cursor: where the next page starts, for this sort order."""
    raw = json.dumps([sort.value, key, quote_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: QuoteSort) -> tuple[int, str]:
    """The (sort key, id) a cursor points after; a 422 for anything forged or mismatched."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise InvalidParameter(["query", "cursor"], "The cursor is not valid.") from None
    valid = (
        isinstance(value, list)
        and len(value) == 3
        and value[0] == sort.value
        and isinstance(value[1], int)
        and not isinstance(value[1], bool)
        and abs(value[1]) < 2**53
        and isinstance(value[2], str)
        and len(value[2]) <= 200
    )
    if not valid:
        raise InvalidParameter(
            ["query", "cursor"], "The cursor is not valid for this list and sort order."
        )
    return value[1], value[2]


class CrosstabParams(QuoteFilters):
    """Two dimensions to cross, under the quote list's filters."""

    rows: Dimension = Field(description="Dimension of the rows.")
    cols: Dimension = Field(description="Dimension of the columns.")
