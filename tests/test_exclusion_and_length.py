"""`not_<dimension>`, `min_length` and `max_length` on the seeded report, on both databases: each
leaves out exactly what it names, wherever the quote list's filters apply; and the sample of
`/v1/quotes/sample`.

The expected quotes are worked out from the whole list (every quote, walked page by page), so
the filters are checked against the data, not against another query.
"""

import csv
import io
import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.helpers.api import Json, walk_pages

ALL = 62


@pytest.fixture(scope="module")
def everything(client: TestClient) -> list[Json]:
    quotes = walk_pages(client, "/v1/quotes?limit=100", max_pages=1)
    assert len(quotes) == ALL
    return quotes


@pytest.fixture(scope="module")
def payer_types(client: TestClient) -> set[str]:
    """`payer` and its sub-types."""
    types = client.get("/v1/stakeholder-types").json()["items"]
    return {"payer"} | {t["id"] for t in types if t["parent"] and t["parent"]["id"] == "payer"}


def ids(quotes: list[Json]) -> list[str]:
    return [quote["id"] for quote in quotes]


def listed(client: TestClient, query: str) -> list[Json]:
    return walk_pages(client, f"/v1/quotes?limit=100&{query}", max_pages=1)


def value(dimension: str) -> Callable[[Json], set[str | None]]:
    """A quote's ids in a dimension (its tags, or its one value)."""

    def of(quote: Json) -> set[str | None]:
        if dimension == "tag":
            return {tag["id"] for tag in quote["tags"]}
        held = quote[dimension]
        return {held["id"] if held else None}

    return of


@pytest.mark.parametrize(
    ("dimension", "excluded"),
    [
        ("layer", ["tip-of-the-iceberg"]),
        ("layer", ["tip-of-the-iceberg", "the-fundamentals"]),
        ("theme", ["fda-pathways"]),
        ("stakeholder_type", ["patient-advocate"]),
        ("organisation_type", ["biotech-trade-association"]),
        ("interview", ["former-federal-regulator"]),
        ("tag", ["medicaid"]),
        ("tag", ["medicaid", "fda"]),
        ("report", ["cgt-insights-2026"]),  # every quote: none is left
    ],
)
def test_an_exclusion_leaves_out_exactly_the_quotes_it_names(
    client: TestClient, everything: list[Json], dimension: str, excluded: list[str]
) -> None:
    query = "&".join(f"not_{dimension}={value_id}" for value_id in excluded)
    of = value(dimension)
    expected = [quote for quote in everything if not of(quote) & set(excluded)]
    assert ids(listed(client, query)) == ids(expected)
    assert len(expected) < ALL, "an exclusion that leaves nothing out proves nothing"


def test_a_parent_type_leaves_out_its_sub_types(
    client: TestClient, everything: list[Json], payer_types: set[str]
) -> None:
    kept = listed(client, "not_stakeholder_type=payer")
    assert ids(kept) == ids(
        [q for q in everything if q["stakeholder_type"]["id"] not in payer_types]
    )
    assert len(payer_types) > 1
    assert len(kept) < ALL


def test_leaving_out_an_organisation_type_keeps_quotes_that_name_none(
    client: TestClient, everything: list[Json]
) -> None:
    kept = listed(client, "not_organisation_type=biotech-trade-association")
    assert any(quote["organisation_type"] is None for quote in kept)
    unnamed = [q for q in everything if q["organisation_type"] is None]
    assert set(ids(unnamed)) <= set(ids(kept))


def test_including_and_excluding_combine(client: TestClient, everything: list[Json]) -> None:
    kept = listed(client, "layer=a-bit-deeper&not_tag=fda&q=patient*")
    searched = set(ids(listed(client, "q=patient*")))
    expected = [
        q
        for q in everything
        if q["layer"]["id"] == "a-bit-deeper"
        and "fda" not in value("tag")(q)
        and q["id"] in searched
    ]
    assert ids(kept) == ids(expected)
    assert expected


@pytest.mark.parametrize(
    ("query", "low", "high"),
    [
        ("min_length=300", 300, None),
        ("max_length=150", None, 150),
        ("min_length=200&max_length=260", 200, 260),
        ("min_length=180&max_length=180", 180, 180),  # inclusive at both ends
    ],
)
def test_lengths_bound_the_text_in_characters(
    client: TestClient, everything: list[Json], query: str, low: int | None, high: int | None
) -> None:
    expected = [
        q
        for q in everything
        if (low is None or len(q["text"]) >= low) and (high is None or len(q["text"]) <= high)
    ]
    assert ids(listed(client, query)) == ids(expected)
    assert 0 < len(expected) < ALL


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ("not_tag=no-such-tag", "not_tag"),
        ("not_stakeholder_type=nobody", "not_stakeholder_type"),
        ("min_length=300&max_length=200", None),
        ("min_length=0", "min_length"),
        ("max_length=100001", "max_length"),
        ("min_length=abc", "min_length"),
    ],
)
def test_bad_exclusions_and_lengths_are_422_problems(
    client: TestClient, query: str, where: str | None
) -> None:
    response = client.get(f"/v1/quotes?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    if where is not None:
        assert where in {str(part) for error in response.json()["errors"] for part in error["loc"]}


def test_exclusions_count_toward_the_filter_id_bound(client: TestClient) -> None:
    query = "&".join(f"not_tag=t{n}" for n in range(31))
    response = client.get(f"/v1/quotes?{query}")
    assert response.status_code == 422
    assert "MAX_FILTER_IDS" in response.text


# Wherever the list's filters apply, `not_layer=tip-of-the-iceberg&max_length=250` leaves out the
# tip's quotes and the long ones.
FILTERS = "not_layer=tip-of-the-iceberg&max_length=250"


def kept(quote: Json) -> bool:
    return quote["layer"]["id"] != "tip-of-the-iceberg" and len(quote["text"]) <= 250


def test_facets_and_crosstabs_count_only_what_the_filters_keep(
    client: TestClient, everything: list[Json]
) -> None:
    expected = [q for q in everything if kept(q)]
    page = client.get(f"/v1/quotes?{FILTERS}&facet=layer&limit=1").json()
    counts = {row["value"]: row["count"] for row in page["facets"]["layer"]}
    assert "tip-of-the-iceberg" not in counts
    assert sum(counts.values()) == len(expected)
    table = client.get(f"/v1/stats/crosstab?rows=layer&cols=stakeholder_type&{FILTERS}").json()
    assert table["total"] == len(expected)
    tip = [row["value"] for row in table["rows"]].index("tip-of-the-iceberg")
    assert table["row_totals"][tip] == 0


def test_exports_and_feeds_hold_only_what_the_filters_keep(
    client: TestClient, everything: list[Json]
) -> None:
    expected = {q["id"] for q in everything if kept(q)}
    exported = client.get(f"/v1/quotes.csv?{FILTERS}").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {row["id"] for row in rows} == expected
    lines = client.get(f"/v1/quotes.ndjson?{FILTERS}").text.splitlines()
    assert {json.loads(line)["id"] for line in lines} == expected
    feed = client.get(f"/feeds/quotes.json?{FILTERS}").json()
    assert {item["id"].rsplit("/", 1)[-1] for item in feed["items"]} <= expected
    assert "not_layer: tip-of-the-iceberg" in feed["title"]
    assert "max_length: 250" in feed["title"]


def test_random_and_daily_quotes_are_among_what_the_filters_keep(
    client: TestClient, everything: list[Json]
) -> None:
    expected = {q["id"] for q in everything if kept(q)}
    for _ in range(10):
        assert client.get(f"/v1/quotes/random?{FILTERS}").json()["id"] in expected
    assert client.get(f"/v1/quotes/daily?{FILTERS}&date=2026-02-03").json()["id"] in expected


def test_a_sample_is_distinct_quotes_that_match(client: TestClient, everything: list[Json]) -> None:
    expected = {q["id"] for q in everything if kept(q)}
    response = client.get(f"/v1/quotes/sample?count=7&{FILTERS}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    drawn = ids(response.json()["items"])
    assert len(drawn) == len(set(drawn)) == 7
    assert set(drawn) <= expected


def test_a_sample_larger_than_the_matches_is_every_match(
    client: TestClient, everything: list[Json]
) -> None:
    expected = {q["id"] for q in everything if q["interview"]["id"] == "former-federal-regulator"}
    response = client.get("/v1/quotes/sample?count=50&interview=former-federal-regulator")
    assert set(ids(response.json()["items"])) == expected
    assert len(response.json()["items"]) == len(expected)


@pytest.mark.parametrize(
    ("query", "status", "count"),
    [
        ("count=0", 422, None),
        ("count=51", 422, None),
        ("count=x", 422, None),
        ("stakeholder_type=state-policymaker", 200, 0),  # no quote matches: an empty sample
        ("", 200, 5),  # the default count
    ],
)
def test_sample_bounds(client: TestClient, query: str, status: int, count: int | None) -> None:
    response = client.get(f"/v1/quotes/sample?{query}")
    assert response.status_code == status
    if count is not None:
        assert len(response.json()["items"]) == count
