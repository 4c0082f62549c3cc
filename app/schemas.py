"""Public read models: the only shapes the API returns. Every field carries a description."""

from datetime import date, datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class PublicModel(BaseModel):
    """Base of every response model."""

    model_config = ConfigDict(from_attributes=True)


# --- references: the short form of an object embedded in another -------------------------------


class ThemeRef(PublicModel):
    """A theme, by id and title."""

    id: str = Field(description="Stable identifier of the theme.", examples=["fda-pathways"])
    title: str = Field(description="Title of the theme as the report prints it.")


class LayerRef(PublicModel):
    """An iceberg layer, by id and name."""

    id: str = Field(description="Stable identifier of the layer.", examples=["a-bit-deeper"])
    name: str = Field(description="Name of the layer as the report gives it.")


class StakeholderTypeRef(PublicModel):
    """A stakeholder type, by id and name."""

    id: str = Field(description="Stable identifier of the type.", examples=["public-payer"])
    name: str = Field(description="Display name of the type.")


class OrganisationTypeRef(PublicModel):
    """An organisation type, by id and name."""

    id: str = Field(description="Stable identifier.", examples=["public-payer-association"])
    name: str = Field(description="The organisation type as printed in attributions.")

    @classmethod
    def of(cls, type_id: str | None, name: str | None) -> "OrganisationTypeRef | None":
        """The reference, or None for an attribution that names no organisation."""
        return cls(id=type_id, name=name) if type_id and name else None


class InterviewRef(PublicModel):
    """An anonymised interview, by id."""

    id: str = Field(
        description="Stable identifier of the interview.",
        examples=["executive-public-payer-association"],
    )


class ReportRef(PublicModel):
    """A report, by id and title."""

    id: str = Field(description="Stable identifier of the report.", examples=["cgt-insights-2026"])
    title: str = Field(description="Canonical title of the report.")


class TagRef(PublicModel):
    """A tag, by id, name and kind."""

    id: str = Field(description="Stable identifier of the tag.", examples=["medicaid"])
    name: str = Field(description="Display name of the tag.")
    kind: str = Field(
        description="Kind of topic: policy-instrument, agency, condition-therapy or issue."
    )


# --- quotes -----------------------------------------------------------------------------------


class SectionRef(PublicModel):
    """A report section and its page range from the table of contents."""

    numeral: str = Field(description="Roman numeral of the section.", examples=["VII"])
    title: str = Field(description="Title of the section as the table of contents prints it.")
    page_start: int | None = Field(description="First page of the section (table of contents).")
    page_end: int | None = Field(
        description="Last page of the section: the page before the next section starts; "
        "null for the last section. The text has no page breaks, so a quote's own page is unknown."
    )


class QuoteLocation(PublicModel):
    """Where a quote stands in its report."""

    section: SectionRef = Field(description="The section that prints the quote.")
    start_offset: int = Field(
        description="Character offset (Unicode code points) of the quote's first character in "
        "the report's cleaned full text."
    )
    end_offset: int = Field(description="Offset just past the quote's last character.")


class Quote(PublicModel):
    """A verbatim interview quote with its attribution, theme, layer and source."""

    id: str = Field(description="Stable identifier of the quote.", examples=["cgt-2026-q07"])
    text: str = Field(
        description="The quote, verbatim, without its outer quotation marks; editorial "
        "insertions in brackets and ellipses are the report's own."
    )
    attribution: str = Field(
        description="The attribution exactly as printed.",
        examples=["Executive, Public Payer Association"],
    )
    role_title: str = Field(description="The role part of the attribution.", examples=["Executive"])
    position: int = Field(description="Position of the quote in its report (1 = first).")
    length: int = Field(description="Length of the text in characters.")
    theme: ThemeRef = Field(description="The theme the report prints the quote under.")
    layer: LayerRef = Field(description="The iceberg layer of that theme.")
    stakeholder_type: StakeholderTypeRef = Field(description="Stakeholder type of the speaker.")
    organisation_type: OrganisationTypeRef | None = Field(
        description="Organisation type named by the attribution; null where it names none."
    )
    interview: InterviewRef = Field(description="The anonymised interview the quote is from.")
    report: ReportRef = Field(description="The report that prints the quote.")
    tags: list[TagRef] = Field(description="Curated topics the quote touches.")
    location: QuoteLocation = Field(description="Section, page range and character offsets.")


class Page(PublicModel, Generic[T]):
    """A page of a list, with the cursor of the next page."""

    items: list[T] = Field(description="The items of this page, in the list's order.")
    next_cursor: str | None = Field(
        description="Opaque cursor for the next page (pass it as `cursor`); null on the last page."
    )


# --- reports ------------------------------------------------------------------------------------


class Methodology(PublicModel):
    """How the evidence behind a report was gathered, as the sources state it."""

    interview_count: int | None = Field(description="Number of in-depth interviews.")
    interview_period: str | None = Field(description="When the interviews took place.")
    interview_minutes: int | None = Field(description="Length of each interview in minutes.")
    interview_mode: str | None = Field(description="How the interviews were held.")
    interview_format: str | None = Field(description="Interview format.")
    workshop_count: int | None = Field(description="Number of expert workshops.")
    workshop_expert_count: int | None = Field(
        description="Approximate number of experts in the workshops."
    )
    workshop_period: str | None = Field(description="When the workshops took place.")


class Statement(PublicModel):
    """A named statement printed in a report (the publisher's, not an interviewee's)."""

    id: str = Field(description="Stable identifier of the statement.")
    position: int = Field(description="Order of the passage within its report.")
    speaker_name: str = Field(description="Name of the speaker as printed.")
    speaker_title: str = Field(description="Title of the speaker as printed.")
    text: str = Field(description="The statement, verbatim.")


class Section(SectionRef):
    """A section of a report."""

    id: str = Field(description="Stable identifier of the section.")
    position: int = Field(description="Order of the section in the report.")


class Report(PublicModel):
    """A source document."""

    id: str = Field(description="Stable identifier of the report.", examples=["cgt-insights-2026"])
    kind: str = Field(description="insights-report, press-release or seminar-report.")
    title: str = Field(description="Canonical title.")
    publisher: str = Field(description="Publisher of the document.")
    published_on: date = Field(description="Publication date.")
    summary: str = Field(description="Summary, in the document's own words.")
    credit: str = Field(description="Credit line to show with any content from the document.")
    has_full_text: bool = Field(description="Whether the cleaned full text is stored.")
    quote_count: int = Field(description="Number of interview quotes the report prints.")


class ReportDetail(Report):
    """A source document with its methodology, sections and named statements."""

    methodology: Methodology = Field(description="How the evidence was gathered.")
    sections: list[Section] = Field(description="Sections with their page ranges.")
    statements: list[Statement] = Field(
        description="Named statements (e.g. the publisher's in a press release); not quotes."
    )


# --- layers and themes --------------------------------------------------------------------------


class Theme(PublicModel):
    """A theme of the report within one iceberg layer."""

    id: str = Field(description="Stable identifier of the theme.", examples=["fda-pathways"])
    title: str = Field(description="Title as the report prints it.")
    position: int = Field(description="Order of the theme in the report (1 = first).")
    summary: str = Field(description="The report's summary paragraph of the theme.")
    layer: LayerRef = Field(description="The layer the theme belongs to.")
    quote_count: int = Field(description="Number of quotes printed under the theme.")


class ThemeInLayer(PublicModel):
    """A theme listed under its layer."""

    id: str = Field(description="Stable identifier of the theme.")
    title: str = Field(description="Title as the report prints it.")
    position: int = Field(description="Order of the theme in the report.")
    quote_count: int = Field(description="Number of quotes printed under the theme.")


class Layer(PublicModel):
    """A layer of the iceberg model."""

    id: str = Field(description="Stable identifier of the layer.", examples=["a-bit-deeper"])
    depth: int = Field(description="1 for the tip of the iceberg, 4 for the fundamentals.")
    name: str = Field(description="Name of the layer as the report gives it.")
    heading: str = Field(description="The layer's heading in section IV.")
    issue_kind: str = Field(description="What kind of issue the layer holds.")
    description: str = Field(description="The layer's description from section IV.")
    introduction: str | None = Field(
        description="The introduction of the layer's own section; null where it has none."
    )
    section: SectionRef = Field(description="The report section that covers the layer.")
    theme_count: int = Field(description="Number of themes in the layer.")
    quote_count: int = Field(description="Number of quotes in the layer.")


class LayerDetail(Layer):
    """A layer with its themes."""

    themes: list[ThemeInLayer] = Field(description="The layer's themes in report order.")


# --- stakeholders, interviews, tags ------------------------------------------------------------


class StakeholderType(PublicModel):
    """A node of the stakeholder taxonomy."""

    id: str = Field(description="Stable identifier of the type.", examples=["public-payer"])
    name: str = Field(description="Display name.")
    description: str = Field(description="Who the type covers.")
    parent: StakeholderTypeRef | None = Field(description="The parent type; null at the top.")
    children: list[StakeholderTypeRef] = Field(description="Direct sub-types.")
    interview_count: int = Field(description="Interviews of this type or its sub-types.")
    quote_count: int = Field(description="Quotes from interviews of this type or its sub-types.")


class Interview(PublicModel):
    """An anonymised interview, known only by the role its quotes are attributed to."""

    id: str = Field(
        description="Stable identifier.", examples=["executive-public-payer-association"]
    )
    attribution: str = Field(description="The attribution exactly as the report prints it.")
    role_title: str = Field(description="The role part of the attribution.")
    organisation_type: OrganisationTypeRef | None = Field(
        description="The organisation part of the attribution; null where it names none."
    )
    stakeholder_type: StakeholderTypeRef = Field(description="Stakeholder type of the role.")
    report: ReportRef = Field(description="The report that conducted the interview.")
    position: int = Field(description="Order of the attribution's first appearance in the report.")
    quote_count: int = Field(description="Number of quotes attributed to the interview.")


class Tag(PublicModel):
    """A curated topic that quotes touch."""

    id: str = Field(description="Stable identifier of the tag.", examples=["medicaid"])
    name: str = Field(description="Display name.")
    kind: str = Field(description="policy-instrument, agency, condition-therapy or issue.")
    description: str = Field(description="What the tag stands for.")
    quote_count: int = Field(description="Number of quotes carrying the tag.")


# --- meta and errors ----------------------------------------------------------------------------


class Counts(PublicModel):
    """How many objects of each type the database holds."""

    reports: int = Field(description="Reports.")
    layers: int = Field(description="Iceberg layers.")
    themes: int = Field(description="Themes.")
    quotes: int = Field(description="Interview quotes.")
    interviews: int = Field(description="Interviews.")
    stakeholder_types: int = Field(description="Stakeholder types.")
    organisation_types: int = Field(description="Organisation types.")
    tags: int = Field(description="Tags.")
    statements: int = Field(description="Named statements.")


class Meta(PublicModel):
    """The state of the data: its version, when it was loaded, what it holds, whom to credit."""

    data_version: str = Field(
        description="Content hash of what the seeds loaded; changes exactly when content changes."
    )
    loaded_at: datetime | None = Field(description="When the current content was loaded (UTC).")
    counts: Counts = Field(description="Counts per object type.")
    credit: str = Field(description="Credit line for content taken from the API.")


class Health(PublicModel):
    """A health check result."""

    status: str = Field(description="`ok` when healthy.", examples=["ok"])


class ProblemError(BaseModel):
    """One invalid parameter."""

    loc: list[str | int] = Field(description='Where the parameter is, e.g. ["query", "limit"].')
    msg: str = Field(description="What is wrong with it.")
    type: str = Field(description="Machine-readable kind of error.")


class Problem(BaseModel):
    """An RFC 9457 problem details object, the body of every error response."""

    type: str = Field(description="URI reference identifying the problem type.")
    title: str = Field(description="Short summary of the problem type.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="Explanation of this occurrence of the problem.")
    instance: str | None = Field(default=None, description="The request path.")
    errors: list[ProblemError] | None = Field(
        default=None, description="For 422: each invalid parameter."
    )


# --- analysis: facets, cross-tabs, profiles ------------------------------------------------------


class DimensionValue(PublicModel):
    """One value of a dimension."""

    value: str | None = Field(
        description="The value's id (null: the organisation_type of attributions naming none)."
    )
    label: str = Field(description="Display label of the value.")


class FacetValue(DimensionValue):
    """A dimension value with its number of matching quotes."""

    count: int = Field(description="Matching quotes with this value.")


class QuotePage(Page[Quote]):
    """A page of quotes, with the facet counts asked for."""

    facets: dict[str, list[FacetValue]] = Field(
        description="For each `facet` asked for: the values of the quotes matching the filters "
        "and search (all pages), most frequent first; empty when none was asked for."
    )


class CrosstabShares(PublicModel):
    """The cells as shares (0 to 1, four decimals)."""

    of_total: list[list[float]] = Field(description="Each cell divided by `total`.")
    of_row: list[list[float]] = Field(description="Each cell divided by its row total.")
    of_col: list[list[float]] = Field(description="Each cell divided by its column total.")


class Crosstab(PublicModel):
    """Quote counts by two dimensions, zero cells included, in the dimensions' natural order."""

    rows_dimension: str = Field(description="The dimension of the rows.")
    cols_dimension: str = Field(description="The dimension of the columns.")
    rows: list[DimensionValue] = Field(description="Every value of the row dimension.")
    cols: list[DimensionValue] = Field(description="Every value of the column dimension.")
    cells: list[list[int]] = Field(description="cells[i][j]: quotes with row i and column j.")
    row_totals: list[int] = Field(description="Distinct quotes per row.")
    col_totals: list[int] = Field(description="Distinct quotes per column.")
    total: int = Field(
        description="Distinct matching quotes (with `tag`, totals can exceed it: a quote counts "
        "under each of its tags)."
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
