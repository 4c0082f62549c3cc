"""`/v1/stats/cooccurrence` and `/v1/exports/case-code-matrix.csv` on the seeded report, on both
databases: every count worked out from the quotes themselves, under filters, as JSON and CSV."""

import io
import json
from collections import Counter, defaultdict
from itertools import combinations

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.helpers.api import Json
from tests.helpers.databases import client_for
from tests.helpers.settings import Configure

UNIT_FIELDS = {"quote": "id", "interview": "interview", "theme": "theme"}


def all_quotes(client: TestClient, query: str = "") -> list[Json]:
    response = client.get(f"/v1/quotes.ndjson?{query}")
    assert response.status_code == 200
    return [json.loads(line) for line in response.text.splitlines()]


def values_of(quote: Json, dimension: str) -> set[str]:
    if dimension == "tag":
        return {tag["id"] for tag in quote["tags"]}
    held = quote[dimension]
    return {held["id"]} if held else set()


def unit_of(quote: Json, within: str) -> str:
    field = quote[UNIT_FIELDS[within]]
    return str(field if within == "quote" else field["id"])


def expected_counts(
    quotes: list[Json], dimension: str, within: str
) -> tuple[dict[str, int], dict[frozenset[str], int]]:
    """Units per value, and units per pair of values, from the quotes."""
    held: dict[str, set[str]] = defaultdict(set)
    for quote in quotes:
        held[unit_of(quote, within)] |= values_of(quote, dimension)
    alone = Counter(value for values in held.values() for value in values)
    pairs = Counter(
        frozenset(pair) for values in held.values() for pair in combinations(sorted(values), 2)
    )
    return dict(alone), dict(pairs)


@pytest.mark.parametrize(
    ("dimension", "within", "query"),
    [
        ("tag", None, ""),
        ("tag", "quote", "not_layer=tip-of-the-iceberg"),
        ("tag", "interview", "stakeholder_type=payer"),
        ("theme", None, ""),
        ("theme", "interview", "q=patient*"),
        ("stakeholder_type", None, ""),
        ("stakeholder_type", "theme", "not_tag=medicaid"),
        ("organisation_type", "theme", ""),
        ("layer", "interview", "min_length=150"),
    ],
)
def test_pairs_count_the_units_that_hold_both_values(
    client: TestClient, dimension: str, within: str | None, query: str
) -> None:
    asked = f"dimension={dimension}" + (f"&within={within}" if within else "")
    response = client.get(f"/v1/stats/cooccurrence?{asked}&{query}")
    assert response.status_code == 200, response.text
    table = response.json()
    unit = within or {"tag": "quote", "stakeholder_type": "theme"}.get(dimension, "interview")
    assert (table["dimension"], table["within"]) == (dimension, unit)
    alone, pairs = expected_counts(all_quotes(client, query), dimension, unit)
    assert {v["value"]: v["count"] for v in table["values"]} == alone
    found = {frozenset((p["a"]["value"], p["b"]["value"])): p["count"] for p in table["pairs"]}
    assert found == pairs
    assert pairs, "a table with no pair proves little"
    counts = [pair["count"] for pair in table["pairs"]]
    assert counts == sorted(counts, reverse=True)
    assert all(pair["a"]["label"] and pair["b"]["label"] for pair in table["pairs"])


def test_the_csv_holds_the_same_pairs(client: TestClient) -> None:
    as_json = client.get("/v1/stats/cooccurrence?dimension=tag").json()
    negotiated = client.get("/v1/stats/cooccurrence?dimension=tag", headers={"Accept": "text/csv"})
    by_extension = client.get("/v1/stats/cooccurrence.csv?dimension=tag")
    assert negotiated.content == by_extension.content
    assert by_extension.headers["content-type"] == "text/csv; charset=utf-8"
    frame = pd.read_csv(io.BytesIO(by_extension.content), encoding="utf-8-sig")
    assert list(frame.columns) == ["value_a", "label_a", "value_b", "label_b", "quotes"]
    assert frame.to_dict("records") == [
        {
            "value_a": p["a"]["value"],
            "label_a": p["a"]["label"],
            "value_b": p["b"]["value"],
            "label_b": p["b"]["label"],
            "quotes": p["count"],
        }
        for p in as_json["pairs"]
    ]


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ("dimension=theme&within=theme", "within"),
        ("dimension=theme&within=quote", "within"),
        ("dimension=stakeholder_type&within=interview", "within"),  # an interview has one
        ("dimension=layer&within=theme", "within"),  # a theme has one
        ("dimension=report", "within"),  # a quote, interview or theme has one
        ("dimension=colour", "dimension"),
        ("dimension=tag&within=paragraph", "within"),
        ("dimension=tag&not_tag=nope", "not_tag"),
        ("", "dimension"),
    ],
)
def test_bad_cooccurrence_requests_are_422_problems(
    client: TestClient, query: str, where: str
) -> None:
    response = client.get(f"/v1/stats/cooccurrence?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert where in {str(part) for error in response.json()["errors"] for part in error["loc"]}


def test_a_dimension_with_too_many_pairs_is_refused_before_counting(
    engine: Engine, configure: Configure
) -> None:
    configure(max_crosstab_cells="100")  # 43 tags make 903 pairs; 4 layers make 6
    client = client_for(engine)
    response = client.get("/v1/stats/cooccurrence?dimension=tag")
    assert response.status_code == 422
    assert "MAX_CROSSTAB_CELLS" in response.json()["detail"]
    assert client.get("/v1/stats/cooccurrence?dimension=layer").status_code == 200


@pytest.mark.parametrize("codes", ["theme", "tag"])
@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("query", ["", "not_layer=tip-of-the-iceberg&q=patient*"])
def test_the_case_code_matrix_counts_each_interview_s_quotes_per_code(
    client: TestClient, codes: str, binary: bool, query: str
) -> None:
    url = f"/v1/exports/case-code-matrix.csv?codes={codes}&binary={str(binary).lower()}&{query}"
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    frame = pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig", index_col="case")
    interviews = client.get("/v1/interviews?limit=100").json()["items"]
    code_ids = [item["id"] for item in client.get(f"/v1/{codes}s?limit=100").json()["items"]]
    assert sorted(frame.index) == sorted(i["id"] for i in interviews)
    assert sorted(frame.columns[1:]) == sorted(code_ids)  # every code, no "Untagged" column
    counted: Counter[tuple[str, str]] = Counter()
    for quote in all_quotes(client, query):
        for code in values_of(quote, codes):
            counted[quote["interview"]["id"], code] += 1
    for case in frame.index:
        for code in frame.columns[1:]:
            n = counted[case, code]
            assert frame.loc[case, code] == (min(n, 1) if binary else n), (case, code)
    assert frame.to_numpy()[:, 1:].sum() > 0


def test_the_case_code_matrix_needs_theme_or_tag_codes(client: TestClient) -> None:
    response = client.get("/v1/exports/case-code-matrix.csv?codes=layer")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
