"""Share cards: the PNG of every quote, theme, layer and report, the page tags that name it, and
the font's coverage of the seeds, on both backends."""

import io
from typing import Any

import extruct
import lxml.html
import pytest
from fastapi.testclient import TestClient
from fontTools.ttLib import TTFont
from PIL import Image
from sqlalchemy import Engine

from app import urls
from app.render import share
from tests.helpers.api import assert_problem, walk_pages
from tests.helpers.databases import client_for

BASE = urls.base_url()
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PAGES = {
    "quote": "/quotes/{}",
    "theme": "/themes/{}",
    "layer": "/layers/{}",
    "report": "/reports/{}",
}
COLLECTIONS = {"quote": "quotes", "theme": "themes", "layer": "layers", "report": "reports"}


def ids(client: TestClient, kind: str) -> list[str]:
    """Every id of a kind in the seeds."""
    limit = "?limit=100" if kind == "quote" else ""
    items = walk_pages(client, f"/v1/{COLLECTIONS[kind]}{limit}", max_pages=5)
    return [item["id"] for item in items]


def assert_card(response: Any) -> None:
    """A 1200×630 PNG."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 630)


def test_every_quote_has_a_card(client: TestClient) -> None:
    quote_ids = ids(client, "quote")
    assert len(quote_ids) == 62
    for quote_id in quote_ids:
        assert_card(client.get(f"/share/quote/{quote_id}.png"))


@pytest.mark.parametrize("kind", ["theme", "layer", "report"])
def test_every_theme_layer_and_report_has_a_card(client: TestClient, kind: str) -> None:
    for object_id in ids(client, kind):
        assert_card(client.get(f"/share/{kind}/{object_id}.png"))


@pytest.mark.parametrize("kind", list(PAGES))
def test_an_unknown_id_is_a_404_problem(client: TestClient, kind: str) -> None:
    assert_problem(client.get(f"/share/{kind}/no-such-thing.png"), 404)


def test_an_unknown_kind_is_a_problem(client: TestClient) -> None:
    assert_problem(client.get("/share/interview/former-federal-regulator.png"), 422)


def test_a_card_is_cached_and_revalidated(client: TestClient) -> None:
    first = client.get("/share/quote/cgt-2026-q07.png")
    assert_card(first)
    assert first.headers["etag"]
    again = client.get("/share/quote/cgt-2026-q07.png")
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    revalidated = client.get(
        "/share/quote/cgt-2026-q07.png", headers={"If-None-Match": first.headers["etag"]}
    )
    assert revalidated.status_code == 304
    assert revalidated.content == b""


def test_a_second_request_for_a_card_is_a_cache_hit(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[str] = []

    def counting(card: share.Card) -> bytes:
        drawn.append(card.text)
        return render_png(card)

    render_png = share.render_png
    monkeypatch.setattr(share, "render_png", counting)
    client = client_for(engine)  # a response cache of its own, empty
    first = client.get("/share/theme/fda-pathways.png")
    second = client.get("/share/theme/fda-pathways.png")
    assert_card(first)
    assert second.content == first.content
    assert len(drawn) == 1  # the second answer came from the response cache


def quotes(client: TestClient) -> list[dict[str, Any]]:
    """Every seeded quote."""
    return walk_pages(client, "/v1/quotes?limit=100", max_pages=5)


def test_the_longest_quote_is_cut_only_if_it_must_be(client: TestClient) -> None:
    longest = max(quotes(client), key=lambda quote: len(quote["text"]))
    card = share.Card(None, f"“{longest['text']}”", longest["attribution"], "")
    _, fitted = share.layout(card)
    shown = " ".join(fitted.lines)
    assert fitted.cut == shown.endswith(share.ELLIPSIS)
    if not fitted.cut:
        assert shown.split() == card.text.split()
    width = share.TEXT_BOX[0]
    assert all(share.font(fitted.size).getlength(line) <= width for line in fitted.lines)


def test_a_text_too_long_for_the_card_is_cut_at_a_word_with_an_ellipsis() -> None:
    words = [f"word{n}" for n in range(400)]
    fitted = share.fit(" ".join(words), box=share.TEXT_BOX)
    assert fitted.cut
    assert fitted.size == share.TEXT_SIZES[-1]
    assert fitted.lines[-1].endswith(share.ELLIPSIS)
    kept = " ".join(fitted.lines).removesuffix(share.ELLIPSIS).split()
    assert kept == words[: len(kept)]  # whole words, in order, none split
    assert len(fitted.lines) == share.max_lines(fitted.size, share.TEXT_BOX[1])
    face = share.font(fitted.size)
    assert all(face.getlength(line) <= share.TEXT_BOX[0] for line in fitted.lines)


def test_a_short_text_is_neither_cut_nor_made_small() -> None:
    fitted = share.fit("Medicaid is the payer.", box=share.TEXT_BOX)
    assert fitted == share.Fitted(share.TEXT_SIZES[0], ["Medicaid is the payer."], cut=False)


def test_the_font_has_a_glyph_for_every_character_of_the_seeds(client: TestClient) -> None:
    cmap = TTFont(share.font_path()).getBestCmap()
    texts = [share.ELLIPSIS, "“”"]
    for quote in quotes(client):
        texts += [quote["text"], quote["attribution"], quote["report"]["title"]]
    for kind in ("theme", "layer", "report"):
        for item in walk_pages(client, f"/v1/{COLLECTIONS[kind]}", max_pages=5):
            texts += [str(item.get(key, "")) for key in ("title", "summary", "name")]
            texts += [str(item.get(key, "")) for key in ("heading", "description", "publisher")]
    characters = {c for text in texts for c in text if not c.isspace()}
    assert "—" in characters  # the seeds' dashes are among what is checked
    assert sorted(c for c in characters if ord(c) not in cmap) == []


def test_the_check_can_fail_on_a_missing_glyph() -> None:
    cmap = TTFont(share.font_path()).getBestCmap()
    assert ord("—") in cmap
    assert ord("\U0001f9ec") not in cmap  # DNA emoji: not in Noto Sans


def page_urls(client: TestClient) -> list[tuple[str, str, str]]:
    """(kind, id, page path) of every quote, theme, layer and report page."""
    return [
        (kind, object_id, template.format(object_id))
        for kind, template in PAGES.items()
        for object_id in ids(client, kind)
    ]


def meta(doc: Any, attribute: str, name: str) -> str:
    """The content of the one `<meta>` of that property or name."""
    values = doc.xpath(f"//head/meta[@{attribute}=$name]/@content", name=name)
    assert len(values) == 1, (name, values)
    return str(values[0])


def test_every_page_names_its_card_in_open_graph_and_twitter_tags(client: TestClient) -> None:
    for kind, object_id, path in page_urls(client):
        response = client.get(path)
        assert response.status_code == 200, path
        doc = lxml.html.fromstring(response.text)
        image = meta(doc, "property", "og:image")
        assert image == f"{BASE}/share/{kind}/{object_id}.png"
        assert meta(doc, "property", "og:image:width") == "1200"
        assert meta(doc, "property", "og:image:height") == "630"
        assert meta(doc, "property", "og:image:type") == "image/png"
        assert meta(doc, "name", "twitter:card") == "summary_large_image"
        assert meta(doc, "name", "twitter:image") == image
        alt = meta(doc, "property", "og:image:alt")
        assert alt
        assert meta(doc, "name", "twitter:image:alt") == alt
        assert_card(client.get(image.removeprefix(BASE)))


def test_a_quote_cards_alt_text_is_the_whole_quote(client: TestClient) -> None:
    for quote in quotes(client):
        doc = lxml.html.fromstring(client.get(f"/quotes/{quote['id']}").text)
        assert quote["text"] in meta(doc, "property", "og:image:alt")


def test_the_home_page_shows_the_insights_reports_card(client: TestClient) -> None:
    doc = lxml.html.fromstring(client.get("/").text)
    assert meta(doc, "property", "og:image") == f"{BASE}/share/report/cgt-insights-2026.png"


def test_extruct_finds_the_card_and_the_quotation_on_every_permalink(client: TestClient) -> None:
    for quote in quotes(client):
        url = urls.quote(quote["id"])
        html = client.get(url.removeprefix(BASE)).text
        found = extruct.extract(html, base_url=url, syntaxes=["opengraph", "json-ld"], uniform=True)
        assert found["opengraph"][0]["og:image"] == f"{BASE}/share/quote/{quote['id']}.png"
        quotations = [item for item in found["json-ld"] if item.get("@type") == "Quotation"]
        assert len(quotations) == 1
        assert quote["text"] in quotations[0]["text"]
