"""Embeds: the iframe card, the widget script, oEmbed, and the security headers of every class. It
is long because oEmbed's URL matching needs a catalogue of hostile URLs."""

import json
from typing import Any
from urllib.parse import quote, urlencode

import lxml.html
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app import urls
from app.config import get_settings
from app.main import create_app
from tests.helpers.api import ORIGIN, assert_problem, json_at
from tests.helpers.databases import client_for
from tests.helpers.html import JSONLD
from tests.helpers.settings import Configure

BASE = urls.base_url()
PERMALINK = f"{BASE}/quotes/cgt-2026-q01"


def csp(response: Any) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    policy: str = response.headers["content-security-policy"]
    directives = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return {d[0]: (d[1] if len(d) > 1 else "") for d in directives}


# --- the card -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "theme"),
    [("", "auto"), ("?theme=auto", "auto"), ("?theme=light", "light"), ("?theme=dark", "dark")],
)
def test_card_renders_the_quote_in_the_chosen_theme(
    client: TestClient, query: str, theme: str
) -> None:
    expected = json_at(client, "/v1/quotes/cgt-2026-q01")
    response = client.get(f"/embed/quotes/cgt-2026-q01{query}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    doc = lxml.html.document_fromstring(response.text)
    assert doc.get("lang") == "en"
    assert doc.get("data-theme") == theme
    assert doc.xpath("//meta[@name='viewport']/@content") == ["width=device-width, initial-scale=1"]
    assert doc.xpath("string(//blockquote/p)") == expected["text"]
    assert doc.xpath("string(//figcaption/cite)") == expected["attribution"]
    assert expected["theme"]["title"] in doc.xpath("string(//figcaption)")


def test_card_links_back_in_a_new_tab_and_loads_only_its_own_script(client: TestClient) -> None:
    doc = lxml.html.document_fromstring(client.get("/embed/quotes/cgt-2026-q01").text)
    link, *cite = doc.xpath("//a")
    assert link.get("href") == PERMALINK
    # Besides the permalink, only the "Cite" formats, each a citation of this quote.
    assert {a.get("href").split("?")[0] for a in cite} == {
        f"{BASE}/v1/quotes/cgt-2026-q01/citation"
    }
    for each in (link, *cite):
        assert each.get("target") == "_blank"
        assert each.get("rel") == "noopener"
    # One thing loaded, from us: the script that tells the framing page the card's height.
    assert [e.get("src") for e in doc.xpath("//*[@src]")] == [f"{BASE}/embed/v1/frame.js"]
    assert not doc.xpath("//link[@rel='stylesheet']")
    assert [s.get("type") for s in doc.xpath("//script")] == ["application/ld+json", None]


def test_card_jsonld_is_a_quotation(client: TestClient) -> None:
    expected = json_at(client, "/v1/quotes/cgt-2026-q21")
    (block,) = JSONLD.findall(client.get("/embed/quotes/cgt-2026-q21").text)
    assert not set(block) & set("<>&")
    data = json.loads(block)
    assert data["@type"] == "Quotation"
    assert data["text"] == expected["text"]
    assert data["url"] == f"{BASE}/quotes/cgt-2026-q21"


@pytest.mark.parametrize("theme", ["<script>alert(1)</script>", "sepia", "", "LIGHT", "auto "])
def test_card_theme_is_allow_listed(client: TestClient, theme: str) -> None:
    response = client.get("/embed/quotes/cgt-2026-q01", params={"theme": theme})
    body = assert_problem(response, 422)
    assert body["errors"][0]["loc"] == ["query", "theme"]
    assert "<script>" not in response.text


@pytest.mark.parametrize("quote_id", ["<script>alert(1)</script>", '"><img src=x onerror=1>', "x"])
def test_card_of_an_unknown_quote_is_a_404(client: TestClient, quote_id: str) -> None:
    response = client.get(f"/embed/quotes/{quote(quote_id, safe='')}")
    assert_problem(response, 404)
    assert "frame-ancestors" in response.headers["content-security-policy"]


# --- the widget -----------------------------------------------------------------------------


def test_widget_is_cacheable_javascript(client: TestClient) -> None:
    response = client.get("/embed/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/javascript; charset=utf-8"
    assert response.headers["cache-control"].startswith("public, max-age=")
    etag = response.headers["etag"]
    assert client.get("/embed/widget.js", headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize(
    "needle",
    [
        "document.currentScript",
        "new URL(script.src).origin",
        'attachShadow({ mode: "open" })',
        "textContent",
        'rel = "noopener"',
        '"stakeholder-type"',
        '"data-theme-mode"',
        '"data-rotate-seconds"',
        "encodeURIComponent",
    ],
)
def test_widget_builds_its_dom_from_text_in_a_shadow_root(client: TestClient, needle: str) -> None:
    assert needle in client.get("/embed/widget.js").text


@pytest.mark.parametrize(
    "sink",
    ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"],
)
def test_widget_has_no_markup_sinks(client: TestClient, sink: str) -> None:
    assert sink not in client.get("/embed/widget.js").text


# --- oEmbed ---------------------------------------------------------------------------------


def oembed(client: TestClient, url: str, **params: str) -> Any:
    return client.get("/oembed", params={"url": url, "format": "json", **params})


@pytest.mark.parametrize("quote_id", ["cgt-2026-q01", "cgt-2026-q19"])
def test_oembed_of_a_permalink_is_a_rich_iframe(client: TestClient, quote_id: str) -> None:
    expected = json_at(client, f"/v1/quotes/{quote_id}")
    response = oembed(client, f"{BASE}/quotes/{quote_id}")
    assert response.status_code == 200
    body = response.json()
    html = body.pop("html")
    assert body == {
        "version": "1.0",
        "type": "rich",
        "provider_name": "Insights API",
        "provider_url": f"{BASE}/",
        "title": f"{expected['attribution']} on {expected['theme']['title']}",
        "author_name": expected["attribution"],
        "width": 480,
        "height": body["height"],
        "cache_age": get_settings().cache_max_age_s,
    }
    (iframe,) = lxml.html.fragments_fromstring(html)
    assert iframe.tag == "iframe"
    assert iframe.get("src") == f"{BASE}/embed/quotes/{quote_id}"
    assert (iframe.get("width"), iframe.get("height")) == ("480", str(body["height"]))
    assert iframe.get("title")


def test_oembed_honours_maxwidth_and_maxheight(client: TestClient) -> None:
    body = oembed(client, PERMALINK, maxwidth="300", maxheight="200").json()
    assert body["width"] <= 300
    assert body["height"] <= 200
    assert f'width="{body["width"]}" height="{body["height"]}"' in body["html"]
    wide = oembed(client, PERMALINK, maxwidth="5000").json()
    assert wide["width"] == 480


def test_oembed_is_advertised_by_the_permalink_page(client: TestClient) -> None:
    doc = lxml.html.document_fromstring(client.get("/quotes/cgt-2026-q01").text)
    (href,) = doc.xpath("//link[@type='application/json+oembed']/@href")
    assert href == f"{BASE}/oembed?{urlencode({'url': PERMALINK, 'format': 'json'})}"
    assert client.get(href.removeprefix(BASE)).json()["type"] == "rich"


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/quotes/cgt-2026-q01",
        PERMALINK.replace("127.0.0.1", "127.0.0.1.evil.example"),
        PERMALINK.replace("http://", "https://", 1),
        PERMALINK.replace(":8000", ":8001"),
        f"{BASE}@evil.example/quotes/cgt-2026-q01",
        "javascript:alert(1)//127.0.0.1:8000/quotes/cgt-2026-q01",
        "data:text/html,<script>alert(1)</script>",
        f"{BASE}/quotes/nope",
        f"{BASE}/quotes/../v1/quotes/cgt-2026-q01",
        f"{BASE}/quotes/%2e%2e/v1/meta",
        f"{BASE}/quotes/cgt-2026-q01/../../v1/meta",
        f"{BASE}/quotes/cgt-2026-q01?x=1",
        f"{BASE}/quotes/cgt-2026-q01#x",
        f"{BASE}/embed/quotes/cgt-2026-q01",
        f"{BASE}/themes/fda-pathways",
        f"{BASE}/quotes/<script>",
        "",
        "not a url",
        "http://[::1",
    ],
)
def test_oembed_refuses_urls_that_are_not_our_permalinks(client: TestClient, url: str) -> None:
    response = oembed(client, url)
    assert_problem(response, 404)
    assert "<script>" not in response.text


@pytest.mark.parametrize("format_", ["xml", "XML", "html", "<script>"])
def test_oembed_formats_other_than_json_are_501(client: TestClient, format_: str) -> None:
    response = client.get("/oembed", params={"url": PERMALINK, "format": format_})
    body = assert_problem(response, 501)
    assert "<script>" not in body["detail"]


@pytest.mark.parametrize("params", [{"maxwidth": "0"}, {"maxheight": "-3"}, {"maxwidth": "x"}])
def test_oembed_sizes_are_validated(client: TestClient, params: dict[str, str]) -> None:
    assert_problem(oembed(client, PERMALINK, **params), 422)


def test_oembed_needs_a_url(client: TestClient) -> None:
    assert_problem(client.get("/oembed?format=json"), 422)


# --- security headers ---------------------------------------------------------------------------

PREFLIGHT = {"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
# (method, url, request headers, status, class)
RESPONSES = [
    ("GET", "/v1/quotes/cgt-2026-q01", {}, 200, "api"),
    ("GET", "/v1/quotes?limit=0", {}, 422, "api"),
    ("GET", "/v1/nothing-here", {}, 404, "api"),
    ("OPTIONS", "/v1/quotes", PREFLIGHT, 200, "api"),
    ("GET", "/oembed?url=x", {}, 404, "api"),
    ("GET", "/openapi.json", {}, 200, "api"),
    ("GET", "/", {}, 200, "page"),
    ("GET", "/quotes/cgt-2026-q01", {}, 200, "page"),
    ("HEAD", "/themes/fda-pathways", {}, 200, "page"),
    ("GET", "/layers/nope", {}, 404, "page"),
    ("GET", "/embed/quotes/cgt-2026-q01", {}, 200, "embed"),
    ("GET", "/embed/quotes/cgt-2026-q01?theme=x", {}, 422, "embed"),
    ("GET", "/embed/widget.js", {}, 200, "embed"),
    ("GET", "/docs", {}, 200, "docs"),
]
FRAME_ANCESTORS = {"api": "'none'", "page": "'none'", "docs": "'none'", "embed": "*"}


@pytest.mark.parametrize(("method", "url", "headers", "status", "kind"), RESPONSES)
def test_every_response_carries_the_security_headers(
    client: TestClient, method: str, url: str, headers: dict[str, str], status: int, kind: str
) -> None:
    response = client.request(method, url, headers=headers)
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    policy = csp(response)
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == FRAME_ANCESTORS[kind]
    if kind == "embed":
        assert "x-frame-options" not in response.headers
    else:
        assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    ("method", "url", "headers", "kind"), [(m, u, h, k) for m, u, h, _, k in RESPONSES]
)
def test_each_class_gets_only_what_it_needs(
    client: TestClient, method: str, url: str, headers: dict[str, str], kind: str
) -> None:
    policy = csp(client.request(method, url, headers=headers))
    expected: dict[str, dict[str, str]] = {
        "api": {},
        "page": {"style-src": "'unsafe-inline'", "img-src": "'self' data:"},
        "embed": {"script-src": "'self'", "style-src": "'unsafe-inline'", "img-src": "data:"},
        "docs": {
            "script-src": "'self' 'unsafe-inline'",
            "style-src": "'self' 'unsafe-inline'",
            "img-src": "'self' data:",
            "connect-src": "'self'",
        },
    }
    fetches = {k: v for k, v in policy.items() if k.endswith("-src") and k != "default-src"}
    assert fetches == expected[kind]


def test_preflight_keeps_its_cors_headers(client: TestClient) -> None:
    response = client.options("/embed/widget.js", headers=PREFLIGHT)
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_revalidated_responses_keep_the_headers(client: TestClient) -> None:
    for url in ("/v1/layers", "/embed/quotes/cgt-2026-q01"):
        etag = client.get(url).headers["etag"]
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 304
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "content-security-policy" in response.headers


@pytest.fixture
def crashing_client(engine: Engine) -> TestClient:
    """The API with one route that raises an unhandled exception."""
    client = client_for(engine)
    assert isinstance(client.app, FastAPI)

    def crash() -> None:
        raise RuntimeError("boom")

    client.app.add_api_route("/crash", crash)
    return client


def test_unhandled_errors_carry_the_headers_too(crashing_client: TestClient) -> None:
    response = crashing_client.get("/crash")
    assert response.status_code == 500
    assert response.headers["x-content-type-options"] == "nosniff"
    assert csp(response)["frame-ancestors"] == "'none'"


def test_frame_ancestors_of_embeds_come_from_the_settings(configure: Configure) -> None:
    configure(embed_frame_ancestors='["https://a.example", "https://*.b.example"]')
    client = TestClient(create_app())
    assert csp(client.get("/embed/widget.js"))["frame-ancestors"] == (
        "https://a.example https://*.b.example"
    )
    assert csp(client.get("/openapi.json"))["frame-ancestors"] == "'none'"


@pytest.mark.parametrize(
    "sources",
    ['["https://a.example; script-src *"]', '["https://a.example, *"]', '["a b"]', '[""]'],
)
def test_frame_ancestors_that_would_inject_directives_are_refused(
    configure: Configure, sources: str
) -> None:
    configure(embed_frame_ancestors=sources)
    with pytest.raises(ValueError, match="EMBED_FRAME_ANCESTORS"):
        create_app()
