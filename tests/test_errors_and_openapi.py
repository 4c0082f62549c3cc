"""One error shape everywhere, a complete OpenAPI document, offline docs."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.main import create_app
from tests.helpers.api import ORIGIN, assert_problem
from tests.helpers.databases import client_for


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/v1/nothing-here", 404),
        ("GET", "/v1/quotes/nope", 404),
        ("GET", "/v1/quotes?limit=0", 422),
        ("GET", "/v1/quotes?sort=random", 422),
        ("POST", "/v1/quotes", 405),
        ("DELETE", "/v1/quotes/cgt-2026-q01", 405),
        ("PUT", "/v1/layers/a-bit-deeper", 405),
    ],
)
def test_errors_are_problem_details(client: TestClient, method: str, url: str, status: int) -> None:
    body = assert_problem(client.request(method, url), status)
    if status == 422:
        assert body["errors"][0]["loc"][0] == "query"
    assert "Traceback" not in str(body)


def test_write_verbs_get_405_with_allow(client: TestClient) -> None:
    response = client.post("/v1/quotes")
    assert "GET" in response.headers["allow"]


@pytest.fixture
def client_without_database(unreachable_engine: Engine) -> TestClient:
    """The API over a PostgreSQL address where nothing listens."""
    return client_for(unreachable_engine)


@pytest.mark.parametrize("url", ["/v1/quotes", "/v1/layers", "/v1/meta", "/readyz"])
def test_unreachable_database_is_a_503_with_retry_after_and_cors(
    client_without_database: TestClient, url: str
) -> None:
    response = client_without_database.get(url, headers={"Origin": ORIGIN})
    body = assert_problem(response, 503)
    assert response.headers["retry-after"].isdigit()
    assert response.headers["access-control-allow-origin"] == "*"
    assert "127.0.0.1" not in body["detail"]
    assert "psycopg" not in body["detail"]


def test_liveness_does_not_need_the_database(client_without_database: TestClient) -> None:
    assert client_without_database.get("/healthz").status_code == 200


def test_cors_on_successes_and_errors(client: TestClient) -> None:
    for url in ("/v1/quotes", "/v1/quotes/nope"):
        response = client.get(url, headers={"Origin": ORIGIN})
        assert response.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in response.headers
        exposed = response.headers["access-control-expose-headers"]
        for header in ("ETag", "Link", "Retry-After"):
            assert header in exposed


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    schema: dict[str, Any] = TestClient(create_app()).get("/openapi.json").json()
    return schema


def operations(openapi: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    assert len(openapi["paths"]) >= 17, "the document lost its paths"
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_is_named_described_and_tagged(openapi: dict[str, Any]) -> None:
    seen = set()
    for path, _method, operation in operations(openapi):
        assert re.fullmatch(r"[a-z_]+", operation["operationId"]), path
        assert operation["operationId"] not in seen
        seen.add(operation["operationId"])
        assert operation["summary"], path
        assert operation["description"], path
        assert operation["tags"], path


def test_every_operation_documents_its_problems(openapi: dict[str, Any]) -> None:
    for path, _method, operation in operations(openapi):
        responses = operation["responses"]
        for status in ("404", "422", "503"):
            assert status in responses, (path, status)
        for status, response in responses.items():
            if status[0] in "45":
                assert list(response["content"]) == ["application/problem+json"], (path, status)
                assert response["content"]["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }


def test_every_schema_field_is_described(openapi: dict[str, Any]) -> None:
    for name, schema in openapi["components"]["schemas"].items():
        for field, spec in schema.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"


def test_every_query_parameter_is_described(openapi: dict[str, Any]) -> None:
    for path, _method, operation in operations(openapi):
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), (path, parameter["name"])


def test_docs_work_offline(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets
    assert not [url for url in assets if url.startswith(("http:", "https:", "//"))]
    for url in assets:
        assert client.get(url).status_code == 200, url
    assert "/openapi.json" in page.text
