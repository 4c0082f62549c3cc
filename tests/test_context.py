"""A quote in its report (`/v1/quotes/{id}/context` and the permalink page), on both databases:
for every quote of the seeded report, the passage and the paragraphs around it are the report's
own text, contiguous, cut exactly at the quote."""

import pytest
from fastapi.testclient import TestClient

from tests.helpers.api import Json, assert_problem, walk_pages
from tests.helpers.html import page
from tests.helpers.seeds import REPORT_DIR, SEEDS_DIR

FULL_TEXT = (SEEDS_DIR / REPORT_DIR / "text.txt").read_text("utf-8")
PARAGRAPHS = [paragraph.strip("\n") for paragraph in FULL_TEXT.split("\n\n") if paragraph.strip()]


@pytest.fixture(scope="module")
def quotes(client: TestClient) -> list[Json]:
    return walk_pages(client, "/v1/quotes?limit=100", max_pages=1)


def context_of(client: TestClient, quote_id: str, paragraphs: int | None = None) -> Json:
    query = "" if paragraphs is None else f"?paragraphs={paragraphs}"
    response = client.get(f"/v1/quotes/{quote_id}/context{query}")
    assert response.status_code == 200, response.text
    body: Json = response.json()
    return body


@pytest.mark.parametrize("paragraphs", [0, 1, 2, 10])
def test_every_quote_stands_in_its_report_s_own_paragraphs(
    client: TestClient, quotes: list[Json], paragraphs: int
) -> None:
    for quote in quotes:
        context = context_of(client, quote["id"], paragraphs)
        assert context["quote"] == quote
        passage = context["passage"]
        assert passage["quote"] == quote["text"]
        start, end = quote["location"]["start_offset"], quote["location"]["end_offset"]
        assert FULL_TEXT[start - len(passage["before"]) : end + len(passage["after"])] == (
            passage["before"] + passage["quote"] + passage["after"]
        )
        held = passage["before"] + passage["quote"] + passage["after"]
        index = PARAGRAPHS.index(held)  # the passage is one of the report's paragraphs
        assert context["before"] == PARAGRAPHS[max(0, index - paragraphs) : index]
        assert context["after"] == PARAGRAPHS[index + 1 : index + 1 + paragraphs]


def test_the_paragraph_after_a_quote_is_its_printed_attribution(
    client: TestClient, quotes: list[Json]
) -> None:
    for quote in quotes:
        assert context_of(client, quote["id"], 1)["after"] == [f"- {quote['attribution']}"]


def test_the_default_is_two_paragraphs_each_side(client: TestClient) -> None:
    context = context_of(client, "cgt-2026-q07")
    assert len(context["before"]) == 2
    assert len(context["after"]) == 2


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/v1/quotes/cgt-2026-q99/context", 404),
        ("/v1/quotes/cgt-2026-q07/context?paragraphs=11", 422),
        ("/v1/quotes/cgt-2026-q07/context?paragraphs=-1", 422),
        ("/v1/quotes/cgt-2026-q07/context?paragraphs=two", 422),
    ],
)
def test_bad_context_requests_are_problems(client: TestClient, url: str, status: int) -> None:
    assert_problem(client.get(url), status)


def test_the_permalink_shows_the_quote_marked_in_its_report(client: TestClient) -> None:
    context = context_of(client, "cgt-2026-q07")
    document = page(client, "/quotes/cgt-2026-q07")
    (group,) = document.xpath("//div[@class='context']")
    assert group.get("aria-labelledby") == "context-heading"
    texts = [p.text_content() for p in group.xpath("p")]
    passage = context["passage"]
    assert texts == [
        *context["before"],
        passage["before"] + passage["quote"] + passage["after"],
        *context["after"],
    ]
    (mark,) = group.xpath(".//mark")
    assert mark.text_content() == passage["quote"]
    (link,) = document.xpath("//a[text()='This passage as JSON']")
    assert link.get("href").endswith("/v1/quotes/cgt-2026-q07/context")
