"""CSV and NDJSON renderings that pandas and spreadsheets open as they are."""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from app import schemas

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
NDJSON_MEDIA_TYPE = "application/x-ndjson"
# A byte order mark: without it Excel reads UTF-8 as the local code page; pandas skips it.
BOM = "\ufeff"

QUOTE_COLUMNS = [
    "id",
    "position",
    "text",
    "attribution",
    "role_title",
    "stakeholder_type_id",
    "stakeholder_type",
    "organisation_type_id",
    "organisation_type",
    "interview_id",
    "theme_id",
    "theme",
    "layer_id",
    "layer",
    "report_id",
    "report",
    "section",
    "page_start",
    "page_end",
    "start_offset",
    "end_offset",
    "length",
    "tags",
]


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    """RFC 4180 lines (CRLF, fields with commas, quotes or newlines quoted)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def quote_row(quote: schemas.Quote) -> list[Any]:
    """One quote as the values of QUOTE_COLUMNS."""
    organisation = quote.organisation_type
    section = quote.location.section
    return [
        quote.id,
        quote.position,
        quote.text,
        quote.attribution,
        quote.role_title,
        quote.stakeholder_type.id,
        quote.stakeholder_type.name,
        organisation.id if organisation else "",
        organisation.name if organisation else "",
        quote.interview.id,
        quote.theme.id,
        quote.theme.title,
        quote.layer.id,
        quote.layer.name,
        quote.report.id,
        quote.report.title,
        section.numeral,
        section.page_start,
        "" if section.page_end is None else section.page_end,
        quote.location.start_offset,
        quote.location.end_offset,
        quote.length,
        ";".join(tag.id for tag in quote.tags),
    ]


def crosstab_csv(table: schemas.Crosstab) -> str:
    """The cross-tab as a spreadsheet: labels down and across, totals last."""
    header = [table.rows_dimension, *(col.label for col in table.cols), "Total"]
    body = [
        [row.label, *cells, total]
        for row, cells, total in zip(table.rows, table.cells, table.row_totals, strict=True)
    ]
    footer = ["Total", *table.col_totals, table.total]
    return BOM + "".join(csv_lines([header, *body, footer]))
