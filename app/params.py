"""Query parameters of the list endpoints, and the opaque pagination cursor. Long because every
endpoint that takes the quote list's filters takes them from here, each with the description the
OpenAPI shows, beside the validators that bound them."""

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from app.config import get_settings

MAX_VALUES = 50  # ids per repeatable filter
CURSOR_PATTERN = r"^[0-9]{1,15}\.[a-z0-9]+(-[a-z0-9]+)*$"
FilterId = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Filter = Annotated[list[FilterId], Field(max_length=MAX_VALUES)]


class QuoteSort(StrEnum):
    """Orders of the quote list; ties are broken by id in the same direction."""

    position = "position"
    position_desc = "-position"
    length = "length"
    length_desc = "-length"
    # Best match first, as /v1/search ranks quotes (only with `q`); ties in report order.
    rank = "rank"

    @property
    def column(self) -> str:
        """The column of `quote` the order keys on: report order is the loader's `seq` (which
        also breaks a rank's ties)."""
        name = self.value.lstrip("-")
        return "seq" if name in {"position", "rank"} else name

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
    report = "report"


# The longest quote text a length filter may name: far above any printed quote.
MAX_QUOTE_LENGTH = 100_000
EXCLUDED = "not_"  # the prefix of a dimension's exclusion filter: `not_tag`, `not_layer`, ...


def _excludes(what: str) -> Any:
    return Field(
        default=[],
        description=f"Leaves out quotes of these {what} (repeatable; a quote with any of them "
        "is left out).",
    )


class QuoteFilters(BaseModel):
    """Filters of the quote list: repeatable, OR within a filter, AND across filters; each
    dimension's `not_` filter leaves out what it names."""

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
    not_layer: Filter = _excludes("layers")
    not_theme: Filter = _excludes("themes")
    not_stakeholder_type: Filter = _excludes(
        "stakeholder types; a parent type leaves out its sub-types too"
    )
    not_organisation_type: Filter = _excludes(
        "organisation types (a quote whose attribution names none stays)"
    )
    not_interview: Filter = _excludes("interviews")
    not_tag: Filter = _excludes("tags")
    not_report: Filter = _excludes("reports")
    min_length: int | None = Field(
        default=None,
        ge=1,
        le=MAX_QUOTE_LENGTH,
        description="Only quotes whose text has at least this many characters (Unicode code "
        "points, as `length` counts them).",
    )
    max_length: int | None = Field(
        default=None,
        ge=1,
        le=MAX_QUOTE_LENGTH,
        description="Only quotes whose text has at most this many characters.",
    )
    q: str | None = Field(
        default=None,
        max_length=1000,
        description='Full-text search over the quote text: words (all required), "quoted '
        'phrases" and prefix* words; operators and punctuation are ignored.',
    )

    @model_validator(mode="after")
    def _bounded(self) -> "QuoteFilters":
        # Each OR-ed id is one more index read (and, with tags, one more merged arm): the total
        # across filters, not each filter's own count, is what a request costs.
        limit = get_settings().max_filter_ids
        total = sum(len(values) for values in self.id_filters().values())
        if total > limit:
            raise PydanticCustomError(
                "too_many_ids",
                "{total} filter ids in all, over the limit of {limit} per request (MAX_FILTER_IDS)",
                {"total": total, "limit": limit},
            )
        if (
            self.min_length is not None
            and self.max_length is not None
            and self.min_length > self.max_length
        ):
            raise PydanticCustomError(
                "empty_length_range",
                "min_length {low} is over max_length {high}: no quote could match",
                {"low": self.min_length, "high": self.max_length},
            )
        return self

    def dimensions(self) -> dict[str, list[str]]:
        """The id filters that include, by dimension."""
        return {name: values for name in DIMENSIONS if (values := getattr(self, name))}

    def exclusions(self) -> dict[str, list[str]]:
        """The id filters that exclude, by dimension (`not_tag=x` is `{"tag": ["x"]}`)."""
        return {name: values for name in DIMENSIONS if (values := getattr(self, EXCLUDED + name))}

    def id_filters(self) -> dict[str, list[str]]:
        """Every id filter that is set, by its parameter name (`tag`, `not_tag`, ...)."""
        excluded = {EXCLUDED + name: values for name, values in self.exclusions().items()}
        return {**self.dimensions(), **excluded}

    def query_pairs(self) -> list[tuple[str, str]]:
        """The filters as query pairs: fields in a fixed order, ids sorted and deduplicated."""
        pairs = [
            (name, value)
            for name, values in self.id_filters().items()
            for value in sorted(set(values))
        ]
        pairs.extend((name, str(value)) for name, value in self.lengths().items())
        if self.q is not None:
            pairs.append(("q", self.q))
        return pairs

    def lengths(self) -> dict[str, int]:
        """The length filters that are set, by parameter name."""
        bounds = {"min_length": self.min_length, "max_length": self.max_length}
        return {name: value for name, value in bounds.items() if value is not None}


# The id filters' dimensions, in the order of the parameters.
DIMENSIONS = tuple(dimension.value for dimension in Dimension)


class QuoteListParams(QuoteFilters):
    """Filters plus order and paging."""

    sort: QuoteSort = Field(
        default=QuoteSort.position,
        description="Order of the list: report order (`position`, `-position`), text length "
        "(`length`, `-length`), or with `q`, best match first (`rank`, as /v1/search ranks).",
    )
    limit: int = Field(default=20, ge=1, le=100, description="Page size, 1 to 100.")
    cursor: str | None = Field(
        default=None,
        max_length=200,
        pattern=CURSOR_PATTERN,
        description="`next_cursor` of the previous page (opaque; made for the same `sort`).",
    )
    facet: Annotated[list[Dimension], Field(max_length=7)] = Field(
        default=[],
        description="Dimensions to count the matching quotes by (repeatable): the response's "
        "`facets` then lists each dimension's values with their counts.",
    )

    @model_validator(mode="after")
    def _ranked_by_a_search(self) -> "QuoteListParams":
        if self.sort is QuoteSort.rank and not (self.q or "").strip():
            raise PydanticCustomError(
                "rank_needs_q", "sort=rank orders by relevance to `q`: give a search", {}
            )
        return self


class PageParams(BaseModel):
    """Paging of an HTML page of quotes (a layer's, a theme's): where in report order it starts."""

    model_config = ConfigDict(extra="ignore")

    cursor: str | None = Field(
        default=None,
        max_length=200,
        pattern=CURSOR_PATTERN,
        description="Where the page starts: the `cursor` of the previous page's next link "
        "(opaque); absent: the first page.",
    )


class CrosstabParams(QuoteFilters):
    """Two dimensions to cross, under the quote list's filters."""

    rows: Dimension = Field(description="Dimension of the rows.")
    cols: Dimension = Field(description="Dimension of the columns.")


class Unit(StrEnum):
    """What two values co-occur in."""

    quote = "quote"
    interview = "interview"
    theme = "theme"


class CooccurrenceParams(QuoteFilters):
    """A dimension whose values to pair, and the unit they co-occur in."""

    dimension: Dimension = Field(description="The dimension whose values are paired.")
    within: Unit | None = Field(
        default=None,
        description="What two values co-occur in: `quote` (only for `tag`, a quote's tags), "
        "`interview` or `theme`. Default: `quote` for `tag`, `theme` for `stakeholder_type` "
        "and `organisation_type`, `interview` for the others. It may not be the dimension.",
    )


class CaseCodeParams(QuoteFilters):
    """The codes of a case-by-code matrix, and whether it counts or marks them."""

    codes: Literal["theme", "tag"] = Field(description="The codes: `theme` or `tag`.")
    binary: bool = Field(
        default=False, description="1 where an interview has the code at all, instead of counts."
    )


class ExploreParams(QuoteListParams):
    """The explorer's view: the quote list's parameters, and the heatmap's two dimensions."""

    rows: Dimension = Field(
        default=Dimension.stakeholder_type, description="Dimension of the heatmap's rows."
    )
    cols: Dimension = Field(default=Dimension.layer, description="Dimension of its columns.")

    @model_validator(mode="after")
    def _two_dimensions(self) -> "ExploreParams":
        if self.rows == self.cols:
            raise PydanticCustomError("same_dimension", "rows and cols must differ", {})
        return self


EmbedLayout = Literal["single", "carousel", "wall", "list"]
MAX_EMBED_COUNT = 24


class EmbedCollectionParams(QuoteFilters):
    """An embed of the quotes meeting the filters: how they are laid out, how many, in which
    colours."""

    layout: EmbedLayout = Field(
        default="wall",
        description="`single` (one card: the first match), `carousel` (one at a time, rotating, "
        "with a pause control; still for readers who prefer reduced motion), `wall` (a "
        "responsive grid) or `list`.",
    )
    count: int = Field(
        default=6,
        ge=1,
        le=MAX_EMBED_COUNT,
        description=f"How many quotes, 1 to {MAX_EMBED_COUNT}: the first that match, in report "
        "order.",
    )
    mode: Literal["light", "dark", "auto"] = Field(
        default="auto", description="Colours: light, dark, or auto (the reader's preference)."
    )
    rotate_seconds: int = Field(
        default=8, ge=5, le=3600, description="The carousel's seconds a quote, 5 to 3600."
    )


class EmbedBuilderParams(EmbedCollectionParams):
    """The snippet builder's form: an embed's parameters, one quote or none, and its size."""

    quote: FilterId | None = Field(
        default=None,
        description="One quote's id, for a card of that quote (the filters are then ignored).",
    )
    width: int = Field(
        default=560, ge=120, le=1200, description="The embed's width in pixels, 120 to 1200."
    )


class ObjectType(StrEnum):
    """A type of object the change history names."""

    report = "report"
    layer = "layer"
    theme = "theme"
    stakeholder_type = "stakeholder_type"
    organisation_type = "organisation_type"
    interview = "interview"
    tag = "tag"
    quote = "quote"


# Changes and change sets are numbered in a 32-bit integer column: nine digits always fit.
MAX_CHANGE_NUMBER = 999_999_999
# A cursor of the change history: the number of the last change of the previous page.
CHANGE_CURSOR = Field(
    default=None,
    max_length=9,
    pattern=r"^[0-9]{1,9}$",
    description="`next_cursor` of the previous page (opaque).",
)


class ChangeListParams(BaseModel):
    """Filters and paging of the change history, newest first."""

    model_config = ConfigDict(extra="ignore")

    type: ObjectType | None = Field(default=None, description="Only changes of this object type.")
    id: FilterId | None = Field(
        default=None, description="Only changes of the objects with this id, e.g. `cgt-2026-q07`."
    )
    change_set: int | None = Field(
        default=None,
        ge=1,
        le=MAX_CHANGE_NUMBER,
        description="Only the changes of this change set (load).",
    )
    limit: int = Field(default=20, ge=1, le=100, description="Page size, 1 to 100.")
    cursor: str | None = CHANGE_CURSOR


class ChangeSetListParams(BaseModel):
    """Paging of the change sets, newest first."""

    model_config = ConfigDict(extra="ignore")

    limit: int = Field(default=20, ge=1, le=100, description="Page size, 1 to 100.")
    cursor: str | None = CHANGE_CURSOR


def encode_cursor(key: int, quote_id: str) -> str:
    """Where the next page starts: the last row's sort key and id (clients treat it as opaque)."""
    return f"{key}.{quote_id}"


def decode_cursor(cursor: str) -> tuple[int, str]:
    """The (sort key, id) a cursor points after. The parameter's pattern already holds."""
    key, quote_id = cursor.split(".", 1)
    return int(key), quote_id
