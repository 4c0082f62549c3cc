"""Text for language models on both databases: /llms.txt in the llmstxt.org format with links that
answer, and every quote as Markdown, verbatim, under its report, layer and theme, with its
attribution and permalink (all of them, or one report's)."""

import re

import pytest
from fastapi.testclient import TestClient

from tests.helpers.api import Json, assert_problem, walk_pages

LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def quotes(client: TestClient) -> list[Json]:
    return walk_pages(client, "/v1/quotes?limit=100", max_pages=1)


def text_of(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    return response.text


def test_llms_txt_follows_the_format_and_its_links_answer(client: TestClient) -> None:
    lines = text_of(client, "/llms.txt").split("\n")
    assert lines[0] == "# Insights API"
    assert lines[1] == ""
    assert lines[2].startswith("> ")
    sections = [line for line in lines if line.startswith("## ")]
    assert sections == ["## Reports", "## Iceberg layers", "## API", "## Pages", "## Optional"]
    links = [match for line in lines for match in LINK.findall(line)]
    links += [
        (url, url) for line in lines for url in re.findall(rf"{BASE}/\S+llms-full\.txt", line)
    ]
    assert len(links) > 12
    for _, url in links:
        assert url.startswith(BASE), url
        assert client.get(url.removeprefix(BASE)).status_code == 200, url
    reports = client.get("/v1/reports").json()["items"]
    assert {r["title"] for r in reports} <= {name for name, _ in links}


def blocks(markdown: str) -> list[tuple[str, str, str, str, str]]:
    """(report, layer, theme, quote text, the line after it) of every quoted block, in order."""
    report = layer = theme = ""
    found = []
    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("## "):
            report = line[3:]
        elif line.startswith("### "):
            layer = line[4:]
        elif line.startswith("#### "):
            theme = line[5:]
        elif line.startswith(">") and report:
            quoted = []
            while index < len(lines) and lines[index].startswith(">"):
                quoted.append(lines[index][2:])
                index += 1
            found.append((report, layer, theme, "\n".join(quoted), lines[index + 1]))
        index += 1
    return found


@pytest.mark.parametrize("path", ["/llms-full.txt", "/reports/cgt-insights-2026/llms-full.txt"])
def test_every_quote_is_verbatim_under_its_report_layer_and_theme(
    client: TestClient, quotes: list[Json], path: str
) -> None:
    found = blocks(text_of(client, path))
    assert [(report, layer, theme, text, after) for report, layer, theme, text, after in found] == [
        (
            q["report"]["title"],
            q["layer"]["name"],
            q["theme"]["title"],
            q["text"],
            f"— {q['attribution']}, <{BASE}/quotes/{q['id']}>",
        )
        for q in quotes
    ]


def test_a_report_without_quotes_has_none(client: TestClient) -> None:
    assert blocks(text_of(client, "/reports/cgt-press-release-2026/llms-full.txt")) == []


def test_an_unknown_report_is_a_404(client: TestClient) -> None:
    assert_problem(client.get("/reports/nope/llms-full.txt"), 404)


def quote_block(quote: Json) -> str:
    quoted = "\n".join(f"> {line}" if line else ">" for line in quote["text"].split("\n"))
    return f"{quoted}\n\n— {quote['attribution']}, <{BASE}/quotes/{quote['id']}>\n"


def markdown_of(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    return response.text


def test_every_quote_page_has_its_markdown_version(client: TestClient, quotes: list[Json]) -> None:
    for quote in quotes:
        markdown = markdown_of(client, f"/quotes/{quote['id']}.md")
        assert markdown.startswith(f"# {quote['attribution']} on {quote['theme']['title']}\n")
        assert quote_block(quote) in markdown
        assert f"- Permalink: <{BASE}/quotes/{quote['id']}>" in markdown


@pytest.mark.parametrize("kind", ["themes", "layers"])
def test_theme_and_layer_pages_have_markdown_versions_with_their_quotes(
    client: TestClient, quotes: list[Json], kind: str
) -> None:
    field = "theme" if kind == "themes" else "layer"
    for item in client.get(f"/v1/{kind}").json()["items"]:
        markdown = markdown_of(client, f"/{kind}/{item['id']}.md")
        own = [q for q in quotes if q[field]["id"] == item["id"]]
        assert own
        assert [quote_block(q) for q in own if quote_block(q) in markdown] == [
            quote_block(q) for q in own
        ]
        for _, url in LINK.findall(markdown):
            assert client.get(url.removeprefix(BASE)).status_code == 200, url


@pytest.mark.parametrize(
    ("page", "markdown"),
    [
        ("/", "/index.md"),
        ("/reports/cgt-insights-2026", "/reports/cgt-insights-2026.md"),
        ("/quotes/cgt-2026-q07", "/quotes/cgt-2026-q07.md"),
        ("/themes/fda-pathways", "/themes/fda-pathways.md"),
        ("/layers/a-bit-deeper", "/layers/a-bit-deeper.md"),
    ],
)
def test_each_page_links_its_markdown_version(client: TestClient, page: str, markdown: str) -> None:
    html = client.get(page).text
    link = re.search(r'<link rel="alternate" type="text/markdown" href="([^"]+)"', html)
    assert link is not None
    assert link[1] == f"{BASE}{markdown}"
    markdown_of(client, markdown)


@pytest.mark.parametrize("path", ["/index.md", "/reports/cgt-insights-2026.md"])
def test_the_home_and_report_markdown_list_every_layer_and_theme(
    client: TestClient, path: str
) -> None:
    markdown = markdown_of(client, path)
    report = client.get("/v1/reports/cgt-insights-2026").json()
    assert markdown.startswith(f"# {report['title']}\n")
    linked = {url: name for name, url in LINK.findall(markdown)}
    for theme in report["themes"]:
        assert linked[f"{BASE}/themes/{theme['id']}"] == theme["title"]
    for layer in report["layers"]:
        assert linked[f"{BASE}/layers/{layer['layer']['id']}"] == layer["layer"]["name"]
    for url in linked:
        assert client.get(url.removeprefix(BASE)).status_code == 200, url
    assert markdown.rstrip().endswith(report["credit"])


@pytest.mark.parametrize(
    "path", ["/quotes/nope.md", "/themes/nope.md", "/layers/nope.md", "/reports/nope.md"]
)
def test_unknown_markdown_pages_are_404_problems(client: TestClient, path: str) -> None:
    assert_problem(client.get(path), 404)
