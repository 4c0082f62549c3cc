"""Counting and finding quotes: facets, cross-tabs, a stakeholder type's profile, search hits."""

from pydantic import Field

from app.schemas.catalogue import StakeholderType
from app.schemas.common import PublicModel, ReportRef


class DimensionValue(PublicModel):
    """One value of a dimension."""

    value: str | None = Field(
        description="The value's id (null: the organisation_type of attributions naming none, "
        "or the tag of untagged quotes)."
    )
    label: str = Field(description="Display label of the value.")


class FacetValue(DimensionValue):
    """A dimension value with its number of matching quotes."""

    count: int = Field(description="Matching quotes with this value.")


class CrosstabShares(PublicModel):
    """The cells as shares (0 to 1, four decimals)."""

    of_total: list[list[float]] = Field(description="Each cell divided by `total`.")
    of_row: list[list[float]] = Field(description="Each cell divided by its row total.")
    of_col: list[list[float]] = Field(description="Each cell divided by its column total.")


class CrosstabDistinct(PublicModel):
    """Distinct quotes of a cross-tab's rows, columns and whole."""

    rows: list[int] = Field(description="Distinct quotes per row.")
    cols: list[int] = Field(description="Distinct quotes per column.")
    total: int = Field(description="Distinct matching quotes.")


class Crosstab(PublicModel):
    """Quote counts by two dimensions, zero cells included, in the dimensions' natural order."""

    rows_dimension: str = Field(description="The dimension of the rows.")
    cols_dimension: str = Field(description="The dimension of the columns.")
    rows: list[DimensionValue] = Field(description="Every value of the row dimension.")
    cols: list[DimensionValue] = Field(description="Every value of the column dimension.")
    cells: list[list[int]] = Field(
        description="cells[i][j]: quotes with row i and column j (under `tag`, a quote counts "
        "in the cell of each of its tags, and an untagged one under the `null` value)."
    )
    row_totals: list[int] = Field(description="Each row's sum of its cells.")
    col_totals: list[int] = Field(description="Each column's sum of its cells.")
    total: int = Field(description="The sum of all cells.")
    distinct_quotes: CrosstabDistinct = Field(
        description="Distinct matching quotes per row, per column and in all: the totals, "
        "unless a dimension in `multi_valued` counts a quote more than once."
    )
    multi_valued: list[str] = Field(
        description="This table's dimensions under which one quote can count in several cells "
        "(`tag`: a quote counts under each of its tags); empty: every quote counts once."
    )
    shares: CrosstabShares = Field(description="The cells as shares of total, row and column.")


class DimensionCount(PublicModel):
    """A quote count for one value of a dimension."""

    id: str = Field(description="Id of the value.")
    name: str = Field(description="Display name of the value.")
    count: int = Field(description="Number of quotes.")


class StakeholderTypeDetail(StakeholderType):
    """A stakeholder type with where its quotes fall in the iceberg."""

    by_layer: list[DimensionCount] = Field(
        description="Quotes of the type (sub-types included) per layer, every layer listed."
    )
    by_theme: list[DimensionCount] = Field(
        description="Quotes of the type (sub-types included) per theme, every theme listed."
    )


class SearchHit(PublicModel):
    """A quote, theme or layer matching a search, with a highlighted snippet."""

    type: str = Field(description="quote, theme or layer.", examples=["quote"])
    id: str = Field(description="Stable identifier of the object.")
    title: str = Field(
        description="The theme's title, the layer's name and heading, or the quote's attribution."
    )
    snippet: str = Field(
        description="HTML-safe excerpt: the text is escaped and only `<mark>` tags are added "
        "around the matching words."
    )
    score: float = Field(
        description="Relevance on this database backend (bm25 or ts_rank): higher is better; "
        "comparable only within one response."
    )
    url: str = Field(description="Path of the object in this API.")
    report: ReportRef | None = Field(
        description="The report the quote or theme belongs to; null for a layer, which the "
        "iceberg model shares across reports."
    )


class CooccurrenceValue(DimensionValue):
    """A value of the dimension, with the units it appears in."""

    count: int = Field(description="Units (see `within`) with at least one matching quote of it.")


class CooccurrencePair(PublicModel):
    """Two values that appear in the same units, and in how many."""

    a: DimensionValue = Field(description="The first value (the earlier in natural order).")
    b: DimensionValue = Field(description="The second value.")
    count: int = Field(description="Units (see `within`) with matching quotes of both values.")


class Cooccurrence(PublicModel):
    """Which values of a dimension appear together, and how often, under the filters."""

    dimension: str = Field(description="The dimension whose values are paired.")
    within: str = Field(
        description="The unit two values co-occur in: `quote` (two tags on one quote), "
        "`interview` (two themes raised in one interview), `theme` (two stakeholder types "
        "speaking to one theme)."
    )
    values: list[CooccurrenceValue] = Field(
        description="Every value that appears under the filters, most units first."
    )
    pairs: list[CooccurrencePair] = Field(
        description="Every pair that shares at least one unit, most shared first (ties in "
        "natural order)."
    )


class QuoteCounts(PublicModel):
    """How many quotes match some filters, in all, by value of some dimensions, and across two."""

    total: int = Field(description="Quotes matching the filters and search.")
    facets: dict[str, list[FacetValue]] = Field(
        description="For each dimension asked for: its values among the matching quotes, most "
        "frequent first (as /v1/quotes's facets)."
    )
    crosstab: Crosstab | None = Field(
        description="The cross-tab of `rows` by `cols` under the filters (as /v1/stats/crosstab"
        "); null when none was asked for."
    )
