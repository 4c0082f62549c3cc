"""The hostile-input catalogue, on SQLite and PostgreSQL: every answer is a 200 with a correct
(possibly empty) result or a 4xx problem that says what is wrong; never a 500, never a stack
trace, SQL or file path; and the database is unchanged afterwards.
"""

import json
import re
from typing import Any
from urllib.parse import quote as percent

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from tests.helpers.hostile import CURSORS, IDS, NUMBERS, SEARCH_SYNTAX, STRINGS

FILTERS = ["layer", "theme", "stakeholder_type", "organisation_type", "interview", "tag", "report"]
LEAKS = re.compile(
    r"Traceback|File \"|/work/|site-packages|SELECT |INSERT |sqlite3?\.|psycopg|sqlalchemy",
    re.IGNORECASE,
)


def assert_well_handled(response: Response, *sent: str) -> None:
    """No 5xx; errors are problems; nothing leaks but what the client itself sent."""
    assert response.status_code < 500, (response.request.url, response.text[:300])
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        body: dict[str, Any] = response.json()
        assert body["status"] == response.status_code
        assert body["detail"]
    text = response.text
    for value in sent:
        text = text.replace(value, "").replace(json.dumps(value)[1:-1], "")
    assert not LEAKS.search(text), (response.request.url, response.text[:300])


@pytest.fixture(scope="module")
def before(client: TestClient) -> dict[str, Any]:
    """What the database holds before the catalogue runs."""
    meta: dict[str, Any] = client.get("/v1/meta").json()
    return meta


SEARCH_ENDPOINTS = ["/v1/quotes", "/v1/search", "/v1/quotes.csv", "/v1/quotes.ndjson"]


@pytest.mark.parametrize("endpoint", SEARCH_ENDPOINTS)
@pytest.mark.parametrize("q", SEARCH_SYNTAX + STRINGS)
def test_search_text(client: TestClient, endpoint: str, q: str) -> None:
    response = client.get(endpoint, params={"q": q})
    assert_well_handled(response, q)
    if q.strip() and "\x00" not in q and len(q) <= 1000:
        assert response.status_code == 200, (q, response.text[:200])


@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("value", STRINGS)
def test_filter_values(client: TestClient, name: str, value: str) -> None:
    response = client.get("/v1/quotes", params={name: value})
    assert_well_handled(response, value)
    assert response.status_code == 422


@pytest.mark.parametrize(
    "query",
    [
        "layer=a-bit-deeper&layer=a-bit-deeper&layer=a-bit-deeper",
        "limit=5&limit=500",
        "sort=position&sort=-position",
        "q=gene&q=cell",
        "&".join(["layer=a-bit-deeper"] * 51),
        "facet=layer&facet=layer",
        "unknown=1&another=2",
        "layer",
        "=&=&&",
    ],
)
def test_repeated_and_odd_parameters(client: TestClient, query: str) -> None:
    assert_well_handled(client.get(f"/v1/quotes?{query}"))


@pytest.mark.parametrize("endpoint", ["/v1/quotes", "/v1/search?q=patient"])
@pytest.mark.parametrize("limit", NUMBERS)
def test_limits(client: TestClient, endpoint: str, limit: str) -> None:
    separator = "&" if "?" in endpoint else "?"
    response = client.get(f"{endpoint}{separator}limit={percent(limit)}")
    assert_well_handled(response)
    assert response.status_code == (200 if limit in ("1", "100") else 422)


@pytest.mark.parametrize("endpoint", ["/v1/quotes", "/v1/search?q=patient"])
@pytest.mark.parametrize("cursor", CURSORS)
def test_cursors(client: TestClient, endpoint: str, cursor: str) -> None:
    separator = "&" if "?" in endpoint else "?"
    response = client.get(f"{endpoint}{separator}cursor={cursor}")
    assert_well_handled(response)


@pytest.mark.parametrize("sort", ["random", "", "-", "--position", "position;drop", "id"])
def test_sort_values(client: TestClient, sort: str) -> None:
    response = client.get("/v1/quotes", params={"sort": sort})
    assert_well_handled(response)
    assert response.status_code == 422


DETAIL_PATHS = [
    "/v1/quotes/{}",
    "/v1/reports/{}",
    "/v1/layers/{}",
    "/v1/themes/{}",
    "/v1/stakeholder-types/{}",
    "/v1/interviews/{}",
    "/v1/tags/{}",
]


@pytest.mark.parametrize("template", DETAIL_PATHS)
@pytest.mark.parametrize("object_id", IDS)
def test_hostile_ids_in_paths(client: TestClient, template: str, object_id: str) -> None:
    response = client.get(template.format(object_id))
    assert_well_handled(response, object_id, repr(object_id))
    assert response.status_code in (404, 422)


@pytest.mark.parametrize(
    "raw_query",
    ["q=%FF%FE", "q=%C3%28", "layer=%ED%A0%80", "q=%E2%82", "cursor=%FF", "q=%"],
)
def test_invalid_utf8_in_the_query_string(client: TestClient, raw_query: str) -> None:
    assert_well_handled(client.get(f"/v1/quotes?{raw_query}"))
    assert_well_handled(client.get(f"/v1/search?{raw_query}"))


@pytest.mark.parametrize(
    ("rows", "cols"),
    [("layer", "layer"), ("x", "layer"), ("layer", "' OR 1=1"), ("", ""), ("tag", "<b>")],
)
def test_crosstab_axes(client: TestClient, rows: str, cols: str) -> None:
    response = client.get("/v1/stats/crosstab", params={"rows": rows, "cols": cols})
    assert_well_handled(response, rows, cols)
    assert response.status_code == 422


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/v1/quotes", "/v1/quotes/cgt-2026-q01", "/v1/meta"])
def test_write_verbs_change_nothing(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, json={"text": "forged"})
    assert_well_handled(response)
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]


def test_the_database_is_unchanged_afterwards(client: TestClient, before: dict[str, Any]) -> None:
    # Runs last in this module (pytest keeps definition order): everything above was read-only.
    after = client.get("/v1/meta").json()
    assert after == before
    assert client.get("/v1/quotes/cgt-2026-q01").json()["text"].startswith("These are the types")
