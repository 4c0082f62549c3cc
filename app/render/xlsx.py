"""XLSX workbooks (openpyxl) of the quotes and of a cross-tab: what a spreadsheet user opens
without an import dialog, every character as it was.

A CSV opened in a spreadsheet goes through its import guesses (LibreOffice's default reads UTF-8
as Latin-1, so `’` becomes `â€™`); a workbook holds its text as Unicode. Each sheet has a bold,
frozen header row and column widths for its contents; the quote text wraps. Text is always
written as text: a quote that begins with `=` stays words, never a formula.
"""

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app import schemas
from app.render.tabular import QUOTE_COLUMNS, quote_row

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters wide, per column of the quotes sheet; the others fit their header.
QUOTE_WIDTHS = {"text": 80, "attribution": 36, "theme": 36, "report": 40, "section": 40}
NARROWEST, WIDEST = 8, 60
_BOLD = Font(bold=True)
_WRAPPED = Alignment(wrap_text=True, vertical="top")


def quotes_workbook(quotes: Iterable[schemas.Quote]) -> bytes:
    """The quotes, one row each, under the CSV's header (QUOTE_COLUMNS)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Quotes")
    widths = [QUOTE_WIDTHS.get(name, max(NARROWEST, len(name) + 2)) for name in QUOTE_COLUMNS]
    _layout(sheet, widths, frozen="B2")
    sheet.append(_header(sheet, QUOTE_COLUMNS))
    text = QUOTE_COLUMNS.index("text")
    for quote in quotes:
        cells = [_cell(sheet, value) for value in quote_row(quote)]
        cells[text].alignment = _WRAPPED
        sheet.append(cells)
    return _saved(workbook)


def crosstab_workbook(table: schemas.Crosstab) -> bytes:
    """The cross-tab as the CSV lays it out: labels down and across, totals last."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Crosstab")
    labels = [row.label for row in table.rows]
    first = min(WIDEST, max([NARROWEST, len(table.rows_dimension), *map(len, labels)]) + 2)
    columns = [col.label for col in table.cols]
    widths = [first, *(min(WIDEST, max(NARROWEST, len(label) + 2)) for label in columns), 10]
    _layout(sheet, widths, frozen="B2")
    sheet.append(_header(sheet, [table.rows_dimension, *columns, "Total"]))
    for row, cells, total in zip(table.rows, table.cells, table.row_totals, strict=True):
        sheet.append([_cell(sheet, row.label), *cells, total])
    footer = _header(sheet, ["Total"])
    sheet.append([*footer, *table.col_totals, table.total])
    return _saved(workbook)


def _layout(sheet: WriteOnlyWorksheet, widths: list[int], *, frozen: str) -> None:
    # A write-only sheet takes its widths and panes before its first row. It has the column
    # dimensions of a normal sheet (openpyxl's `_setup`), which types-openpyxl leaves out.
    columns = sheet.column_dimensions  # type: ignore[attr-defined]
    for index, width in enumerate(widths, start=1):
        columns[get_column_letter(index)].width = width
    sheet.freeze_panes = frozen


def _header(sheet: WriteOnlyWorksheet, names: list[str]) -> list[Cell]:
    cells = [_cell(sheet, name) for name in names]
    for cell in cells:
        cell.font = _BOLD
    return cells


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
    return cell


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
