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


def cooccurrence_csv(table: schemas.Cooccurrence) -> str:
    """The pairs as a spreadsheet: one row a pair, most shared first."""
    header = ["value_a", "label_a", "value_b", "label_b", f"{table.within}s"]
    body = [
        [pair.a.value, pair.a.label, pair.b.value, pair.b.label, pair.count] for pair in table.pairs
    ]
    return BOM + "".join(csv_lines([header, *body]))


def case_code_matrix_csv(table: schemas.Crosstab, *, binary: bool) -> str:
    """Interviews (cases) down, codes across by id, each cell a count (or 1 where the interview
    has the code at all): the layout R's `read.csv` and Excel read as a matrix."""
    codes = [index for index, col in enumerate(table.cols) if col.value is not None]
    header = ["case", "attribution", *(table.cols[index].value for index in codes)]
    body = [
        [row.value, row.label, *(min(cells[i], 1) if binary else cells[i] for i in codes)]
        for row, cells in zip(table.rows, table.cells, strict=True)
    ]
    return BOM + "".join(csv_lines([header, *body]))
