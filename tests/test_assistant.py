"""The MCP server, through the official SDK's own client, on SQLite and PostgreSQL: every tool
listed read-only and described, each answering what the REST API answers for the same filters,
the hostile catalogue refused as tool errors, and the same tools over stdio.
"""

import json
import os
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote as percent_encoded

import pytest
from fastapi.testclient import TestClient
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from sqlalchemy import Engine

from tests.helpers.api import json_at, walk_pages
from tests.helpers.assistant import call, with_client
from tests.helpers.hostile import SEARCH_SYNTAX, STRINGS

TOOLS = {
    "search_quotes",
    "get_quote",
    "verify_quote",
    "list_reports",
    "list_themes",
    "list_stakeholder_types",
    "count_quotes",
    "cite_quote",
}
# Filters as the REST API's query strings and as the tools' arguments.
FILTER_CASES: list[tuple[str, dict[str, Any]]] = [
    ("q=Medicaid", {"q": "Medicaid"}),
    ("q=gene therapy&sort=rank", {"q": "gene therapy", "sort": "rank"}),
    (
        "stakeholder_type=payer&not_layer=tip-of-the-iceberg",
        {"stakeholder_type": ["payer"], "not_layer": ["tip-of-the-iceberg"]},
    ),
    ("tag=medicaid&tag=cmmi", {"tag": ["medicaid", "cmmi"]}),
    (
        "min_length=300&max_length=500&sort=-length",
        {"min_length": 300, "max_length": 500, "sort": "-length"},
    ),
    (
        "layer=the-fundamentals&not_tag=medicaid",
        {"layer": ["the-fundamentals"], "not_tag": ["medicaid"]},
    ),
]


def test_every_tool_is_listed_read_only_with_its_descriptions(client: TestClient) -> None:
    listed = with_client(client, lambda mcp: mcp.list_tools())
    assert {tool.name for tool in listed.tools} == TOOLS
    for tool in listed.tools:
        assert tool.annotations is not None, tool.name
        assert tool.annotations.read_only_hint is True, tool.name
        assert tool.annotations.destructive_hint is False
        assert len(tool.description or "") > 40, tool.name
        assert tool.output_schema is not None, tool.name
        for name, schema in tool.input_schema.get("properties", {}).items():
            assert schema.get("description"), f"{tool.name}.{name} is not described"


@pytest.mark.parametrize(("query", "arguments"), FILTER_CASES)
def test_search_quotes_pages_as_the_quote_list_does(
    client: TestClient, query: str, arguments: dict[str, Any]
) -> None:
    expected = walk_pages(client, f"/v1/quotes?{query}&limit=7", max_pages=20)

    async def every_page(mcp: Client) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        for _ in range(20):
            error, page = await call(
                mcp, "search_quotes", {**arguments, "limit": 7, "cursor": cursor}
            )
            assert not error, page
            items += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return items
        raise AssertionError("more pages than the REST list has")

    found = with_client(client, every_page)
    assert [q["id"] for q in found] == [q["id"] for q in expected]
    for quote, rest in zip(found, expected, strict=True):
        assert {k: v for k, v in quote.items() if k not in ("permalink", "credit")} == rest
        assert quote["permalink"].endswith(f"/quotes/{quote['id']}")
        assert quote["credit"].startswith("Source: Alliance for Health Policy")


def test_get_quote_answers_every_quote_as_the_api_does(client: TestClient) -> None:
    quotes = walk_pages(client, "/v1/quotes?limit=100", max_pages=5)
    assert len(quotes) == 62

    async def each(mcp: Client) -> list[Any]:
        return [await call(mcp, "get_quote", {"quote_id": q["id"]}) for q in quotes]

    for (error, got), rest in zip(with_client(client, each), quotes, strict=True):
        assert not error
        assert {k: v for k, v in got.items() if k not in ("permalink", "credit")} == rest


def test_verify_quote_finds_every_quote_whole_and_every_paraphrase_close(
    client: TestClient,
) -> None:
    quotes = walk_pages(client, "/v1/quotes?limit=100", max_pages=5)

    async def each(mcp: Client) -> list[tuple[Any, Any]]:
        answers = []
        for quote in quotes:
            whole = await call(mcp, "verify_quote", {"text": f"“{quote['text']}”"})
            paraphrase = await call(mcp, "verify_quote", {"text": _paraphrase(quote["text"])})
            answers.append((whole, paraphrase))
        return answers

    for quote, ((error, whole), (_, paraphrase)) in zip(
        quotes, with_client(client, each), strict=True
    ):
        assert not error, whole
        assert whole["verdict"] == "verbatim"
        assert (quote["id"], True) in [(m["quote"]["id"], m["whole"]) for m in whole["matches"]]
        assert paraphrase["verdict"] == "not_verbatim", quote["id"]
        assert paraphrase["closest"][0]["quote"]["id"] == quote["id"]
        assert paraphrase["closest"][0]["quote"]["text"] == quote["text"]
        assert paraphrase["closest"][0]["differences"]
        rest = json_at(client, f"/v1/quotes/verify?text={_encoded(_paraphrase(quote['text']))}")
        assert rest == paraphrase


@pytest.mark.parametrize("style", ["apa", "chicago-author-date", "mla", "bibtex", "ris"])
def test_cite_quote_cites_every_quote_as_the_citation_endpoint_does(
    client: TestClient, style: str
) -> None:
    quotes = walk_pages(client, "/v1/quotes?limit=100", max_pages=5)
    if style != "apa":  # APA for every quote; the other formats for every tenth (suite time)
        quotes = quotes[::10]

    async def each(mcp: Client) -> list[Any]:
        return [
            await call(mcp, "cite_quote", {"quote_id": q["id"], "format": style}) for q in quotes
        ]

    for quote, (error, cited) in zip(quotes, with_client(client, each), strict=True):
        assert not error, cited
        rest = client.get(f"/v1/quotes/{quote['id']}/citation?format={style}")
        assert cited["citation"] == rest.text
        assert cited["item"]["note"] == quote["attribution"]
        assert cited["item"]["URL"].endswith(f"/quotes/{quote['id']}")


def test_list_tools_answer_as_the_catalogue_does(client: TestClient) -> None:
    async def lists(mcp: Client) -> list[Any]:
        return [
            await call(mcp, "list_reports", {}),
            await call(mcp, "list_themes", {"layer": ["a-bit-deeper"]}),
            await call(mcp, "list_stakeholder_types", {}),
            await call(mcp, "list_themes", {"report": ["nope"]}),
        ]

    reports, themes, types, unknown = with_client(client, lists)
    assert reports == (False, json_at(client, "/v1/reports"))
    assert themes == (False, json_at(client, "/v1/themes?layer=a-bit-deeper"))
    assert types == (False, json_at(client, "/v1/stakeholder-types"))
    assert unknown[0] is True
    assert "unknown report 'nope'" in unknown[1]


@pytest.mark.parametrize(("query", "arguments"), FILTER_CASES)
def test_count_quotes_counts_as_facets_and_crosstab_do(
    client: TestClient, query: str, arguments: dict[str, Any]
) -> None:
    filters = {k: v for k, v in arguments.items() if k != "sort"}
    rest_query = "&".join(p for p in query.split("&") if not p.startswith("sort="))
    error, counts = with_client(
        client,
        lambda mcp: call(
            mcp,
            "count_quotes",
            {**filters, "facet": ["layer", "tag"], "rows": "stakeholder_type", "cols": "layer"},
        ),
    )
    assert not error, counts
    page = json_at(client, f"/v1/quotes?{rest_query}&facet=layer&facet=tag&limit=1")
    assert counts["facets"] == page["facets"]
    assert counts["total"] == len(
        walk_pages(client, f"/v1/quotes?{rest_query}&limit=100", max_pages=5)
    )
    crosstab = json_at(client, f"/v1/stats/crosstab?{rest_query}&rows=stakeholder_type&cols=layer")
    assert counts["crosstab"] == crosstab


@pytest.mark.parametrize(
    ("tool", "arguments", "says"),
    [
        ("search_quotes", {"tag": ["nope"]}, "unknown tag 'nope'"),
        ("search_quotes", {"limit": 101}, "less than or equal to 100"),
        ("search_quotes", {"cursor": "x"}, "cursor"),
        ("search_quotes", {"tag": [f"t{i}" for i in range(40)]}, "MAX_FILTER_IDS"),
        ("search_quotes", {"min_length": 9, "max_length": 3}, "over max_length"),
        ("get_quote", {"quote_id": "nope"}, "no quote with id 'nope'"),
        ("verify_quote", {"text": ""}, "at least 1 character"),
        ("verify_quote", {"text": "the of and"}, "no word"),
        ("verify_quote", {"text": "x" * 3000}, "at most 2000"),
        ("count_quotes", {"rows": "layer"}, "both rows and cols"),
        ("count_quotes", {"rows": "layer", "cols": "layer"}, "different dimensions"),
    ],
)
def test_a_bad_argument_is_a_tool_error_that_says_what_is_wrong(
    client: TestClient, tool: str, arguments: dict[str, Any], says: str
) -> None:
    error, text = with_client(client, lambda mcp: call(mcp, tool, arguments))
    assert error is True
    assert says in text


def test_the_hostile_catalogue_through_search_and_verify(client: TestClient) -> None:
    texts = [*SEARCH_SYNTAX, *STRINGS]

    async def each(mcp: Client) -> list[tuple[str, str, bool, Any]]:
        answers = []
        for text in texts:
            for tool, argument in (("search_quotes", "q"), ("verify_quote", "text")):
                answers.append((tool, text, *await call(mcp, tool, {argument: text})))
        return answers

    for tool, text, error, answer in with_client(client, each):
        if error:
            # Refused as the REST API refuses: said, never a crash.
            # A crash would be the bare prefix: the SDK hides what an unexpected error says.
            assert re.fullmatch(rf"Error executing tool {tool}: \S.*", answer, re.S), (tool, text)
            assert "Traceback" not in answer, (tool, text)
        elif tool == "search_quotes":
            assert isinstance(answer["items"], list)
        else:
            assert answer["verdict"] in {
                "verbatim",
                "typography_differs",
                "not_verbatim",
                "not_found",
            }
    # And the server still answers.
    assert with_client(client, lambda mcp: call(mcp, "list_reports", {}))[0] is False


def test_resources_and_prompts(client: TestClient) -> None:
    async def read(mcp: Client) -> tuple[Any, Any, Any]:
        methodology = await mcp.read_resource("insights://reports/cgt-insights-2026/methodology")
        text = await mcp.read_resource("insights://reports/cgt-insights-2026/full-text")
        prompt = await mcp.get_prompt("compare_stakeholder_views", {"theme": "fda-pathways"})
        return methodology, text, prompt

    methodology, text, prompt = with_client(client, read)
    report = json_at(client, "/v1/reports/cgt-insights-2026")
    assert methodology.contents[0].text.replace(" ", "").replace("\n", "") == _compact(
        report["methodology"]
    )
    assert all(
        q["text"] in text.contents[0].text
        for q in walk_pages(client, "/v1/quotes?report=cgt-insights-2026&limit=100", max_pages=5)
    )
    assert "fda-pathways" in prompt.messages[0].content.text


def test_the_same_tools_over_stdio(engine: Engine, client: TestClient, tmp_path: Path) -> None:
    command = str(Path(sys.executable).with_name("insights"))
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    server = StdioServerParameters(command=command, args=["mcp"], env=env, cwd=str(tmp_path))

    async def use(mcp: Client) -> tuple[set[str], Any]:
        tools = {tool.name for tool in (await mcp.list_tools()).tools}
        return tools, await call(mcp, "search_quotes", {"q": "Medicaid", "limit": 100})

    tools, (error, page) = with_client(server, use)
    assert tools == TOOLS
    assert not error
    assert [q["id"] for q in page["items"]] == [
        q["id"] for q in walk_pages(client, "/v1/quotes?q=Medicaid&limit=100", max_pages=5)
    ]


def _paraphrase(text: str) -> str:
    """The quote as an assistant might misquote it: its first dozen words, every third word
    changed."""
    words = text.split()[:12]
    return " ".join("indeed" if i % 3 == 2 else word for i, word in enumerate(words))


def _encoded(text: str) -> str:
    return percent_encoded(text, safe="")


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace(" ", "")
