"""Table models. They stay inside the API: routes return the read models of `app.schemas`.
It is long because it holds every table, after the naming convention they all need: the one
place to read the schema the migrations build.

Every table is keyed by the stable string identifier written in the seed data (`public-payer`,
`cgt-2026-q07`): it is what partners link to, it never changes across reseeds or backends, and it
makes the seed loader's upsert-by-id a plain primary-key upsert.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Index,
    LargeBinary,
    MetaData,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

# Stable constraint names on SQLite and PostgreSQL, so that migrations can name what they alter.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata

SLUG = 120  # longest identifier the seeds may use


class Report(SQLModel, table=True):
    """A source document: the Insights Report, its press release, the companion Seminar Report."""

    __tablename__ = "report"

    id: str = Field(primary_key=True, max_length=SLUG)
    # The report a press release or seminar report accompanies; null for a report of its own.
    companion_of: str | None = Field(
        default=None, foreign_key="report.id", index=True, max_length=SLUG
    )
    kind: str = Field(index=True, max_length=40)
    title: str = Field(sa_type=Text)
    publisher: str = Field(max_length=200)
    published_on: date = Field(index=True)
    summary: str = Field(sa_type=Text)
    credit: str = Field(sa_type=Text)
    full_text: str | None = Field(default=None, sa_type=Text)
    interview_count: int | None = None
    interview_period: str | None = Field(default=None, max_length=200)
    interview_minutes: int | None = None
    interview_mode: str | None = Field(default=None, max_length=200)
    interview_format: str | None = Field(default=None, max_length=200)
    workshop_count: int | None = None
    workshop_expert_count: int | None = None
    # Whether the sources give the expert count as approximate ("approximately 45"); the count's
    # wording is a passage (`report_passage`), this is the curator's reading of it.
    workshop_expert_count_approximate: bool | None = None
    workshop_period: str | None = Field(default=None, max_length=200)


class ReportSection(SQLModel, table=True):
    """A numbered section of a report, with its page range from the table of contents."""

    __tablename__ = "report_section"
    __table_args__ = (UniqueConstraint("report_id", "numeral"),)

    id: str = Field(primary_key=True, max_length=SLUG)
    report_id: str = Field(foreign_key="report.id", index=True, max_length=SLUG)
    numeral: str = Field(max_length=10)
    title: str = Field(sa_type=Text)
    position: int
    page_start: int | None = None
    page_end: int | None = None


class Statement(SQLModel, table=True):
    """A named, on-the-record statement in a report: the publisher's, not an interview's."""

    __tablename__ = "statement"

    id: str = Field(primary_key=True, max_length=SLUG)
    report_id: str = Field(foreign_key="report.id", index=True, max_length=SLUG)
    position: int
    speaker_name: str = Field(max_length=200)
    speaker_title: str = Field(max_length=300)
    text: str = Field(sa_type=Text)


class ReportPassage(SQLModel, table=True):
    """A fact of a report stored as a passage of a text, verbatim: a sponsor's name, a caveat of
    the methodology, a paragraph of the conclusion, what another document says of the report.

    `field` is the report field the passage belongs to (`sponsors`, `caveats`, `conclusion`,
    ...) and `position` its order there. `source_id` is the report whose full text prints it:
    the report itself, or another document (the press release's wording of a count).
    """

    __tablename__ = "report_passage"

    report_id: str = Field(foreign_key="report.id", primary_key=True, max_length=SLUG)
    field: str = Field(primary_key=True, max_length=40)
    position: int = Field(primary_key=True)
    source_id: str = Field(foreign_key="report.id", index=True, max_length=SLUG)
    text: str = Field(sa_type=Text)


class Layer(SQLModel, table=True):
    """One of the four layers of the iceberg model, shared by every report."""

    __tablename__ = "layer"

    id: str = Field(primary_key=True, max_length=SLUG)
    depth: int = Field(unique=True)
    name: str = Field(max_length=200)
    issue_kind: str = Field(max_length=200)


class ReportLayer(SQLModel, table=True):
    """A report's own texts for one layer of the model, and the section that covers it."""

    __tablename__ = "report_layer"

    report_id: str = Field(foreign_key="report.id", primary_key=True, max_length=SLUG)
    layer_id: str = Field(foreign_key="layer.id", primary_key=True, index=True, max_length=SLUG)
    heading: str = Field(max_length=300)
    description: str = Field(sa_type=Text)
    introduction: str | None = Field(default=None, sa_type=Text)
    section_id: str = Field(foreign_key="report_section.id", index=True, max_length=SLUG)


class Theme(SQLModel, table=True):
    """A theme of a report, the sub-heading under which quotes are printed, in one layer."""

    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("report_id", "position"),)

    id: str = Field(primary_key=True, max_length=SLUG)
    report_id: str = Field(foreign_key="report.id", index=True, max_length=SLUG)
    layer_id: str = Field(foreign_key="layer.id", index=True, max_length=SLUG)
    position: int
    title: str = Field(max_length=300)
    summary: str = Field(sa_type=Text)


class StakeholderType(SQLModel, table=True):
    """A node of the stakeholder taxonomy; a parent's filter includes its children."""

    __tablename__ = "stakeholder_type"

    id: str = Field(primary_key=True, max_length=SLUG)
    parent_id: str | None = Field(
        default=None, foreign_key="stakeholder_type.id", index=True, max_length=SLUG
    )
    position: int = Field(unique=True)
    name: str = Field(max_length=200)
    description: str = Field(sa_type=Text)


class OrganisationType(SQLModel, table=True):
    """The kind of organisation an attribution names ("Public Payer Association")."""

    __tablename__ = "organisation_type"

    id: str = Field(primary_key=True, max_length=SLUG)
    name: str = Field(max_length=200, unique=True)


class Interview(SQLModel, table=True):
    """An anonymised in-depth interview, known only by the role its quotes are attributed to."""

    __tablename__ = "interview"
    __table_args__ = (UniqueConstraint("report_id", "attribution"),)

    id: str = Field(primary_key=True, max_length=SLUG)
    report_id: str = Field(foreign_key="report.id", index=True, max_length=SLUG)
    position: int
    attribution: str = Field(max_length=300)
    role_title: str = Field(max_length=200)
    organisation_type_id: str | None = Field(
        default=None, foreign_key="organisation_type.id", index=True, max_length=SLUG
    )
    stakeholder_type_id: str = Field(foreign_key="stakeholder_type.id", index=True, max_length=SLUG)


class Tag(SQLModel, table=True):
    """A curated, typed topic that quotes touch (an agency, a policy instrument, an issue...)."""

    __tablename__ = "tag"

    id: str = Field(primary_key=True, max_length=SLUG)
    kind: str = Field(index=True, max_length=40)
    name: str = Field(max_length=200)
    description: str = Field(sa_type=Text)


class Quote(SQLModel, table=True):
    """A verbatim interview quote, where the report prints it."""

    __tablename__ = "quote"
    __table_args__ = (
        UniqueConstraint("report_id", "position"),
        Index("ix_quote_seq_id", "seq", "id"),
        Index("ix_quote_length_id", "length", "id"),
        # A filtered page in report order reads its rows straight off one of these, in order,
        # and stops after the page: no sort, however many quotes match.
        Index("ix_quote_theme_id_seq_id", "theme_id", "seq", "id"),
        Index("ix_quote_interview_id_seq_id", "interview_id", "seq", "id"),
        Index("ix_quote_report_id_seq_id", "report_id", "seq", "id"),
        Index("ix_quote_layer_id_seq_id", "layer_id", "seq", "id"),
        Index("ix_quote_stakeholder_type_id_seq_id", "stakeholder_type_id", "seq", "id"),
        Index("ix_quote_organisation_type_id_seq_id", "organisation_type_id", "seq", "id"),
        Index("uq_quote_seq", "seq", unique=True),
    )

    id: str = Field(primary_key=True, max_length=SLUG)
    # The loader numbers quotes 1, 2, ... in report order: the newest report first (then by
    # id), each report's quotes by position. Pages in report order are keyed on it, and SQLite's
    # full-text index uses it as its rowid, so the matches of a search come out in that order.
    seq: int
    # No single-column indexes on these three: the composite indexes above start with them.
    report_id: str = Field(foreign_key="report.id", max_length=SLUG)
    section_id: str = Field(foreign_key="report_section.id", index=True, max_length=SLUG)
    theme_id: str = Field(foreign_key="theme.id", max_length=SLUG)
    interview_id: str = Field(foreign_key="interview.id", max_length=SLUG)
    # Copies of the theme's layer and the interview's types, written by the loader, so that
    # filters, pages and counts by these dimensions read one table through its own indexes.
    layer_id: str = Field(foreign_key="layer.id", max_length=SLUG)
    stakeholder_type_id: str = Field(foreign_key="stakeholder_type.id", max_length=SLUG)
    organisation_type_id: str | None = Field(
        default=None, foreign_key="organisation_type.id", max_length=SLUG
    )
    position: int
    text: str = Field(sa_type=Text)
    length: int
    start_offset: int
    end_offset: int


class QuoteTag(SQLModel, table=True):
    """Which tags a quote carries."""

    __tablename__ = "quote_tag"
    # A page of a tag's quotes in report order reads this index in order and stops.
    __table_args__ = (
        Index("ix_quote_tag_tag_id_position_quote_id", "tag_id", "position", "quote_id"),
    )
    # The quote's report-order number (its `seq`), copied by the loader: named before a quote's
    # place in the series and in its report could differ.

    quote_id: str = Field(foreign_key="quote.id", primary_key=True, max_length=SLUG)
    tag_id: str = Field(foreign_key="tag.id", primary_key=True, max_length=SLUG)
    position: int


class QuoteCount(SQLModel, table=True):
    """How many quotes have each value of each dimension: counted by the loader at each load.

    Unfiltered facets read these rows instead of counting a million quotes per request.
    `value_id` is empty for quotes without a value (an attribution naming no organisation).
    """

    __tablename__ = "quote_count"

    dimension: str = Field(primary_key=True, max_length=40)
    value_id: str = Field(primary_key=True, max_length=SLUG)
    quotes: int


class QuoteCode(SQLModel, table=True):
    """Every quote's value of one dimension, as one array: written by the loader at each load.

    `codes` holds an unsigned 32-bit little-endian code per seq (index 0 unused), `value_ids` the
    JSON list of values the codes number (null for no value). Facets under a search count their
    matches through it (`app.queries.coded_counts`) instead of looking each one up in `quote`.
    """

    __tablename__ = "quote_code"

    dimension: str = Field(primary_key=True, max_length=40)
    value_ids: str = Field(sa_column=Column(Text, nullable=False))
    codes: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class DatasetState(SQLModel, table=True):
    """What the seeds last loaded: one row, the content hash and when that content arrived."""

    __tablename__ = "dataset_state"

    id: int = Field(default=1, primary_key=True)
    data_version: str = Field(max_length=64)
    loaded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class ChangeSet(SQLModel, table=True):
    """What one load changed: the data version it loaded, the one it replaced, and counts.

    Numbered 1, 2, ... in load order: a data version can come back (a correction reverted), so
    the version alone names no load.
    """

    __tablename__ = "change_set"

    # Numbered by the loader under its lock, not by a sequence.
    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    data_version: str = Field(max_length=64)
    previous_version: str | None = Field(default=None, max_length=64)
    loaded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # {object type: {"added": n, "removed": n, "changed": n}}: read per set without counting
    # its changes, which for a first load are every object.
    counts: dict[str, Any] = Field(sa_type=JSON)


class Change(SQLModel, table=True):
    """One object a load added, removed or changed, and the fields that changed.

    The loader numbers changes so that `id` descending is the reading order: the newest set
    first, each set's changes by object type, then by object id.
    """

    __tablename__ = "change"
    # Each filter of the change list reads its index in `id` order and stops after the page.
    __table_args__ = (
        Index("ix_change_change_set_id_id", "change_set_id", "id"),
        Index("ix_change_object_type_id", "object_type", "id"),
        Index("ix_change_object_id_id", "object_id", "id"),
    )

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    change_set_id: int = Field(foreign_key="change_set.id")
    object_type: str = Field(max_length=40)
    object_id: str = Field(max_length=SLUG)
    action: str = Field(max_length=10)
    # The public names of the fields that changed, comma-separated; null when added or removed.
    fields: str | None = Field(default=None, sa_type=Text)
