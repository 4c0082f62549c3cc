"""Ranked search of quotes, themes and layers: safe on any input, the same hits on both backends."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.queries.fulltext import Term, fts5_expression, parse_query
from tests.helpers.api import Json
from tests.helpers.databases import client_for, new_database_url, seeded_engine

MARKUP = re.compile(r"</?mark>")


def hits(client: TestClient, q: str, limit: int = 100) -> list[Json]:
    response = client.get("/v1/search", params={"q": q, "limit": limit})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("iceberg", {("layer", "tip-of-the-iceberg"), ("layer", "the-fundamentals")}),
        (
            '"value-based purchasing"',
            {("quote", "cgt-2026-q09"), ("theme", "current-policy-discussions")},
        ),
        ("canary coal", {("quote", "cgt-2026-q39")}),
        ("soda*", {("quote", "cgt-2026-q34")}),
    ],
)
def test_search_finds_objects_of_every_kind(
    client: TestClient, q: str, expected: set[tuple[str, str]]
) -> None:
    found = {(hit["type"], hit["id"]) for hit in hits(client, q)}
    assert expected <= found


def test_hits_are_ranked_and_complete(client: TestClient) -> None:
    results = hits(client, "patient")
    scores = [hit["score"] for hit in results]
    assert scores == sorted(scores, reverse=True)
    assert {hit["type"] for hit in results} == {"quote", "theme", "layer"}
    for hit in results:
        assert client.get(hit["url"]).status_code == 200
        assert hit["title"]
    quote_hit = next(hit for hit in results if hit["type"] == "quote")
    quote = client.get(quote_hit["url"]).json()
    assert quote_hit["title"] == quote["attribution"]


def test_snippets_mark_the_matches_and_escape_the_text(client: TestClient) -> None:
    for hit in hits(client, "patient"):
        snippet = hit["snippet"]
        assert "<mark>" in snippet or hit["type"] != "quote"
        plain = MARKUP.sub("", snippet)
        assert "<" not in plain
        assert ">" not in plain
    apostrophes = hits(client, "reimbursement")
    assert any("&#x27;" in hit["snippet"] or "’" in hit["snippet"] for hit in apostrophes)


def test_prefix_search_finds_unstemmed_prefixes(client: TestClient) -> None:
    found = {hit["id"] for hit in hits(client, "regulat*") if hit["type"] == "quote"}
    listed = {
        quote["id"]
        for quote in client.get("/v1/quotes", params={"q": "regulat*", "limit": 100}).json()[
            "items"
        ]
    }
    assert found == listed
    assert "cgt-2026-q18" in found  # "regulate", whose stem "regul" is no prefix of regulat


def test_search_pages_with_a_cursor(client: TestClient) -> None:
    everything = hits(client, "patient")
    first = client.get("/v1/search", params={"q": "patient", "limit": 3})
    page = first.json()
    assert page["items"] == everything[:3]
    assert 'rel="next"' in first.headers["link"]
    second = client.get(
        "/v1/search", params={"q": "patient", "limit": 3, "cursor": page["next_cursor"]}
    ).json()
    assert second["items"] == everything[3:6]


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '"unbalanced phrase',
        "AND",
        "OR NOT",
        "trust OR",
        "NEAR(",
        "(",
        "-",
        "*",
        "nosuch:x",
        "title:iceberg",
        "multi-agent",
        "don't",
        "20.04",
        "<script>alert(1)</script>",
        "🧬 gene",
        "العلاج الجيني",
        "\u202eevil",
        "a" * 1000,
        "'; DROP TABLE quote; --",
        "\x01\x02\x03",
    ],
)
def test_any_input_is_a_200(client: TestClient, q: str) -> None:
    response = client.get("/v1/search", params={"q": q})
    assert response.status_code == 200, response.text
    for hit in response.json()["items"]:
        assert "<" not in MARKUP.sub("", hit["snippet"])


@pytest.mark.parametrize("q", ["", "   ", "\x00", "gene\x00", "a" * 1001])
def test_input_that_cannot_mean_anything_is_a_422(client: TestClient, q: str) -> None:
    response = client.get("/v1/search", params={"q": q})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("cursor", ["-1", "abc", "1000", "99999999999999999999"])
def test_bad_search_cursor_is_a_422(client: TestClient, cursor: str) -> None:
    response = client.get("/v1/search", params={"q": "patient", "cursor": cursor})
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("q", "terms"),
    [
        ("gene therapy", [Term(("gene",)), Term(("therapy",))]),
        ('"value-based purchasing"', [Term(("value", "based", "purchasing"))]),
        ("medic*", [Term(("medic",), prefix=True)]),
        ("the AND of", []),
        ("the*", [Term(("the",), prefix=True)]),
        ('"unbalanced', [Term(("unbalanced",))]),
        ("nosuch:x", [Term(("nosuch",)), Term(("x",))]),
    ],
)
def test_parse_query(q: str, terms: list[Term]) -> None:
    assert parse_query(q) == terms


def test_fts5_expression_quotes_every_term() -> None:
    terms = parse_query('cell "gene therapy" medic*')
    assert fts5_expression(terms) == '"cell" "gene therapy" "medic"*'


# --- parity -----------------------------------------------------------------------------------

PARITY_QUERIES = [
    "patient",
    "patients access",
    "medicaid",
    '"value-based purchasing"',
    '"gene therapy"',
    "medic*",
    "regulat*",
    "regulat* fda",
    "iceberg",
    "fda approval",
    "sickle cell",
    "cost*",
    "innovation",
    "states",
    "curative",
]


@pytest.fixture(scope="module")
def both_backends(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, TestClient]]:
    """The seeded report on SQLite and on PostgreSQL, side by side."""
    urls = {
        backend: new_database_url(backend, Path(tmp_path_factory.mktemp(f"parity-{backend}")))
        for backend in ("sqlite", "postgresql")
    }
    engines = {backend: seeded_engine(next(generator)) for backend, generator in urls.items()}
    yield {backend: client_for(engine) for backend, engine in engines.items()}
    for backend, engine in engines.items():
        engine.dispose()
        next(urls[backend], None)


@pytest.mark.parametrize("q", PARITY_QUERIES)
def test_sqlite_and_postgresql_find_the_same_hits(
    both_backends: dict[str, TestClient], q: str
) -> None:
    found = {
        backend: {(hit["type"], hit["id"]) for hit in hits(client, q)}
        for backend, client in both_backends.items()
    }
    assert found["sqlite"], f"{q!r} should match something"
    assert found["sqlite"] == found["postgresql"]
    quote_lists = {
        backend: [
            quote["id"]
            for quote in client.get("/v1/quotes", params={"q": q, "limit": 100}).json()["items"]
        ]
        for backend, client in both_backends.items()
    }
    assert quote_lists["sqlite"] == quote_lists["postgresql"]
