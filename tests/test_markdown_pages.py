"""The HTML pages answer their Markdown (the `.md` URL's body) to an Accept that prefers
`text/markdown`, HTML to browsers; both say `Vary: Accept`, carry their own ETag and keep their
own entry in the response cache."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.http.response_cache import ResponseCacheMiddleware
from tests.helpers.databases import client_for
from tests.helpers.settings import Configure

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
MARKDOWN = "text/markdown; charset=utf-8"
HTML = "text/html; charset=utf-8"
# (page, its Markdown URL): every page kind, with seeded ids.
PAGES = [
    ("/", "/index.md"),
    *[
        (f"/reports/{r}", f"/reports/{r}.md")
        for r in ("cgt-insights-2026", "cgt-press-release-2026")
    ],
    *[(f"/quotes/cgt-2026-q{n:02d}", f"/quotes/cgt-2026-q{n:02d}.md") for n in (1, 7, 31, 62)],
    *[(f"/themes/{t}", f"/themes/{t}.md") for t in ("fda-pathways", "curative-potential")],
    *[
        (f"/layers/{layer}", f"/layers/{layer}.md")
        for layer in ("tip-of-the-iceberg", "below-the-surface", "a-bit-deeper", "the-fundamentals")
    ],
]


@pytest.mark.parametrize(
    "accept", ["text/markdown", "text/markdown, text/html;q=0.5", "text/html;q=0.1, text/*"]
)
@pytest.mark.parametrize(("page", "markdown"), PAGES)
def test_a_page_answers_markdown_when_accept_prefers_it(
    client: TestClient, page: str, markdown: str, accept: str
) -> None:
    response = client.get(page, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == MARKDOWN
    assert "Accept" in response.headers["vary"]
    assert response.text == client.get(markdown).text


@pytest.mark.parametrize("accept", [BROWSER, "", "*/*", "text/html", "text/markdown;q=0.5, */*"])
@pytest.mark.parametrize(("page", "markdown"), PAGES)
def test_browsers_still_get_html(client: TestClient, page: str, markdown: str, accept: str) -> None:
    response = client.get(page, headers={"Accept": accept})
    assert response.headers["content-type"] == HTML
    assert "Accept" in response.headers["vary"]
    assert f'type="text/markdown" href="http://127.0.0.1:8000{markdown}"' in response.text


@pytest.mark.parametrize("page", [page for page, _ in PAGES])
def test_the_two_representations_have_their_own_etags(client: TestClient, page: str) -> None:
    html = client.get(page, headers={"Accept": BROWSER})
    md = client.get(page, headers={"Accept": "text/markdown"})
    assert html.headers["etag"] != md.headers["etag"]
    again = client.get(
        page, headers={"Accept": "text/markdown", "If-None-Match": md.headers["etag"]}
    )
    assert again.status_code == 304
    crossed = client.get(page, headers={"Accept": BROWSER, "If-None-Match": md.headers["etag"]})
    assert crossed.status_code == 200
    assert crossed.headers["content-type"] == HTML


def test_the_explorer_answers_html_alone(client: TestClient) -> None:
    response = client.get("/explore", headers={"Accept": "text/markdown"})
    assert response.headers["content-type"] == HTML


def test_unknown_ids_are_404_in_markdown_too(client: TestClient) -> None:
    for page in ("/quotes/nope", "/themes/nope", "/layers/nope", "/reports/nope"):
        assert client.get(page, headers={"Accept": "text/markdown"}).status_code == 404


def test_the_cache_keeps_one_entry_per_representation(engine: Engine, configure: Configure) -> None:
    configure()
    fresh = client_for(engine)
    page = "/quotes/cgt-2026-q07"
    spellings = {
        "text/html": [BROWSER, "", "*/*", "text/html", "TEXT/HTML"],
        "text/markdown": ["text/markdown", "text/markdown, text/html;q=0.5", "text/markdown;q=1"],
    }
    for kind, accepts in spellings.items():
        bodies = {fresh.get(page, headers={"Accept": accept}).text for accept in accepts}
        assert len(bodies) == 1, kind
    layer = getattr(fresh.app, "middleware_stack", None)
    while layer is not None and not isinstance(layer, ResponseCacheMiddleware):
        layer = getattr(layer, "app", None)
    assert layer is not None
    keys = [key for key in layer.entries.stored if key[1] == page]
    assert sorted(key[3] for key in keys) == ["text/html", "text/markdown"]
