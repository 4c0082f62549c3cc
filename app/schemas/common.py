"""What every public model shares: the base class, the page envelope, the short references."""

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class PublicModel(BaseModel):
    """Base of every response model."""

    model_config = ConfigDict(from_attributes=True)


class Page(PublicModel, Generic[T]):
    """A page of a list, with the cursor of the next page."""

    items: list[T] = Field(description="The items of this page, in the list's order.")
    next_cursor: str | None = Field(
        description="Opaque cursor for the next page (pass it as `cursor`); null on the last page."
    )


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
        description="Kind of topic: policy-instrument, agency, legislature, executive, "
        "condition-therapy or issue."
    )


class SectionRef(PublicModel):
    """A report section and its page range from the table of contents."""

    numeral: str = Field(description="Roman numeral of the section.", examples=["VII"])
    title: str = Field(description="Title of the section as the table of contents prints it.")
    page_start: int | None = Field(description="First page of the section (table of contents).")
    page_end: int | None = Field(
        description="Last page of the section: the page before the next section starts; "
        "null for the last section. The text has no page breaks, so a quote's own page is unknown."
    )
