"""A real browser: a partner page on another origin shows the widget and an embedded card; our
pages run clean under their CSP, pass axe-core at a desktop and a phone width, and the explorer
works with the keyboard alone. Long because one Chromium serves every browser test of the run,
so they all live here.

The API runs under uvicorn in a subprocess over a seeded SQLite file; the partner page is served
from a second port (another origin) with its own strict CSP; headless Chromium (Debian's, driven
by Playwright) loads it. Every wait is bounded, so a hang fails in seconds.
"""

import html
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

import pytest
from oembedpy import consumer, discovery
from oembedpy.types import Rich
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Error,
    Page,
    Response,
    expect,
    sync_playwright,
)

from app.config import PROJECT_ROOT
from bench.server import free_port
from tests.helpers.ci import skip_or_fail
from tests.helpers.databases import seeded_engine

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_S = 15
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"
# Reports CSP violations of every frame (the init script runs in each) to the console.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
  console.error("CSP violation: " + event.violatedDirective + " " + event.blockedURI);
});
"""

if not CHROMIUM.exists():
    skip_or_fail(f"{CHROMIUM} is missing: install Debian's chromium", allow_module_level=True)


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API under uvicorn on a free port, over a seeded SQLite file."""
    database = tmp_path_factory.mktemp("browser") / "insights.db"
    seeded_engine(f"sqlite:///{database}").dispose()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "BASE_URL": base}
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "app.main:app", "--log-level", "warning"),
            *("--host", "127.0.0.1", "--port", str(port)),
        ],
        cwd=PROJECT_ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            assert server.poll() is None, "uvicorn exited before it was ready"
            try:
                get_json(f"{base}/readyz")
                break
            except OSError:
                assert time.monotonic() < deadline, f"{base}/readyz did not answer"
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def partner_html(api: str) -> str:
    """A partner's page: strict CSP of its own, hostile CSS, our widget and our card (sized as
    our oEmbed suggests)."""
    size = get_json(f"{api}/oembed?url={api}/quotes/cgt-2026-q01&format=json")
    policy = (
        f"default-src 'none'; script-src {api}; connect-src {api}; frame-src {api}; "
        "style-src 'unsafe-inline'"
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<title>Partner page</title>
<style>
  /* A partner's stylesheet that would wreck any widget it could reach. */
  body {{ font-family: Georgia, serif; background: #fffbe6; margin: 2rem; }}
  p, blockquote, figure, cite, a {{ color: red !important; font-size: 9px !important; }}
  * {{ text-transform: uppercase; letter-spacing: 3px; }}
</style>
</head>
<body>
<h1>Partner page</h1>
<p>Voices of patient advocates:</p>
<script src="{api}/embed/widget.js" data-stakeholder-type="patient-advocate"></script>
<p>One quote in dark mode:</p>
<script src="{api}/embed/widget.js" data-quote="cgt-2026-q07" data-theme-mode="dark"></script>
<p>Rotating quotes from one layer:</p>
<script src="{api}/embed/widget.js" data-layer="a-bit-deeper" data-rotate-seconds="5"
  data-theme-mode="light"></script>
<p>An embedded card:</p>
<iframe src="{api}/embed/quotes/cgt-2026-q01" width="{size["width"]}" height="{size["height"]}"
  title="A quote from the Insights API"></iframe>
</body>
</html>"""


# The quotes the phone page frames: the shortest, a long one and the longest.
PHONE_QUOTES = ("cgt-2026-q07", "cgt-2026-q21", "cgt-2026-q40")


def phone_html(api: str) -> str:
    """A partner's page under a CSP with no inline style at all, framing cards with the
    snippet our quote pages give: as wide as the page, fitted by resize.js."""
    policy = f"default-src 'none'; script-src {api}; frame-src {api}; style-src 'self'"
    frames = "\n".join(
        f'<iframe src="{api}/embed/quotes/{quote_id}" width="100%" height="200" '
        f'title="Quote {quote_id}" frameborder="0"></iframe>'
        for quote_id in PHONE_QUOTES
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<title>Partner page on a phone</title>
</head>
<body>
<h1>Quotes</h1>
{frames}
<script src="{api}/embed/v1/resize.js" async></script>
</body>
</html>"""


LAYERS = ("tip-of-the-iceberg", "below-the-surface", "a-bit-deeper", "the-fundamentals")
LAYOUTS = ("single", "carousel", "wall", "list")
# A partner's page under a CSP with no inline style: every layout of every layer's quotes.
STRICT = (
    "default-src 'none'; script-src {api}; connect-src {api}; frame-src {api}; style-src 'self'"
)


def strict_page(api: str, title: str, body: str) -> str:
    """A partner's phone-ready page under STRICT, holding `body`."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{STRICT.format(api=api)}">
<title>{title}</title>
</head>
<body>
{body}
</body>
</html>"""


def layout_frames(api: str) -> list[tuple[str, str]]:
    """(layout, src) of every frame of the layouts page: each quote's own card (`single`), and
    each layer's quotes (no layer has more than 24) in every other layout."""
    quotes = get_json(f"{api}/v1/quotes?limit=100")["items"]
    singles = [("single", f"{api}/embed/quotes/{quote['id']}") for quote in quotes]
    return singles + [
        (layout, f"{api}/embed/quotes?layer={layer}&layout={layout}&count=24")
        for layout in LAYOUTS
        if layout != "single"
        for layer in LAYERS
    ]


def layouts_html(api: str) -> str:
    """Every quote in every layout, framed with the builder's snippet: as wide as the page, a
    placeholder height that resize.js fits."""
    frames = "\n".join(
        f'<iframe src="{html.escape(src)}" width="100%" height="150" title="{layout} {n}" '
        f'data-layout="{layout}" frameborder="0"></iframe>'
        for n, (layout, src) in enumerate(layout_frames(api))
    )
    return strict_page(
        api,
        "Partner page of layouts",
        f"<h1>Quotes in every layout</h1>\n{frames}\n"
        f'<script src="{api}/embed/v1/resize.js" async></script>',
    )


def card_sizes(api: str, bounds: str) -> list[tuple[str, dict[str, Any]]]:
    """(quote id, oEmbed answer) for every quote, under the oEmbed `bounds` (a query string)."""
    quotes = get_json(f"{api}/v1/quotes?limit=100")["items"]
    return [
        (quote["id"], get_json(f"{api}/oembed?url={api}/quotes/{quote['id']}&{bounds}"))
        for quote in quotes
    ]


def cards_html(api: str, bounds: str) -> str:
    """A partner's page holding every quote's card as oEmbed gives it under `bounds`, each frame
    loaded at once rather than lazily, so that all of them can be measured."""
    frames = "\n".join(
        size["html"].replace(' loading="lazy"', "") for _, size in card_sizes(api, bounds)
    )
    return f"<!DOCTYPE html><html><head><title>Cards</title></head><body>{frames}</body></html>"


def discovered(api: str, quote_id: str) -> Rich:
    """What an oEmbed consumer (oembedpy) finds for a quote's permalink, at most 320 px wide."""
    endpoint, params = discovery.find_from_content(f"{api}/quotes/{quote_id}")
    params.max_width = 320
    content = consumer.fetch_content(endpoint, params)
    assert isinstance(content, Rich)
    assert content.width <= 320
    return content


def widgets_html(api: str) -> str:
    """The widget's layouts, the wall far below the fold."""
    body = f"""<h1>Widgets</h1>
<script src="{api}/embed/v1/widget.js" data-layout="list" data-count="3"
  data-stakeholder-type="patient-advocate" data-not-tag="medicaid" async></script>
<script src="{api}/embed/v1/widget.js" data-layout="carousel" data-count="4"
  data-layer="the-fundamentals" data-rotate-seconds="5" async></script>
{"<p>A long article goes on.</p>" * 150}
<script src="{api}/embed/v1/widget.js" data-layout="wall" data-count="14"
  data-not-layer="tip-of-the-iceberg" data-theme-mode="dark" async></script>
"""
    return strict_page(api, "Partner page of widgets", body)


@pytest.fixture(scope="module")
def partner_url(api_url: str) -> Iterator[str]:
    """A partner page on a different origin (another port). Each path of `bodies` is another
    page; `/cards.html?<oEmbed bounds>` holds every quote's card at those bounds."""
    bodies = {
        "/phone.html": phone_html(api_url).encode(),
        "/layouts.html": layouts_html(api_url).encode(),
        "/widgets.html": widgets_html(api_url).encode(),
        # A consumer's page holding the HTML oEmbed gave it.
        **{
            f"/consumer-{quote_id}.html": f"<!DOCTYPE html><html><body>"
            f"{discovered(api_url, quote_id).html}</body></html>".encode()
            for quote_id in PHONE_QUOTES
        },
    }
    default = partner_html(api_url).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            if path == "/cards.html":
                body = cards_html(api_url, query).encode()
            else:
                body = bodies.get(self.path, default)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/partner.html"
    server.shutdown()
    server.server_close()
    thread.join(timeout=TIMEOUT_S)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for every browser test of the session."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=TIMEOUT_S * 1000
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def browser_page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A fresh headless Chromium page, and the console errors and page errors it collects."""
    with watched_page(browser, 900, 1200) as watched:
        yield watched


@contextmanager
def watched_page(browser: Browser, width: int, height: int) -> Iterator[tuple[Page, list[str]]]:
    """A page of a fresh context at `width` × `height` that reports CSP violations, and the
    console errors, page errors and HTTP errors it collects."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_S * 1000)
    context.set_default_navigation_timeout(TIMEOUT_S * 1000)
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def on_page_error(error: Error) -> None:
        problems.append(f"page error: {error}")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", on_page_error)
    try:
        yield page, problems
    finally:
        context.close()


def test_partner_page_shows_the_widget_and_the_card(
    api_url: str, partner_url: str, browser_page: tuple[Page, list[str]]
) -> None:
    page, problems = browser_page
    advocates = get_json(f"{api_url}/v1/quotes?stakeholder_type=patient-advocate&limit=100")
    by_text = {quote["text"]: quote for quote in advocates["items"]}
    q01 = get_json(f"{api_url}/v1/quotes/cgt-2026-q01")
    q07 = get_json(f"{api_url}/v1/quotes/cgt-2026-q07")
    layer = get_json(f"{api_url}/v1/quotes?layer=a-bit-deeper&limit=100")
    deeper = {quote["text"] for quote in layer["items"]}

    page.goto(partner_url, wait_until="load")
    widgets = page.locator("insights-quote")
    expect(widgets).to_have_count(3)

    # Playwright's locators pierce the widgets' open shadow roots.
    first = widgets.nth(0)
    text = first.locator(".text")
    expect(first.locator("cite")).to_be_visible()
    shown = text.inner_text()
    assert shown in by_text, shown
    expect(first.locator("cite")).to_have_text(by_text[shown]["attribution"])
    link = first.locator("a")
    expect(link).to_have_attribute("href", f"{api_url}/quotes/{by_text[shown]['id']}")
    expect(link).to_have_attribute("rel", "noopener")

    second = widgets.nth(1)
    expect(second.locator(".text")).to_have_text(q07["text"])
    expect(second.locator("cite")).to_have_text(q07["attribution"])

    # The partner's CSS does not reach into the shadow root.
    style = text.evaluate("el => [getComputedStyle(el).color, getComputedStyle(el).textTransform]")
    assert style != ["rgb(255, 0, 0)", "uppercase"]
    assert style[1] == "none"
    dark = second.locator(".card").evaluate("el => getComputedStyle(el).backgroundColor")
    assert dark == "rgb(17, 24, 31)"

    # The rotating widget moves on to another quote of its layer, and can be paused.
    third = widgets.nth(2)
    expect(third.get_by_role("button", name="Pause quotes")).to_be_visible()
    before = third.locator(".text").inner_text()
    assert before in deeper
    expect(third.locator(".text")).not_to_have_text(before, timeout=TIMEOUT_S * 1000)
    assert third.locator(".text").inner_text() in deeper
    third.get_by_role("button", name="Pause quotes").click()
    expect(third.get_by_role("button", name="Play quotes")).to_be_visible()

    card = page.frame_locator("iframe").locator("blockquote p")
    expect(card).to_have_text(q01["text"])
    expect(page.frame_locator("iframe").locator("cite")).to_have_text(q01["attribution"])

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "partner-page.png"), full_page=True)
    assert page.evaluate("window.__violations") == []
    assert problems == []


@pytest.mark.parametrize(
    ("path", "shot"),
    [
        ("/", "iceberg.png"),
        ("/quotes/cgt-2026-q19", "quote-page.png"),
        ("/layers/a-bit-deeper?cursor=35.cgt-2026-q35", "layer-page-later.png"),
        ("/embed/quotes/cgt-2026-q21?theme=dark", "embed-dark.png"),
        ("/docs", "docs.png"),
    ],
)
def test_our_pages_run_clean_under_their_own_csp(
    api_url: str, browser_page: tuple[Page, list[str]], path: str, shot: str
) -> None:
    page, problems = browser_page
    problems.clear()
    response = page.goto(f"{api_url}{path}", wait_until="load")
    assert response is not None
    assert response.status == 200
    assert "content-security-policy" in response.headers
    if path == "/docs":
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("Insights API")
    else:
        expect(page.locator("h1, blockquote").first).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    assert page.evaluate("window.__violations") == []
    assert problems == []


# --- cards that fit: every quote at every oEmbed size, and fluid frames on a phone ------------

# (maxwidth, maxheight) an oEmbed consumer may ask for; None: not given.
OEMBED_SIZES = [
    (None, None),
    (320, None),
    (250, None),
    (560, 200),
    (300, 150),
    (180, 110),
    (130, 160),
]
# How far a card's content reaches, below the top of its frame.
NEEDED_HEIGHT = """() => {
  const figure = document.querySelector("figure"), style = getComputedStyle(figure);
  const bottom = figure.lastElementChild.getBoundingClientRect().bottom + window.scrollY;
  return bottom + parseFloat(style.paddingBottom) + parseFloat(style.borderBottomWidth);
}"""

# A frame's viewport, how far its card reaches, how wide its page is, where the attribution ends.
FRAME_MEASURES = f"""() => [
  innerWidth, innerHeight, ({NEEDED_HEIGHT})(), document.documentElement.scrollWidth,
  document.querySelector("cite").getBoundingClientRect().bottom,
]"""


@pytest.mark.parametrize(("max_width", "max_height"), OEMBED_SIZES)
def test_every_card_fits_the_size_oembed_reports(
    api_url: str,
    partner_url: str,
    browser: Browser,
    max_width: int | None,
    max_height: int | None,
) -> None:
    """A partner page holds every quote's card as oEmbed gave it: each frame's viewport is the
    size oEmbed reported, and the card must fit it."""
    bounds = urllib.parse.urlencode(
        {
            name: value
            for name, value in (("maxwidth", max_width), ("maxheight", max_height))
            if value
        }
    )
    quotes, sizes = zip(*card_sizes(api_url, bounds), strict=True)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_S * 1000)
    page = context.new_page()
    overflowing = []
    try:
        page.goto(partner_url.replace("/partner.html", f"/cards.html?{bounds}"), wait_until="load")
        frames = page.locator("iframe")
        expect(frames).to_have_count(len(quotes))
        for index, (quote_id, size) in enumerate(zip(quotes, sizes, strict=True)):
            frame = frames.nth(index).element_handle().content_frame()
            assert frame is not None
            assert frame.url.startswith(f"{api_url}/embed/quotes/{quote_id}")
            width, height, needed, wide, cite_bottom = frame.evaluate(FRAME_MEASURES)
            assert (width, height) == (size["width"], size["height"])
            if needed > height + 1 or wide > width or cite_bottom > height:
                overflowing.append((quote_id, size["width"], size["height"], round(needed)))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"cards-{max_width}x{max_height}.png"), full_page=True)
    finally:
        context.close()
    assert overflowing == []


def test_fluid_frames_fit_their_cards_on_a_phone(partner_url: str, browser: Browser) -> None:
    with watched_page(browser, 390, 844) as (page, errors):
        page.goto(partner_url.replace("/partner.html", "/phone.html"), wait_until="load")
        frames = page.locator("iframe")
        expect(frames).to_have_count(len(PHONE_QUOTES))
        for index in range(len(PHONE_QUOTES)):
            frame = frames.nth(index)
            inner = page.frame_locator("iframe").nth(index).locator("figure")
            expect(inner.locator("cite")).to_be_visible()
            # resize.js sets the height the card asked for: wait until the frame holds it all.
            page.wait_for_function(
                '(i) => document.getElementsByTagName("iframe")[i].getAttribute("height") '
                '!== "200"',
                arg=index,
            )
            box = frame.bounding_box()
            assert box is not None
            assert box["width"] <= 390
            content = frame.element_handle().content_frame()
            assert content is not None
            needed = content.evaluate(NEEDED_HEIGHT)
            assert abs(box["height"] - needed) <= 2, (PHONE_QUOTES[index], box, needed)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "partner-phone.png"), full_page=True)
        assert page.evaluate("window.__violations") == []
        assert errors == []


# --- accessibility: axe-core at a desktop and a phone width -----------------------------------

AXE = PROJECT_ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": 1280, "phone": 390}
# What axe-core must not find: its two gravest impacts.
GRAVE = ("serious", "critical")


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        skip_or_fail(f"{AXE} is missing: run `make test` (npm ci --prefix tests/browser)")
    return AXE.read_text("utf-8")


@pytest.fixture(scope="module", params=list(WIDTHS))
def axe_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[Page, str]]:
    """A page at one width whose CSP lets the test inject axe-core (the site's own never could)."""
    width = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    context.set_default_timeout(TIMEOUT_S * 1000)
    try:
        yield context.new_page(), request.param
    finally:
        context.close()


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/", "home"),
        ("/explore", "explore"),
        (
            "/explore?q=access&stakeholder_type=payer&not_layer=tip-of-the-iceberg",
            "explore-narrowed",
        ),
        ("/quotes/cgt-2026-q07", "permalink"),
        ("/embed?layout=wall&count=6&not_theme=fda-pathways", "builder"),
        *((f"/embed/quotes?layout={layout}&count=6", f"embed-{layout}") for layout in LAYOUTS),
        ("/embed/quotes/cgt-2026-q40?theme=dark", "embed-card"),
    ],
)
def test_pages_have_no_serious_accessibility_violation(
    api_url: str, axe_page: tuple[Page, str], axe_source: str, path: str, name: str
) -> None:
    page, width = axe_page
    response = page.goto(f"{api_url}{path}", wait_until="load")
    assert response is not None
    assert response.status == 200
    page.add_script_tag(content=axe_source)
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    assert [v for v in violations if v["impact"] in GRAVE] == []
    # Nothing makes the page itself scroll sideways (a wide heatmap scrolls in its own frame).
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]


def test_the_iceberg_s_labels_stay_readable_at_every_width(
    api_url: str, axe_page: tuple[Page, str]
) -> None:
    """Each label's size as drawn: its font size times the drawing's scale on the screen."""
    page, _ = axe_page
    page.goto(f"{api_url}/", wait_until="load")
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('svg.iceberg text')]"
        ".filter(t => getComputedStyle(t).display !== 'none')"
        ".map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a])"
    )
    assert len(drawn) >= 8  # a name and a count per layer
    assert [label for label, size in drawn if size < 12] == []


def test_the_explorer_is_used_with_the_keyboard_alone(
    api_url: str, axe_page: tuple[Page, str]
) -> None:
    """Search by typing and Enter, then narrow by tabbing to a facet link and pressing Enter."""
    page, _ = axe_page
    page.goto(f"{api_url}/explore", wait_until="load")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip"
    page.focus("#q")
    page.keyboard.type("access")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=access" in page.url
    link = page.locator("[aria-labelledby='facet-layer'] li a").first
    link.focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused link shows where the focus is"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "layer=" in page.url
    expect(page.locator("ol.results figure").first).to_be_visible()


# --- layouts: every quote in every layout, the widget's lazy wall, the carousel, the builder ---

# Inside a collection's frame: the height of its content, and what is wrong with how it shows.
COLLECTION_STATE = """() => {
  const main = document.querySelector("main");
  const slides = [...document.querySelectorAll(".cards > li")];
  const clipped = slides.filter(li => li.scrollHeight > li.clientHeight + 1).map(li => li.id);
  return {
    needed: main.getBoundingClientRect().height,
    wide: document.documentElement.scrollWidth,
    texts: [...document.querySelectorAll("blockquote p")].map(p => p.textContent),
    clipped: clipped,
  };
}"""


@pytest.mark.parametrize("width", list(WIDTHS.values()), ids=list(WIDTHS))
def test_every_quote_fits_every_layout_on_a_partner_page(
    api_url: str, partner_url: str, browser: Browser, width: int
) -> None:
    texts = {quote["text"] for quote in get_json(f"{api_url}/v1/quotes?limit=100")["items"]}
    with watched_page(browser, width, 900) as (page, errors):
        page.goto(partner_url.replace("/partner.html", "/layouts.html"), wait_until="load")
        frames = page.locator("iframe")
        count = len(layout_frames(api_url))
        expect(frames).to_have_count(count)
        page.wait_for_function(
            '() => [...document.getElementsByTagName("iframe")]'
            '.every(f => f.getAttribute("height") !== "150")'
        )
        shown: dict[str, set[str]] = {layout: set() for layout in LAYOUTS}
        wrong: list[tuple[Any, ...]] = []
        for index in range(count):
            layout = frames.nth(index).get_attribute("data-layout") or ""
            content = frames.nth(index).element_handle().content_frame()
            assert content is not None
            state = content.evaluate(COLLECTION_STATE)
            if layout == "single":
                state["needed"] = content.evaluate(NEEDED_HEIGHT)
            box = frames.nth(index).bounding_box()
            assert box is not None
            shown[layout].update(state["texts"])
            if abs(box["height"] - state["needed"]) > 2 or state["wide"] > box["width"] + 1:
                wrong.append((layout, index, box, state["needed"], state["wide"]))
            if state["clipped"]:
                wrong.append((layout, index, "clipped", state["clipped"]))
        assert wrong == []
        assert {layout: texts - seen for layout, seen in shown.items()} == {
            layout: set() for layout in LAYOUTS
        }
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"layouts-{width}.png"), full_page=True)
        assert page.evaluate("window.__violations") == []
        assert errors == []


def test_the_widget_s_layouts_load_cards_below_the_fold_as_they_come_into_view(
    api_url: str, partner_url: str, browser: Browser
) -> None:
    listed = get_json(
        f"{api_url}/v1/quotes?stakeholder_type=patient-advocate&not_tag=medicaid&limit=3"
    )["items"]
    walled = get_json(f"{api_url}/v1/quotes?not_layer=tip-of-the-iceberg&limit=14")["items"]
    with watched_page(browser, 390, 844) as (page, errors):
        page.goto(partner_url.replace("/partner.html", "/widgets.html"), wait_until="load")
        widgets = page.locator("insights-quote")
        expect(widgets).to_have_count(3)
        the_list, carousel, wall = widgets.nth(0), widgets.nth(1), widgets.nth(2)
        expect(the_list.locator(".item .text")).to_have_text([q["text"] for q in listed])
        expect(carousel.get_by_role("button", name="Pause quotes")).to_be_visible()
        # The wall is far below the fold: its first chunk, and no more until it is near.
        expect(wall.locator(".item")).to_have_count(6)
        page.wait_for_timeout(300)
        expect(wall.locator(".item")).to_have_count(6)
        wall.locator(".item").last.scroll_into_view_if_needed()
        expect(wall.locator(".item")).to_have_count(12)
        wall.locator(".item").last.scroll_into_view_if_needed()
        expect(wall.locator(".item .text")).to_have_text([q["text"] for q in walled])
        expect(wall.locator(".item cite")).to_have_text([q["attribution"] for q in walled])
        background = wall.locator(".card").first.evaluate(
            "el => getComputedStyle(el).backgroundColor"
        )
        assert background == "rgb(17, 24, 31)"  # data-theme-mode="dark"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "widgets-390.png"), full_page=True)
        assert page.evaluate("window.__violations") == []
        assert errors == []


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_the_carousel_rotates_pauses_and_stays_still_for_reduced_motion(
    api_url: str, browser: Browser, motion: Literal["no-preference", "reduce"]
) -> None:
    context = browser.new_context(viewport={"width": 600, "height": 600}, reduced_motion=motion)
    context.set_default_timeout(TIMEOUT_S * 1000)
    page = context.new_page()
    try:
        page.goto(
            f"{api_url}/embed/quotes?layout=carousel&layer=the-fundamentals&count=4"
            "&rotate_seconds=5",
            wait_until="load",
        )
        position = page.locator("#position")
        expect(position).to_have_text("1 of 4")
        if motion == "reduce":
            expect(page.get_by_role("button", name="Play quotes")).to_be_visible()
            page.wait_for_timeout(5_600)
            expect(position).to_have_text("1 of 4")  # still, until the reader asks
            page.get_by_role("button", name="Next").click()
            expect(position).to_have_text("2 of 4")
        else:
            expect(position).to_have_text("2 of 4", timeout=8_000)
            page.get_by_role("button", name="Pause quotes").click()
            expect(page.get_by_role("button", name="Play quotes")).to_be_visible()
            page.wait_for_timeout(5_600)
            expect(position).to_have_text("2 of 4")
    finally:
        context.close()


def test_the_builder_refreshes_its_preview_without_a_reload(api_url: str, browser: Browser) -> None:
    with watched_page(browser, 1280, 900) as (page, problems):
        page.goto(f"{api_url}/embed?layout=wall&count=4", wait_until="load")
        page.evaluate("window.__same_document = true")
        page.locator("#f-layout").select_option("list")
        page.locator("#f-theme").select_option("fda-pathways")
        expect(page.locator(".preview iframe")).to_have_attribute(
            "src", re.compile(r"theme=fda-pathways.*layout=list")
        )
        expect(page).to_have_url(re.compile(r"layout=list"))
        assert page.evaluate("window.__same_document") is True  # no reload
        snippet = page.locator("#snippets textarea").first.input_value()
        assert "theme=fda-pathways" in snippet
        assert "resize.js" in snippet
        frame = page.frame_locator(".preview iframe")
        expect(frame.locator("cite").first).to_be_visible()
        assert page.evaluate("window.__violations") == []
        assert problems == []


def test_an_oembed_consumer_discovers_a_card_that_fits_at_320_px(
    api_url: str, partner_url: str, browser: Browser
) -> None:
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_S * 1000)
    page = context.new_page()
    try:
        for quote_id in PHONE_QUOTES:
            content = discovered(api_url, quote_id)
            page.set_viewport_size({"width": content.width, "height": content.height})
            page.goto(partner_url.replace("/partner.html", f"/consumer-{quote_id}.html"))
            card = page.frame_locator("iframe")
            expect(card.locator("cite")).to_be_visible()
            inner = page.locator("iframe").element_handle().content_frame()
            assert inner is not None
            assert inner.evaluate(NEEDED_HEIGHT) <= content.height + 1, quote_id
            assert inner.evaluate("document.documentElement.scrollWidth") <= content.width
    finally:
        context.close()
