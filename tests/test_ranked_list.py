"""`/v1/quotes?sort=rank`, on both databases: the list's matches, walked page by page, best first
by the score /v1/search gives each quote, ties in report order; under any filter."""

import pytest
from fastapi.testclient import TestClient

from tests.helpers.api import Json, assert_problem, walk_pages

SEARCHES = ["q=access", "q=medic*", "q=medic* payment", 'q="gene therapies"', "q=patient"]
FILTERS = ["", "not_layer=tip-of-the-iceberg", "stakeholder_type=payer&min_length=120"]


def search_scores(client: TestClient, query: str) -> dict[str, float]:
    """Each quote's score in /v1/search for the same text."""
    hits = walk_pages(client, f"/v1/search?limit=100&{query}", max_pages=11)
    return {hit["id"]: hit["score"] for hit in hits if hit["type"] == "quote"}


@pytest.mark.parametrize("search", SEARCHES)
@pytest.mark.parametrize("filters", FILTERS)
def test_a_ranked_walk_is_every_match_best_first(
    client: TestClient, search: str, filters: str
) -> None:
    query = f"{search}&{filters}"
    ranked = walk_pages(client, f"/v1/quotes?sort=rank&limit=3&{query}", max_pages=40)
    in_report_order = walk_pages(client, f"/v1/quotes?limit=100&{query}", max_pages=1)
    assert sorted(q["id"] for q in ranked) == sorted(q["id"] for q in in_report_order)
    assert ranked, "a search with no match proves nothing"
    scores = search_scores(client, search)
    seq = {quote["id"]: index for index, quote in enumerate(in_report_order)}
    keys = [(-scores[q["id"]], seq[q["id"]]) for q in ranked]
    assert keys == sorted(keys), "best first, ties in report order"


def test_ranked_first_page_is_the_search_s_best_quotes(client: TestClient) -> None:
    scores = search_scores(client, "q=access")
    page = client.get("/v1/quotes?sort=rank&limit=5&q=access").json()["items"]
    best = sorted(scores.values(), reverse=True)[:5]
    assert [scores[quote["id"]] for quote in page] == best


@pytest.mark.parametrize(
    "query",
    ["sort=rank", "sort=rank&q=%20", "sort=rank&q=access&cursor=1001.cgt-2026-q01"],
)
def test_bad_ranked_requests_are_422_problems(client: TestClient, query: str) -> None:
    assert_problem(client.get(f"/v1/quotes?{query}"), 422)


def test_a_ranked_page_links_the_next(client: TestClient) -> None:
    response = client.get("/v1/quotes?sort=rank&limit=2&q=access")
    body: Json = response.json()
    assert body["next_cursor"] == f"2.{body['items'][-1]['id']}"
    assert 'rel="next"' in response.headers["link"]
