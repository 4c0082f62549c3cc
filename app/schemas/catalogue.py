"""What the quotes are filed under: reports, layers and themes, stakeholders, interviews, tags."""

from datetime import date

from pydantic import Field

from app.schemas.common import (
    LayerRef,
    OrganisationTypeRef,
    PublicModel,
    ReportRef,
    SectionRef,
    StakeholderTypeRef,
)

# --- reports ------------------------------------------------------------------------------------


class Methodology(PublicModel):
    """How the evidence behind a report was gathered, as the sources state it.

    The passages (`workshop_expert_count_text`, `participant_selection`, `caveats`) are verbatim:
    exactly the characters of the stored full text of the document that prints them.
    """

    interview_count: int | None = Field(description="Number of in-depth interviews.")
    interview_period: str | None = Field(description="When the interviews took place.")
    interview_minutes: int | None = Field(description="Length of each interview in minutes.")
    interview_mode: str | None = Field(description="How the interviews were held.")
    interview_format: str | None = Field(description="Interview format.")
    workshop_count: int | None = Field(description="Number of expert workshops.")
    workshop_expert_count: int | None = Field(
        description="Approximate number of experts in the workshops, as a bare number; its "
        "wording is `workshop_expert_count_text`."
    )
    workshop_expert_count_text: str | None = Field(
        description='The expert count as printed, verbatim (e.g. "approximately 45"); null '
        "where no source's wording is stored.",
        examples=["approximately 45"],
    )
    workshop_expert_count_approximate: bool | None = Field(
        description="Whether the source gives the expert count as approximate (true for "
        '"approximately 45": `workshop_expert_count` is then no exact head count); null where '
        "unknown."
    )
    workshop_expert_count_source: ReportRef | None = Field(
        description="The document whose text prints `workshop_expert_count_text`: this one or "
        "another (the press release gives the count its companions repeat); null without a text."
    )
    workshop_period: str | None = Field(description="When the workshops took place.")
    participant_selection: str | None = Field(
        description="How the participants were chosen, verbatim from the methodology; null where "
        "the document does not say."
    )
    caveats: list[str] = Field(
        description="The methodology's own caveats, each verbatim and in the document's order "
        "(e.g. that the findings are qualitative and directional); empty where it states none."
    )


class ReportDescription(PublicModel):
    """What another document prints about a report, verbatim."""

    text: str = Field(description="The passage, verbatim from the source's full text.")
    source: ReportRef = Field(description="The document that prints the passage.")


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


class ReportLayer(PublicModel):
    """What a report prints for one layer of the model."""

    layer: LayerRef = Field(description="The layer of the model.")
    heading: str = Field(description="The layer's heading in the report.")
    description: str = Field(description="The report's description of the layer.")
    introduction: str | None = Field(
        description="The introduction of the report's section on the layer; null where none."
    )
    section: SectionRef = Field(description="The report's section that covers the layer.")


class ReportDetail(Report):
    """A source document with its methodology, sections, layer texts, themes, companions, named
    statements, and the facts it prints as data: sponsors, conclusion, what others say of it."""

    methodology: Methodology = Field(description="How the evidence was gathered.")
    sections: list[Section] = Field(description="Sections with their page ranges.")
    statements: list[Statement] = Field(
        description="Named statements (e.g. the publisher's in a press release); not quotes."
    )
    companion_of: ReportRef | None = Field(
        description="The report this document accompanies (a press release's, a seminar "
        "report's); null for a report of its own."
    )
    companions: list[ReportRef] = Field(
        description="The documents that accompany this one (its press release, ...)."
    )
    layers: list[ReportLayer] = Field(
        description="The report's own texts for each layer it uses, from the tip down."
    )
    themes: list["Theme"] = Field(description="The report's themes in its order.")
    sponsors: list[str] = Field(
        description="The seminar's sponsors and supporters, each name verbatim as the "
        "acknowledgments print it, in their order; empty where the document names none.",
        examples=[["AstraZeneca", "Alnylam Pharmaceuticals", "Eli Lilly and Company"]],
    )
    conclusion: list[str] = Field(
        description="The document's conclusion, verbatim, one item per paragraph in order; empty "
        "where none is stored."
    )
    described_in: list[ReportDescription] = Field(
        description="What other documents print about this one, verbatim, each with the document "
        "that prints it (the Insights Report on its companion Seminar Report)."
    )


# --- layers and themes --------------------------------------------------------------------------


class Theme(PublicModel):
    """A theme of the report within one iceberg layer."""

    id: str = Field(description="Stable identifier of the theme.", examples=["fda-pathways"])
    title: str = Field(description="Title as the report prints it.")
    position: int = Field(description="Order of the theme in the report (1 = first).")
    summary: str = Field(description="The report's summary paragraph of the theme.")
    layer: LayerRef = Field(description="The layer the theme belongs to.")
    report: ReportRef = Field(description="The report that prints the theme.")
    quote_count: int = Field(description="Number of quotes printed under the theme.")


class ThemeInLayer(PublicModel):
    """A theme listed under its layer."""

    id: str = Field(description="Stable identifier of the theme.")
    title: str = Field(description="Title as the report prints it.")
    position: int = Field(description="Order of the theme in the report.")
    quote_count: int = Field(description="Number of quotes printed under the theme.")


class Layer(PublicModel):
    """A layer of the iceberg model, shared by every report.

    `heading`, `description`, `introduction` and `section` are what the newest report that
    prints the layer says of it; each report's own are in the layer's detail, under `reports`.
    """

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


class LayerInReport(PublicModel):
    """What one report prints for a layer of the model."""

    report: ReportRef = Field(description="The report.")
    heading: str = Field(description="The layer's heading in the report.")
    description: str = Field(description="The report's description of the layer.")
    introduction: str | None = Field(
        description="The introduction of the report's section on the layer; null where none."
    )
    section: SectionRef = Field(description="The report's section that covers the layer.")


class LayerDetail(Layer):
    """A layer with its themes, and what each report prints for it."""

    themes: list[ThemeInLayer] = Field(description="The layer's themes in report order.")
    reports: list[LayerInReport] = Field(
        description="Each report's texts for the layer, newest report first."
    )


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
    kind: str = Field(
        description="policy-instrument, agency, legislature, executive, condition-therapy or issue."
    )
    description: str = Field(description="What the tag stands for.")
    quote_count: int = Field(description="Number of quotes carrying the tag.")
