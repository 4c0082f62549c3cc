"""`/v1/quotes.xlsx` and `/v1/stats/crosstab.xlsx`, read back with python-calamine (a reader that is
not the writer) and checked against the CSV and JSON answers: every character of every quote
intact, the header frozen, the columns sized, text never a formula."""

import csv
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook
from sqlalchemy import Engine

from app import schemas
from app.render.xlsx import XLSX_MEDIA_TYPE, quotes_workbook
from tests.helpers.ci import skip_or_fail
from tests.helpers.databases import client_for
from tests.helpers.settings import Configure

Sheet = list[list[object]]
# LibreOffice's CSV filter: comma, double quote, UTF-8 (76), from the first line.
LIBREOFFICE_CSV = "Text - txt - csv (StarCalc):44,34,76,1"


def sheet_of(content: bytes, name: str) -> Sheet:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(name)
    return [list(row) for row in sheet.to_python()]


def csv_rows(client: TestClient, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def as_text(value: object) -> str:
    """A cell as the CSV writes it: numbers without a decimal point, empty for none."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize("query", ["", "not_layer=tip-of-the-iceberg&q=patient*", "max_length=150"])
def test_the_quotes_workbook_holds_what_the_csv_holds(client: TestClient, query: str) -> None:
    response = client.get(f"/v1/quotes.xlsx?{query}")
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_MEDIA_TYPE
    assert 'filename="quotes.xlsx"' in response.headers["content-disposition"]
    rows = sheet_of(response.content, "Quotes")
    expected = csv_rows(client, f"/v1/quotes.csv?{query}")
    assert [[as_text(value) for value in row] for row in rows] == expected
    assert len(rows) > 1


def test_every_quote_s_text_is_intact(client: TestClient) -> None:
    rows = sheet_of(client.get("/v1/quotes.xlsx").content, "Quotes")
    texts = {str(row[0]): row[2] for row in rows[1:]}
    listed = client.get("/v1/quotes?limit=100").json()["items"]
    assert texts == {quote["id"]: quote["text"] for quote in listed}
    # The characters a default CSV import garbles (’, —, é, ...: in 7 quotes) are there as printed.
    assert sum(any(ord(c) > 127 for c in str(text)) for text in texts.values()) == 7


def test_the_quotes_sheet_has_a_frozen_header_and_sized_columns(client: TestClient) -> None:
    xml = sheet_xml(client.get("/v1/quotes.xlsx").content)
    pane = re.search(r"<pane [^>]*>", xml)
    assert pane is not None
    assert 'ySplit="1"' in pane[0]
    assert 'state="frozen"' in pane[0]
    widths = {
        column: float(width)
        for width, column in re.findall(r'<col width="([\d.]+)" customWidth="1" min="(\d+)"', xml)
    }
    assert widths["3"] == 80  # the text column
    assert len(widths) == 23
    assert (
        'wrapText="1"'
        in zipfile.ZipFile(io.BytesIO(client.get("/v1/quotes.xlsx").content))
        .read("xl/styles.xml")
        .decode()
    )


def test_text_that_looks_like_a_formula_stays_text(client: TestClient) -> None:
    quote = schemas.Quote.model_validate(client.get("/v1/quotes/cgt-2026-q07").json())
    content = quotes_workbook([quote.model_copy(update={"text": '=HYPERLINK("x")'})])
    assert "<f>" not in sheet_xml(content)
    assert sheet_of(content, "Quotes")[1][2] == '=HYPERLINK("x")'


@pytest.mark.parametrize(
    "query", ["rows=stakeholder_type&cols=layer", "rows=theme&cols=tag&not_tag=medicaid"]
)
def test_the_crosstab_workbook_holds_what_the_csv_holds(client: TestClient, query: str) -> None:
    response = client.get(f"/v1/stats/crosstab.xlsx?{query}")
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_MEDIA_TYPE
    rows = sheet_of(response.content, "Crosstab")
    assert [[as_text(v) for v in row] for row in rows] == csv_rows(
        client, f"/v1/stats/crosstab.csv?{query}"
    )
    pane = re.search(r"<pane [^>]*>", sheet_xml(response.content))
    assert pane is not None
    assert 'topLeftCell="B2"' in pane[0]


def test_a_workbook_of_too_many_quotes_is_refused(engine: Engine, configure: Configure) -> None:
    configure(max_xlsx_quotes="10")
    client = client_for(engine)
    response = client.get("/v1/quotes.xlsx")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "MAX_XLSX_QUOTES" in response.json()["detail"]
    narrow = client.get("/v1/quotes.xlsx?interview=former-federal-regulator")
    assert narrow.status_code == 200
    assert len(sheet_of(narrow.content, "Quotes")) == 10  # its 9 quotes and the header


def test_libreoffice_opens_the_workbook_with_every_character_intact(
    client: TestClient, tmp_path: Path
) -> None:
    """LibreOffice Calc, headless, reads the workbook and writes it out again as UTF-8 CSV."""
    soffice = shutil.which("soffice")
    if soffice is None:
        skip_or_fail("LibreOffice (soffice) is missing: install Debian's libreoffice-calc-nogui")
    (tmp_path / "quotes.xlsx").write_bytes(client.get("/v1/quotes.xlsx").content)
    command = [soffice, "--headless", "--convert-to", f"csv:{LIBREOFFICE_CSV}"]
    subprocess.run(
        [*command, "--outdir", str(tmp_path), str(tmp_path / "quotes.xlsx")],
        check=True,
        capture_output=True,
        env={**os.environ, "HOME": str(tmp_path)},  # a profile of its own, not the user's
        timeout=120,
    )
    rows = list(csv.reader(io.StringIO((tmp_path / "quotes.csv").read_text("utf-8"))))
    assert rows == csv_rows(client, "/v1/quotes.csv")
