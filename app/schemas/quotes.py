"""The quote: its text, attribution, place in the iceberg and in its report; a page of quotes, a
sample of them."""

from pydantic import Field

from app.schemas.analysis import FacetValue
from app.schemas.common import (
    InterviewRef,
    LayerRef,
    OrganisationTypeRef,
    Page,
    PublicModel,
    ReportRef,
    SectionRef,
    StakeholderTypeRef,
    TagRef,
    ThemeRef,
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


class QuotePage(Page[Quote]):
    """A page of quotes, with the facet counts asked for."""

    facets: dict[str, list[FacetValue]] = Field(
        description="For each `facet` asked for: the values of the quotes matching the filters "
        "and search (all pages), most frequent first; empty when none was asked for."
    )


class QuoteSample(PublicModel):
    """Distinct quotes drawn at random among those matching the filters."""

    items: list[Quote] = Field(
        description="The quotes drawn, each at most once: `count` of them, or every match when "
        "fewer match; in no particular order."
    )


class ContextPassage(PublicModel):
    """The paragraph of the report that holds a quote, cut at the quote."""

    before: str = Field(description="The paragraph's text before the quote (often empty).")
    quote: str = Field(description="The quote, verbatim, as the report prints it.")
    after: str = Field(description="The paragraph's text after the quote.")


class QuoteContext(PublicModel):
    """A quote where its report prints it: the paragraphs before, its own, and after."""

    quote: Quote = Field(description="The quote.")
    before: list[str] = Field(
        description="The paragraphs just before the quote's, in reading order (at most "
        "`paragraphs`; fewer at the start of the report)."
    )
    passage: ContextPassage = Field(description="The paragraph holding the quote, cut at it.")
    after: list[str] = Field(
        description="The paragraphs just after it, in reading order (at most `paragraphs`): "
        "the attribution the report prints comes first."
    )
