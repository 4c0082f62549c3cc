"""Core table handles for the query layer (typed, unlike the SQLModel class attributes)."""

from typing import Any

from sqlalchemy import Column, Table

from app.models import metadata

report: Table = metadata.tables["report"]
report_section: Table = metadata.tables["report_section"]
statement: Table = metadata.tables["statement"]
report_passage: Table = metadata.tables["report_passage"]
layer: Table = metadata.tables["layer"]
report_layer: Table = metadata.tables["report_layer"]
theme: Table = metadata.tables["theme"]
stakeholder_type: Table = metadata.tables["stakeholder_type"]
organisation_type: Table = metadata.tables["organisation_type"]
interview: Table = metadata.tables["interview"]
tag: Table = metadata.tables["tag"]
quote: Table = metadata.tables["quote"]
quote_tag: Table = metadata.tables["quote_tag"]
quote_count: Table = metadata.tables["quote_count"]
quote_code: Table = metadata.tables["quote_code"]
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

# The column each dimension's value is read from: a column of `quote` (the loader copies the
# layer and the interview's types onto each quote), or `quote_tag` for tags, a row per tag. The
# facet queries group by these, and the loader counts by them into `quote_count`, so both agree.
DIMENSION_KEYS: dict[str, Column[Any]] = {
    "layer": quote.c.layer_id,
    "theme": quote.c.theme_id,
    "stakeholder_type": quote.c.stakeholder_type_id,
    "organisation_type": quote.c.organisation_type_id,
    "interview": quote.c.interview_id,
    "tag": quote_tag.c.tag_id,
    "report": quote.c.report_id,
}
