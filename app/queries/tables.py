"""Core table handles for the query layer (typed, unlike the SQLModel class attributes)."""

from sqlalchemy import Table

from app.models import metadata

report: Table = metadata.tables["report"]
report_section: Table = metadata.tables["report_section"]
statement: Table = metadata.tables["statement"]
layer: Table = metadata.tables["layer"]
theme: Table = metadata.tables["theme"]
stakeholder_type: Table = metadata.tables["stakeholder_type"]
organisation_type: Table = metadata.tables["organisation_type"]
interview: Table = metadata.tables["interview"]
tag: Table = metadata.tables["tag"]
quote: Table = metadata.tables["quote"]
quote_tag: Table = metadata.tables["quote_tag"]
quote_count: Table = metadata.tables["quote_count"]
dataset_state: Table = metadata.tables["dataset_state"]

# The table behind each filter dimension of the quote list.
DIMENSION_TABLES: dict[str, Table] = {
    "layer": layer,
    "theme": theme,
    "stakeholder_type": stakeholder_type,
    "organisation_type": organisation_type,
    "interview": interview,
    "tag": tag,
    "report": report,
}
