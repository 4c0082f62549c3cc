"""A citation as CSL-JSON: one item of the Citation Style Language's data schema (csl-data.json),
the input of citeproc processors and what Zotero, Mendeley and Pandoc import."""

from pydantic import ConfigDict, Field

from app.schemas.common import PublicModel


class CslModel(PublicModel):
    """Base of the CSL-JSON shapes: CSL spells its variables with hyphens and capitals."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)


class CslName(CslModel):
    """A name as CSL-JSON gives an organisation: one literal, never split into given and family."""

    literal: str = Field(description="The name exactly as printed (an organisation's).")


class CslDate(CslModel):
    """A date as CSL-JSON gives it: its parts, as precise as the source is."""

    date_parts: list[list[int]] = Field(
        alias="date-parts",
        description="One list of [year, month] or [year, month, day]: `issued` is as precise "
        "as the report's cover (year and month), `accessed` is a day.",
    )


class CslItem(CslModel):
    """The report, or a quote in it, as one CSL-JSON item (type `report`)."""

    id: str = Field(description="The cited object's stable id (a quote's or a report's).")
    type: str = Field(description="CSL item type: always `report`.", examples=["report"])
    title: str = Field(description="The report's title as stored.")
    author: list[CslName] = Field(description="The report's author: its publisher.")
    publisher: str = Field(description="The report's publisher.")
    issued: CslDate = Field(description="When the report was published (year and month).")
    accessed: CslDate = Field(description="When this citation was made: today (UTC).")
    url: str = Field(
        alias="URL",
        description="A quote's permalink, or the report's page, from the public base URL.",
    )
    page: str | None = Field(
        default=None,
        description="A quote's locator: the page range of the report section that prints it "
        "(`9-11`; one page for the last section). Absent for a report.",
    )
    section: str | None = Field(
        default=None,
        description="A quote's section: its numeral and title as the table of contents prints "
        "them. Absent for a report.",
    )
    genre: str | None = Field(
        default=None,
        description="What a quote's note names: `interview` (the quote is an interview's). "
        "Absent for a report.",
    )
    note: str | None = Field(
        default=None,
        description="A quote's attribution exactly as printed. Absent for a report.",
    )


class QuoteCitation(PublicModel):
    """A quote's citation in one format, as text, beside the CSL-JSON item it is made from."""

    quote_id: str = Field(description="The cited quote's id.")
    format: str = Field(description="The format of `citation`: csl-json, bibtex, ris, apa, ...")
    citation: str = Field(
        description="The citation as /v1/quotes/{id}/citation gives it in that format: for a "
        "style, the reference-list entry, then on its own line the in-text citation."
    )
    item: CslItem = Field(description="The CSL-JSON item the citation is made from.")
