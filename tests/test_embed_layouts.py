"""Embeds of several quotes (`/embed/quotes`: wall, list, carousel, single) and the snippet
builder (`/embed`), on the seeded report: the quotes each layout shows are the quote list's for
the same filters, exclusions included; the builder's snippets are URLs that serve those quotes,
and the widget snippet carries the widget's integrity hash. Chromium checks how they look
(tests/test_browser.py)."""

import base64
import hashlib
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import lxml.html
import pytest
from fastapi.testclient import TestClient

from app import urls
from tests.helpers.api import assert_problem
from tests.helpers.html import page

# (the filters' query, how many) — each dimension, exclusions, lengths and a search.
FILTERS = [
    ("", 6),
    ("stakeholder_type=patient-advocate", 24),
    ("layer=a-bit-deeper&not_theme=fda-pathways", 10),
    ("report=cgt-insights-2026&not_stakeholder_type=payer&not_tag=medicaid", 5),
    ("tag=medicaid&min_length=200", 24),
    ("q=access&max_length=400", 3),
    ("not_layer=tip-of-the-iceberg&not_layer=the-fundamentals", 24),
]
LAYOUTS = ["single", "carousel", "wall", "list"]


def listed(client: TestClient, query: str, count: int) -> list[dict[str, Any]]:
    """The quote list's first `count` quotes for `query`."""
    response = client.get(f"/v1/quotes?{query}&limit={count}")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def shown(doc: Any) -> list[tuple[str, str, str]]:
    """(text, attribution, permalink) of every card of an embed."""
    return [
        (
            card.xpath("string(blockquote/p)"),
            card.xpath("string(figcaption/cite)"),
            card.xpath("string(.//p[@class='meta']/a/@href)"),
        )
        for card in doc.xpath("//main//figure")
    ]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("query", "count"), FILTERS)
def test_each_layout_shows_the_quote_list_s_first_quotes(
    client: TestClient, layout: str, query: str, count: int
) -> None:
    expected = listed(client, query, 1 if layout == "single" else count)
    doc = page(client, f"/embed/quotes?{query}&layout={layout}&count={count}")
    assert shown(doc) == [(q["text"], q["attribution"], urls.quote(q["id"])) for q in expected]
    assert doc.xpath("string(/html/@class)") == f"collection {layout}"
    controls = doc.xpath("//div[@id='controls']")
    assert len(controls) == (1 if layout == "carousel" and len(expected) > 1 else 0)


def test_the_carousel_names_its_slides_and_its_pace(client: TestClient) -> None:
    doc = page(client, "/embed/quotes?layout=carousel&layer=the-fundamentals&rotate_seconds=12")
    track = doc.xpath("//ul[@id='cards']")[0]
    assert track.get("data-rotate-seconds") == "12"
    slides = track.xpath("li")
    assert [li.get("aria-label") for li in slides] == [
        f"{n} of {len(slides)}" for n in range(1, len(slides) + 1)
    ]
    assert doc.xpath("//div[@id='controls']/@hidden") == [""]  # shown by its script only


def test_no_match_is_a_page_that_says_so(client: TestClient) -> None:
    doc = page(client, "/embed/quotes?q=zzzqqqxxy")
    assert doc.xpath("//main//figure") == []
    assert doc.xpath("string(//p[@class='empty'])") == "No quote matches these filters."


@pytest.mark.parametrize(
    "query",
    [
        "count=0",
        "count=25",
        "layout=grid",
        "mode=sepia",
        "rotate_seconds=1",
        "theme=no-such-theme",
        "min_length=500&max_length=100",
    ],
)
@pytest.mark.parametrize("path", ["/embed/quotes", "/embed"])
def test_bad_choices_are_problems(client: TestClient, path: str, query: str) -> None:
    body = assert_problem(client.get(f"{path}?{query}"), 422)
    assert body["instance"] == path


def test_an_unknown_quote_in_the_builder_is_a_404(client: TestClient) -> None:
    assert_problem(client.get("/embed?quote=cgt-2026-q99"), 404)


def test_the_embed_and_the_builder_have_their_own_policies(client: TestClient) -> None:
    embed = client.get("/embed/quotes")
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers
    builder = client.get("/embed").headers
    policy = builder["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert builder["x-frame-options"] == "DENY"


# --- the builder ----------------------------------------------------------------------------


def snippets(client: TestClient, query: str) -> dict[str, str]:
    """The builder's snippets by heading id, unescaped as a reader copies them."""
    doc = page(client, f"/embed?{query}")
    return {
        area.get("aria-labelledby").removesuffix("-heading"): area.text_content()
        for area in doc.xpath("//section[@id='snippets']//textarea")
    }


def attributes(snippet: str, tag: str) -> dict[str, str]:
    """The attributes of the snippet's first `tag` element."""
    element = lxml.html.fragment_fromstring(snippet, create_parent="div").xpath(f"//{tag}")[0]
    return dict(element.attrib)


@pytest.mark.parametrize("layout", ["carousel", "wall", "list"])
@pytest.mark.parametrize(("query", "count"), FILTERS[1:4])
def test_the_builder_s_snippets_serve_the_quotes_it_previews(
    client: TestClient, layout: str, query: str, count: int
) -> None:
    chosen = f"{query}&layout={layout}&count={count}&mode=dark&width=640"
    offered = snippets(client, chosen)
    frame = attributes(offered["iframe"], "iframe")
    assert frame["width"] == "640"
    assert int(frame["height"]) > 100
    src = frame["src"]
    assert src.startswith(urls.embed_quotes())
    served = page(client, src.removeprefix(urls.base_url()))
    expected = listed(client, query, count)
    assert [text for text, _, _ in shown(served)] == [q["text"] for q in expected]
    assert served.xpath("string(/html/@data-theme)") == "dark"
    resize = attributes(offered["iframe"], "script")
    assert resize["src"] == urls.embed_script("resize.js")

    # The widget's attributes are the same filters, one attribute a parameter.
    widget = attributes(offered["widget"], "script")
    asked = parse_qsl(urlsplit(src).query)
    for name, value in asked:
        attribute = "data-theme-mode" if name == "mode" else "data-" + name.replace("_", "-")
        assert value in widget[attribute].split(), (name, widget)
    assert widget["src"] == urls.embed_script("widget.js")

    # oEmbed: the first quote's permalink, and its lookup at the builder's width.
    assert offered["oembed"] == urls.quote(expected[0]["id"])


def test_the_widget_snippet_carries_the_widget_s_integrity_hash(client: TestClient) -> None:
    widget = attributes(snippets(client, "layout=wall")["widget"], "script")
    script = client.get("/embed/v1/widget.js").content
    digest = "sha384-" + base64.b64encode(hashlib.sha384(script).digest()).decode()
    assert widget["integrity"] == digest
    assert widget["crossorigin"] == "anonymous"


def test_one_quote_gets_its_card_sized_for_the_width(client: TestClient) -> None:
    offered = snippets(client, "quote=cgt-2026-q07&width=320")
    frame = attributes(offered["iframe"], "iframe")
    assert frame["src"].startswith(urls.embed("cgt-2026-q07"))
    oembed = client.get(
        "/oembed", params={"url": urls.quote("cgt-2026-q07"), "maxwidth": "320"}
    ).json()
    assert (frame["width"], frame["height"]) == (str(oembed["width"]), str(oembed["height"]))
    assert attributes(offered["widget"], "script")["data-quote"] == "cgt-2026-q07"


def test_the_builder_s_oembed_link_honours_its_width(client: TestClient) -> None:
    doc = page(client, "/embed?layout=single&width=250&theme=fda-pathways")
    (lookup,) = doc.xpath("//div[@class='snippet']//a[contains(@href, '/oembed')]/@href")
    answer = client.get(lookup.removeprefix(urls.base_url())).json()
    assert answer["width"] <= 250
    first = listed(client, "theme=fda-pathways", 1)[0]
    assert answer["author_name"] == first["attribution"]


def test_the_builder_keeps_what_its_form_does_not_show(client: TestClient) -> None:
    doc = page(
        client,
        "/embed?interview=executive-public-payer-association&not_layer=a-bit-deeper&tag=medicaid",
    )
    hidden = {(i.get("name"), i.get("value")) for i in doc.xpath("//form//input[@type='hidden']")}
    assert hidden == {
        ("interview", "executive-public-payer-association"),
        ("not_layer", "a-bit-deeper"),
    }
    assert doc.xpath("//select[@name='tag']/option[@selected]/@value") == ["medicaid"]
    src = attributes(
        snippets(client, "interview=executive-public-payer-association")["iframe"], "iframe"
    )["src"]
    assert ("interview", "executive-public-payer-association") in parse_qsl(urlsplit(src).query)


def test_the_builder_s_form_is_a_plain_get_of_itself(client: TestClient) -> None:
    doc = page(client, "/embed")
    (form,) = doc.xpath("//form[@id='builder']")
    assert form.get("method") == "get"
    assert form.get("action") == urls.embed_builder()
    labelled = {label.get("for") for label in doc.xpath("//form//label")}
    fields = {f.get("id") for f in doc.xpath("//form//select | //form//input[@type!='hidden']")}
    assert fields <= labelled  # every field has its label


def test_snippets_escape_what_they_carry(client: TestClient) -> None:
    offered = snippets(client, "q=" + re.sub(r"\s", "+", '"><script>x</script>'))
    assert "<script>x" not in offered["iframe"]
    widget = attributes(offered["widget"], "script")
    assert widget["data-q"] == '"><script>x</script>'
    assert "&amp;" not in offered["widget"]  # escaped once, not twice
