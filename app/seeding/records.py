"""The seed records: what each seed file may hold, validated field by field.

Every model forbids unknown fields (a typo is a mistake, not an extension) and bounds each
field's length and characters; references between records are checked when the rows are built.
`SPECS` says which file holds which kind of record.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

# C0 controls other than tab and newline, DEL and C1 controls: invisible, illegal in XML feeds.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _no_control_characters(value: str) -> str:
    match = _CONTROL.search(value)
    if match:
        raise ValueError(f"contains the control character U+{ord(match.group()):04X}")
    return value


Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=120)]
Text = Annotated[
    str, StringConstraints(min_length=1, max_length=100_000), AfterValidator(_no_control_characters)
]
Line = Annotated[
    str, StringConstraints(min_length=1, max_length=300), AfterValidator(_no_control_characters)
]


class Record(BaseModel):
    """A seed record: unknown fields are mistakes, not extensions."""

    model_config = ConfigDict(extra="forbid", strict=False, frozen=True)


class SectionRecord(Record):
    numeral: Annotated[str, StringConstraints(pattern=r"^[IVXLC]+$")]
    title: Line
    page_start: int | None = Field(default=None, ge=1)
    page_end: int | None = Field(default=None, ge=1)


class StatementRecord(Record):
    id: Slug
    speaker_name: Line
    speaker_title: Line
    text: Text


class MethodologyRecord(Record):
    """The figures of the methodology, and its own words where a source prints them.

    The passages (`workshop_expert_count_text`, `participant_selection`, `caveats`) are stored
    verbatim and found in a full text by the loader (`app.seeding.passage_rows`).
    """

    interview_count: int | None = Field(default=None, ge=0)
    interview_period: Line | None = None
    interview_minutes: int | None = Field(default=None, ge=0)
    interview_mode: Line | None = None
    interview_format: Line | None = None
    workshop_count: int | None = Field(default=None, ge=0)
    workshop_expert_count: int | None = Field(default=None, ge=0)
    workshop_expert_count_approximate: bool | None = None
    # The count as printed ("approximately 45"), and the report whose text prints it (default:
    # this one): the press release gives the count that its companions repeat.
    workshop_expert_count_text: Line | None = None
    workshop_expert_count_source: Slug | None = None
    workshop_period: Line | None = None
    participant_selection: Text | None = None
    caveats: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _count_as_printed(self) -> "MethodologyRecord":
        count, text = self.workshop_expert_count, self.workshop_expert_count_text
        qualified = text is not None or self.workshop_expert_count_approximate is not None
        if count is None and qualified:
            raise ValueError("workshop_expert_count_text or _approximate without the count")
        if text is not None and not re.search(rf"(?<!\d){count}(?!\d)", text):
            raise ValueError(f"workshop_expert_count_text {text!r} does not print {count}")
        if self.workshop_expert_count_source is not None and text is None:
            raise ValueError("workshop_expert_count_source without the text it prints")
        return self


# Methodology fields stored as passages, not as columns of the report.
METHODOLOGY_PASSAGES = frozenset(
    {
        "workshop_expert_count_text",
        "workshop_expert_count_source",
        "participant_selection",
        "caveats",
    }
)


class DescriptionRecord(Record):
    """What another document prints about this report, verbatim."""

    source: Slug  # the report whose full text prints it
    text: Text


class ReportRecord(Record):
    id: Slug
    companion_of: Slug | None = None  # the report a press release or seminar report accompanies
    kind: Literal["insights-report", "press-release", "seminar-report"]
    title: Line
    publisher: Line
    published_on: date
    summary: Text
    credit: Text
    full_text: str | None = None
    # The seminar's sponsors, each name as the acknowledgments print it, in their order.
    sponsors: list[Line] = Field(default_factory=list)
    methodology: MethodologyRecord = MethodologyRecord()
    sections: list[SectionRecord] = Field(default_factory=list)
    statements: list[StatementRecord] = Field(default_factory=list)
    conclusion: list[Text] = Field(default_factory=list)  # its paragraphs, verbatim, in order
    described_in: list[DescriptionRecord] = Field(default_factory=list)


class LayerRecord(Record):
    """A layer of the iceberg model, shared by every report."""

    id: Slug
    depth: int = Field(ge=1, le=100)
    name: Line
    issue_kind: Line


class ReportLayerRecord(Record):
    """A report's own texts for one layer of the model."""

    layer: Slug
    report: Slug | None = None  # the folder's report
    heading: Line
    section: Annotated[str, StringConstraints(pattern=r"^[IVXLC]+$")]
    description: Text
    introduction: Text | None = None


class ThemeRecord(Record):
    id: Slug
    report: Slug | None = None  # the folder's report
    layer: Slug
    position: int = Field(ge=1)
    title: Line
    summary: Text


class StakeholderTypeRecord(Record):
    id: Slug
    name: Line
    parent: Slug | None = None
    description: Text


class OrganisationTypeRecord(Record):
    id: Slug
    name: Line


class InterviewRecord(Record):
    id: Slug
    report: Slug | None = None  # defaults to the file's `report`
    attribution: Line
    role_title: Line
    organisation_type: Slug | None = None
    stakeholder_type: Slug


TagKind = Literal[
    "policy-instrument", "agency", "legislature", "executive", "condition-therapy", "issue"
]
# Kinds whose tags name a thing (an instrument, a body, a condition or therapy): words find them.
NAMED_KINDS: frozenset[str] = frozenset(
    {"policy-instrument", "agency", "legislature", "executive", "condition-therapy"}
)


class TagRuleRecord(Record):
    """The words that name a tag's thing, and the bodies it is part of (`app.seeding.tag_rules`)."""

    words: list[Line] = Field(min_length=1)
    implies: list[Slug] = Field(default_factory=list)


class TagRecord(Record):
    """A tag, with how quotes are checked for it: by its rule's words (a named thing) or, for a
    concept words cannot catch, by hand against the `review` standard.

    Neither the rule nor the review is loaded into the database: they are curation aids, read
    by the tag-rule check, and the API serves what they produced, the quotes' tags.
    """

    id: Slug
    name: Line
    kind: TagKind
    description: Text
    rule: TagRuleRecord | None = None
    review: Text | None = None

    @model_validator(mode="after")
    def _rule_or_review(self) -> "TagRecord":
        if (self.rule is None) == (self.review is None):
            raise ValueError("a tag needs either a rule or a review, not both")
        if self.kind in NAMED_KINDS and self.rule is None:
            raise ValueError(f"a tag of kind {self.kind!r} names a thing: it needs a rule")
        return self


class TagDecisionRecord(Record):
    """One tag decided for a quote by hand, and why."""

    tag: Slug
    reason: Text


class QuoteRecord(Record):
    id: Slug
    report: Slug | None = None  # defaults to the file's `report`
    position: int = Field(ge=1)
    theme: Slug
    interview: Slug
    text: Text
    tags: list[Slug] = Field(default_factory=list)
    # Tags not carried although a rule's words match, or a concept tag came close; the reason
    # names what the quote is about instead. Close calls that carry the tag are inclusions.
    tag_exclusions: list[TagDecisionRecord] = Field(default_factory=list)
    tag_inclusions: list[TagDecisionRecord] = Field(default_factory=list)
    cleaning: Text | None = None


@dataclass(frozen=True)
class SeedFileSpec:
    """Where a kind of record lives and how it is validated.

    A shared file lies at the top of the seed folder; a report's files lie in its folder,
    `reports/<report-id>/`, and their records belong to that report. `single` files hold one
    record under `key` instead of a list.
    """

    filename: str
    key: str
    record: type[Record]
    per_report: bool = False
    single: bool = False
    required: bool = False


REPORTS_DIR = "reports"
# Reading order: the shared vocabularies, then each report folder's files.
SPECS: dict[str, SeedFileSpec] = {
    "layers": SeedFileSpec("layers.yaml", "layers", LayerRecord, required=True),
    "stakeholder_types": SeedFileSpec(
        "stakeholder_types.yaml", "stakeholder_types", StakeholderTypeRecord, required=True
    ),
    "organisation_types": SeedFileSpec(
        "organisation_types.yaml", "organisation_types", OrganisationTypeRecord, required=True
    ),
    "tags": SeedFileSpec("tags.yaml", "tags", TagRecord, required=True),
    "reports": SeedFileSpec(
        "report.yaml", "report", ReportRecord, per_report=True, single=True, required=True
    ),
    "report_layers": SeedFileSpec("layers.yaml", "layers", ReportLayerRecord, per_report=True),
    "themes": SeedFileSpec("themes.yaml", "themes", ThemeRecord, per_report=True),
    "interviews": SeedFileSpec("interviews.yaml", "interviews", InterviewRecord, per_report=True),
    "quotes": SeedFileSpec("quotes.yaml", "quotes", QuoteRecord, per_report=True),
}
