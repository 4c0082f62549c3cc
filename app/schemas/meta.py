"""The state of the data (version, load time, counts, credit) and the health check."""

from datetime import datetime

from pydantic import Field

from app.schemas.common import PublicModel, ReportRef


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


class ReportCounts(PublicModel):
    """What one report holds."""

    report: ReportRef = Field(description="The report.")
    themes: int = Field(description="Its themes.")
    interviews: int = Field(description="Its interviews.")
    quotes: int = Field(description="Its interview quotes.")


class Meta(PublicModel):
    """The state of the data: its version, when it was loaded, what it holds, whom to credit."""

    data_version: str = Field(
        description="Content hash of what the seeds loaded; changes exactly when content changes."
    )
    loaded_at: datetime | None = Field(description="When the current content was loaded (UTC).")
    counts: Counts = Field(description="Counts per object type.")
    reports: list[ReportCounts] = Field(
        description="Counts per report, newest report first (companions included)."
    )
    credit: str = Field(description="Credit line for content taken from the API.")


class Health(PublicModel):
    """A health check result."""

    status: str = Field(description="`ok` when healthy.", examples=["ok"])
