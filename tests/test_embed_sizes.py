"""Cards that fit: oEmbed honours any maxwidth and maxheight (a smaller layout, then a marked
excerpt linking to the whole quote), the snippet carries no inline style, and the embeds'
scripts are versioned and immutable. Chromium checks the sizes in tests/test_browser.py."""

import base64
import hashlib
import re
from typing import Any

import lxml.html
import pytest
from fastapi.testclient import TestClient

from app.config import PROJECT_ROOT
from tests.helpers.api import json_at, walk_pages

SIZES = [(None, None), (320, None), (250, None), (560, 200), (300, 150), (180, 110), (130, 160)]
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def oembed(client: TestClient, quote_id: str, width: int | None, height: int | None) -> Any:
    params = {"url": f"http://127.0.0.1:8000/quotes/{quote_id}", "format": "json"}
    params |= {k: str(v) for k, v in (("maxwidth", width), ("maxheight", height)) if v}
    return json_at(client, "/oembed?" + "&".join(f"{k}={v}" for k, v in params.items()))


def frame_of(answer: dict[str, Any]) -> Any:
    (frame,) = lxml.html.fragments_fromstring(answer["html"])
    return frame


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_oembed_answers_within_the_consumers_bounds(
    client: TestClient, width: int | None, height: int | None
) -> None:
    for quote in walk_pages(client, "/v1/quotes?limit=100", max_pages=5):
        answer = oembed(client, quote["id"], width, height)
        assert answer["width"] <= (width or 480)
        assert answer["height"] <= (height or 10_000)
        frame = frame_of(answer)
        assert frame.get("style") is None  # a partner's CSP may forbid inline style
        assert (int(frame.get("width")), int(frame.get("height"))) == (
            answer["width"],
            answer["height"],
        )


def test_a_quote_too_long_for_the_frame_becomes_a_marked_excerpt(client: TestClient) -> None:
    quotes = walk_pages(client, "/v1/quotes?limit=100", max_pages=5)
    excerpted = 0
    for quote in quotes:
        src = frame_of(oembed(client, quote["id"], 180, 110)).get("src")
        card = lxml.html.document_fromstring(
            client.get(src.removeprefix("http://127.0.0.1:8000")).text
        )
        shown = card.xpath("string(//blockquote/p)")
        link = card.xpath("//p[@id='whole']/a")[0]
        assert link.get("href") == f"http://127.0.0.1:8000/quotes/{quote['id']}"
        if "excerpt=" not in src:
            assert shown == quote["text"]
            continue
        excerpted += 1
        assert shown, quote["id"]
        assert quote["text"].startswith(shown)
        # Cut at a word: the next character of the quote is not a letter of the last word.
        assert not quote["text"][len(shown)].isalnum() or not shown[-1].isalnum()
        assert link.text_content().startswith("Read the whole quote")
        assert card.xpath("//blockquote[@class='excerpted']")
    assert excerpted > len(quotes) / 2  # most quotes need more than 110 px


def test_the_card_is_compact_where_the_full_card_does_not_fit(client: TestClient) -> None:
    assert "layout=compact" not in frame_of(oembed(client, "cgt-2026-q01", None, None)).get("src")
    assert "layout=compact" in frame_of(oembed(client, "cgt-2026-q01", 250, None)).get("src")
    compact = client.get("/embed/quotes/cgt-2026-q01?layout=compact").text
    assert 'class="compact"' in compact
    assert "<details" not in compact


@pytest.mark.parametrize("excerpt", ["0", "-1", "x", "100001"])
def test_an_excerpt_length_is_validated(client: TestClient, excerpt: str) -> None:
    response = client.get(f"/embed/quotes/cgt-2026-q01?excerpt={excerpt}")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("script", ["widget.js", "resize.js", "frame.js"])
def test_the_embed_scripts_are_versioned_and_immutable(client: TestClient, script: str) -> None:
    response = client.get(f"/embed/v1/{script}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/javascript; charset=utf-8"
    assert "immutable" in response.headers["cache-control"]
    assert response.content == (PROJECT_ROOT / "app" / "static" / "embed" / script).read_bytes()
    if script == "widget.js":
        assert client.get("/embed/widget.js").content == response.content


@pytest.mark.parametrize("script", ["nope.js", "..%2Fwidget.js", "WIDGET.JS"])
def test_an_unknown_embed_script_is_a_404_problem(client: TestClient, script: str) -> None:
    response = client.get(f"/embed/v1/{script}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_the_readme_snippet_carries_the_widgets_integrity_hash() -> None:
    body = (PROJECT_ROOT / "app" / "static" / "embed" / "widget.js").read_bytes()
    digest = "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()
    snippets = re.findall(r'src="[^"]*/embed/v1/widget\.js"[^>]*integrity="([^"]+)"', README)
    assert snippets
    assert set(snippets) == {digest}
