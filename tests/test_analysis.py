"""The analyst toolkit on the seeded report: facets, cross-tabs, stakeholder profiles, exports.
Long because every count is worked out here from the quotes themselves, one kind of table after
another."""

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.helpers.api import Json
from tests.helpers.seeds import REPORT_ID

DIMENSIONS = ["layer", "theme", "stakeholder_type", "organisation_type", "interview", "tag"]


def all_quotes(client: TestClient, query: str = "") -> list[Json]:
    response = client.get(f"/v1/quotes.ndjson?{query}")
    assert response.status_code == 200
    return [json.loads(line) for line in response.text.splitlines()]


def value_of(quote: Json, dimension: str) -> list[str | None]:
    """The values a quote has in a dimension (several for tags; `None`: untagged)."""
    if dimension == "tag":
        return [tag["id"] for tag in quote["tags"]] or [None]
    field = quote[dimension]
    return [field["id"] if field else None]


# --- facets -----------------------------------------------------------------------------------


@pytest.mark.parametrize("dimension", DIMENSIONS)
@pytest.mark.parametrize(
    "query", ["", "layer=a-bit-deeper", "q=medicaid", "stakeholder_type=payer"]
)
def test_facets_count_every_matching_quote_under_the_filters(
    client: TestClient, dimension: str, query: str
) -> None:
    page = client.get(f"/v1/quotes?facet={dimension}&limit=1&{query}").json()
    expected: dict[str | None, int] = {}
    for quote in all_quotes(client, query):
        for value in value_of(quote, dimension):
            expected[value] = expected.get(value, 0) + 1
    facet = page["facets"][dimension]
    assert {f["value"]: f["count"] for f in facet} == expected
    counts = [f["count"] for f in facet]
    assert counts == sorted(counts, reverse=True)
    assert all(f["label"] for f in facet)


def test_several_facets_at_once_and_none_by_default(client: TestClient) -> None:
    page = client.get("/v1/quotes?facet=stakeholder_type&facet=layer").json()
    assert set(page["facets"]) == {"stakeholder_type", "layer"}
    assert client.get("/v1/quotes").json()["facets"] == {}


def test_unknown_facet_is_a_422(client: TestClient) -> None:
    response = client.get("/v1/quotes?facet=colour")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][:2] == ["query", "facet"]


# --- cross-tabs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "cols", "query"),
    [
        ("stakeholder_type", "layer", ""),
        ("layer", "stakeholder_type", ""),
        ("theme", "organisation_type", ""),
        ("tag", "layer", ""),
        ("theme", "tag", ""),
        ("tag", "organisation_type", "not_layer=tip-of-the-iceberg"),
        ("interview", "theme", "layer=the-fundamentals"),
        ("stakeholder_type", "layer", "q=patient"),
    ],
)
def test_crosstab_counts_match_the_quotes(
    client: TestClient, rows: str, cols: str, query: str
) -> None:
    # Long because every number of the table is worked out from the quotes themselves.
    table = client.get(f"/v1/stats/crosstab?rows={rows}&cols={cols}&{query}").json()
    quotes = all_quotes(client, query)
    row_ids = [r["value"] for r in table["rows"]]
    col_ids = [c["value"] for c in table["cols"]]
    expected = [[0] * len(col_ids) for _ in row_ids]
    for quote in quotes:
        for r in value_of(quote, rows):
            for c in value_of(quote, cols):
                expected[row_ids.index(r)][col_ids.index(c)] += 1
    assert table["cells"] == expected
    # Totals add up: each is the sum of its cells.
    assert table["row_totals"] == [sum(row) for row in expected]
    assert table["col_totals"] == [sum(column) for column in zip(*expected, strict=True)]
    assert table["total"] == sum(map(sum, expected))
    # And the distinct quotes beside them.
    distinct = table["distinct_quotes"]
    assert distinct["total"] == len(quotes)
    assert distinct["rows"] == [sum(1 for q in quotes if r in value_of(q, rows)) for r in row_ids]
    assert distinct["cols"] == [sum(1 for q in quotes if c in value_of(q, cols)) for c in col_ids]
    assert table["multi_valued"] == [d for d in (rows, cols) if d == "tag"]
    if "tag" in (rows, cols):
        assert table["total"] > len(quotes), "a tag table that counts each quote once proves little"
        assert None in (row_ids if rows == "tag" else col_ids), "untagged quotes have a value"
    for i, row in enumerate(table["cells"]):
        for j, cell in enumerate(row):
            total = table["total"]
            assert table["shares"]["of_total"][i][j] == (round(cell / total, 4) if total else 0)


def test_stakeholder_type_by_layer_is_the_report_s_matrix(client: TestClient) -> None:
    table = client.get("/v1/stats/crosstab?rows=stakeholder_type&cols=layer").json()
    assert [c["value"] for c in table["cols"]] == [
        "tip-of-the-iceberg",
        "below-the-surface",
        "a-bit-deeper",
        "the-fundamentals",
    ]
    # Every leaf type is a row, in taxonomy order, even one with no quote (zero cells kept).
    assert [r["value"] for r in table["rows"]] == [
        "patient-advocate",
        "federal-policymaker",
        "state-policymaker",
        "nonprofit-organisation",
        "physician-researcher",
        "public-payer",
        "private-payer",
        "biotech-industry",
        "consultant",
    ]
    assert table["cells"][2] == [0, 0, 0, 0]
    assert table["col_totals"] == [20, 11, 17, 14]
    assert table["total"] == 62
    assert sum(table["row_totals"]) == 62


def test_crosstab_csv_by_accept_and_by_extension(client: TestClient) -> None:
    url = "/v1/stats/crosstab?rows=stakeholder_type&cols=layer"
    as_json = client.get(url).json()
    negotiated = client.get(url, headers={"Accept": "text/csv"})
    assert negotiated.headers["content-type"] == "text/csv; charset=utf-8"
    assert "Accept" in negotiated.headers["vary"]
    assert "Accept" in client.get(url).headers["vary"]
    by_extension = client.get(url.replace("crosstab?", "crosstab.csv?"))
    assert by_extension.content == negotiated.content
    frame = pd.read_csv(io.BytesIO(by_extension.content), index_col=0)
    assert list(frame.columns) == [c["label"] for c in as_json["cols"]] + ["Total"]
    assert frame.loc["Public payers"].tolist() == [
        *as_json["cells"][5],
        as_json["row_totals"][5],
    ]
    assert frame.loc["Total", "Total"] == 62


@pytest.mark.parametrize(
    "query",
    [
        "rows=layer&cols=layer",
        "rows=layer",
        "rows=colour&cols=layer",
        "rows=layer&cols=theme&tag=x",
    ],
)
def test_bad_crosstabs_are_422(client: TestClient, query: str) -> None:
    response = client.get(f"/v1/stats/crosstab?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_stakeholder_type_profile_by_layer_and_theme(client: TestClient) -> None:
    payer = client.get("/v1/stakeholder-types/payer").json()
    quotes = all_quotes(client, "stakeholder_type=payer")
    assert [(c["id"], c["count"]) for c in payer["by_layer"]] == [
        (layer, sum(1 for q in quotes if q["layer"]["id"] == layer))
        for layer in ("tip-of-the-iceberg", "below-the-surface", "a-bit-deeper", "the-fundamentals")
    ]
    assert len(payer["by_theme"]) == 18
    assert sum(c["count"] for c in payer["by_theme"]) == payer["quote_count"] == 15


# --- exports ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["", "stakeholder_type=patient-advocate", "q=access&layer=the-fundamentals"]
)
def test_csv_export_holds_every_matching_quote_and_pandas_reads_it(
    client: TestClient, query: str
) -> None:
    response = client.get(f"/v1/quotes.csv?{query}")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbfid,position,text,")
    frame = pd.read_csv(io.BytesIO(response.content), keep_default_na=False)
    quotes = all_quotes(client, query)
    assert frame["id"].tolist() == [q["id"] for q in quotes]
    assert frame["text"].tolist() == [q["text"] for q in quotes]
    assert frame["attribution"].tolist() == [q["attribution"] for q in quotes]
    assert frame["tags"].tolist() == [";".join(t["id"] for t in q["tags"]) for q in quotes]


def test_csv_export_keeps_commas_quotes_and_newlines(client: TestClient) -> None:
    text = client.get("/v1/quotes.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 62
    inner_quotes = next(r for r in rows if r["id"] == "cgt-2026-q19")
    assert '"one-shot"' in inner_quotes["text"]
    assert all(r["text"] == q["text"] for r, q in zip(rows, all_quotes(client), strict=True))


def test_ndjson_export_lines_are_the_api_s_quotes(client: TestClient) -> None:
    lines = all_quotes(client, "layer=a-bit-deeper")
    page = client.get("/v1/quotes?layer=a-bit-deeper&limit=100").json()["items"]
    assert lines == page
    assert client.get("/v1/quotes.ndjson").headers["content-type"] == "application/x-ndjson"


def test_exports_reject_bad_filters_before_streaming(client: TestClient) -> None:
    for url in ("/v1/quotes.csv?layer=nope", "/v1/quotes.ndjson?q=%00"):
        response = client.get(url)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"


# --- REFI-QDA ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "file_name", "texts"),
    [("", "insights-series.qdpx", 2), ("?report=cgt-insights-2026", "cgt-insights-2026.qdpx", 1)],
)
def test_qdpx_download_is_a_refi_qda_archive(
    client: TestClient, query: str, file_name: str, texts: int
) -> None:
    response = client.get(f"/v1/exports/refi-qda.qdpx{query}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.refi-qda+zip"
    assert f'filename="{file_name}"' in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert "project.qde" in names
        sources = [n for n in names if n.startswith("Sources/") and n.endswith(".txt")]
        assert len(sources) == texts
        project = archive.read("project.qde").decode()
    assert project.count("<PlainTextSelection ") == 62
    assert client.get(f"/v1/exports/refi-qda.qdpx{query}").content == response.content


def test_cli_writes_the_same_qdpx(client: TestClient, tmp_path: Path, engine: Engine) -> None:
    target = tmp_path / "report.qdpx"
    env = {"DATABASE_URL": engine.url.render_as_string(hide_password=False), "PATH": "/usr/bin"}
    run = subprocess.run(
        [sys.executable, "-m", "app.cli", "export", "qdpx", str(target)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert target.read_bytes() == client.get("/v1/exports/refi-qda.qdpx").content
    one = subprocess.run(
        [sys.executable, "-m", "app.cli", "export", "qdpx", str(target), "--report", REPORT_ID],
        env=env,
        capture_output=True,
        text=True,
    )
    assert one.returncode == 0, one.stderr
    expected = client.get(f"/v1/exports/refi-qda.qdpx?report={REPORT_ID}").content
    assert target.read_bytes() == expected
    missing = subprocess.run(
        [sys.executable, "-m", "app.cli", "export", "qdpx", str(target), "--report", "nope"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1
    assert "nope" in missing.stderr


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_unfiltered_facets_read_the_load_s_counts_which_equal_a_live_count(
    client: TestClient, dimension: str
) -> None:
    def facet(query: str) -> list[Json]:
        page = client.get(f"/v1/quotes?limit=1&facet={dimension}{query}").json()
        return list(page["facets"][dimension])

    # Every quote of the seeds is in this report; with any filter the count runs live.
    live = facet("&report=cgt-insights-2026")
    assert facet("") == live
    assert sum(value["count"] for value in live) >= 62


@pytest.mark.parametrize("query", ["rows=theme&cols=tag", "rows=tag&cols=stakeholder_type"])
def test_the_crosstab_csv_totals_add_up(client: TestClient, query: str) -> None:
    frame = pd.read_csv(
        io.BytesIO(client.get(f"/v1/stats/crosstab.csv?{query}").content), index_col=0
    )
    cells = frame.drop(index="Total", columns="Total")
    assert frame["Total"].drop("Total").tolist() == cells.sum(axis=1).tolist()
    assert frame.loc["Total"].drop("Total").tolist() == cells.sum(axis=0).tolist()
    assert frame.loc["Total", "Total"] == cells.to_numpy().sum() > 62  # a quote per tag
    assert "Untagged" in set(frame.index) | set(frame.columns)
