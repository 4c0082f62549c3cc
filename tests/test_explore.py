"""The explorer (`/explore`), server-rendered, on both databases: a person searches and narrows by
stakeholder type and layer by following the page's own form and links, and at every step the
facet counts, the heatmap, the quotes, the downloads and the API call the page shows agree with
the API's answers for the same selection."""

import io
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook

from tests.helpers.api import Json, assert_problem, walk_pages
from tests.helpers.html import page

Document = Any  # lxml ships no type information


def relative(url: str) -> str:
    """A page's absolute link as the test client requests it."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def query_of(url: str) -> str:
    return urlsplit(url).query


def submit(document: Document, form_id: str, **fields: str) -> str:
    """The URL a GET form of the page leads to, with `fields` filled in."""
    (control,) = document.xpath(f"//*[@id='{form_id}']")
    (form,) = control.xpath("ancestor::form")
    pairs = [(i.get("name"), i.get("value") or "") for i in form.xpath(".//input[@name]")]
    pairs += [
        (s.get("name"), s.xpath("string(option[@selected]/@value)"))
        for s in form.xpath(".//select")
    ]
    pairs = [(name, fields.get(name, value)) for name, value in pairs]
    return relative(form.get("action")) + "?" + urlencode(pairs)


def facet_counts(document: Document, dimension: str) -> dict[str, int]:
    (group,) = document.xpath(f"//div[@role='group'][@aria-labelledby='facet-{dimension}']")
    counts = {}
    for item in group.xpath(".//li[span[@class='count']]"):
        label = item.xpath("string(a[1])") or item.xpath("string(text()[1])").strip()
        counts[label.strip()] = int(item.xpath("string(span[@class='count'])"))
    return counts


def heatmap_numbers(document: Document) -> list[list[int]]:
    (table,) = document.xpath("//table[@class='numbers']")
    return [[int(cell.text) for cell in row.xpath("td")][:-1] for row in table.xpath("tbody/tr")]


def shown_quotes(document: Document) -> list[str]:
    return [str(figure.get("id")) for figure in document.xpath("//ol[@class='results']//figure")]


def api_link(document: Document) -> str:
    (heading,) = document.xpath("//h3[@id='api-heading']")
    return str(heading.xpath("string(following-sibling::p[1]/a/@href)"))


def assert_agrees_with_the_api(client: TestClient, document: Document, query: str) -> None:
    """The page's numbers and quotes are the API's for `query` (the explorer's selection)."""
    dimensions = ["layer", "stakeholder_type", "tag"]
    facet_query = "&".join(f"facet={d}" for d in dimensions)
    answer: Json = client.get(f"/v1/quotes?{query}&{facet_query}").json()
    for dimension in dimensions:
        expected = {f["label"]: f["count"] for f in answer["facets"][dimension]}
        shown = facet_counts(document, dimension)
        # The facet lists the API's counts (and, for stakeholder types, their parents' too).
        listed = {label: n for label, n in shown.items() if label in expected}
        assert listed == {label: n for label, n in expected.items() if label in shown}, dimension
        # A dimension the selection includes by lists its choice, not its counts.
        assert shown or f"{dimension}=" in query, dimension
    assert shown_quotes(document) == [quote["id"] for quote in answer["items"]]
    table = client.get(f"/v1/stats/crosstab?rows=stakeholder_type&cols=layer&{query}").json()
    assert heatmap_numbers(document) == table["cells"]
    called = client.get(relative(api_link(document))).json()
    assert [quote["id"] for quote in called["items"]] == shown_quotes(document)


def test_a_person_searches_then_narrows_by_stakeholder_and_layer(client: TestClient) -> None:
    start = page(client, "/explore")
    assert start.xpath("//label[@for='q']")
    assert_agrees_with_the_api(client, start, "")
    searched_url = submit(start, "q", q="patient*")
    searched = page(client, searched_url)
    assert_agrees_with_the_api(client, searched, "q=patient*")
    (advocates,) = searched.xpath(
        "//div[@aria-labelledby='facet-stakeholder_type']//a[text()='Patient advocates']"
    )
    narrowed = page(client, relative(advocates.get("href")))
    assert_agrees_with_the_api(client, narrowed, "q=patient*&stakeholder_type=patient-advocate")
    # The layer the narrowed quotes have most of: the facet's first value.
    deeper = narrowed.xpath("//div[@aria-labelledby='facet-layer']//li/a[1]")[0]
    layer = dict(parse_qsl(query_of(deeper.get("href"))))["layer"]
    deepest_url = relative(deeper.get("href"))
    both = page(client, deepest_url)
    query = f"q=patient*&stakeholder_type=patient-advocate&layer={layer}"
    assert sorted(parse_qsl(query_of(deepest_url))) == sorted(parse_qsl(query))
    assert_agrees_with_the_api(client, both, query)
    assert shown_quotes(both), "a narrowing that leaves nothing proves little"


def test_the_selection_downloads_as_xlsx_with_exactly_its_quotes(client: TestClient) -> None:
    query = "stakeholder_type=payer&not_layer=tip-of-the-iceberg"
    document = page(client, f"/explore?{query}")
    (xlsx,) = document.xpath("//a[text()='Download as XLSX']")
    response = client.get(relative(xlsx.get("href")))
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name("Quotes")
    downloaded = [str(row[0]) for row in sheet.to_python()[1:]]
    expected = walk_pages(client, f"/v1/quotes?limit=100&{query}", max_pages=1)
    assert downloaded == [quote["id"] for quote in expected]
    assert 0 < len(downloaded) < 62
    for label in ("CSV", "NDJSON", "REFI-QDA (QualCoder, NVivo, MAXQDA)"):
        (link,) = document.xpath(f"//a[text()='Download as {label}']")
        assert sorted(parse_qsl(query_of(link.get("href")))) == sorted(parse_qsl(query))


def test_excluding_a_value_leaves_it_out_and_can_be_undone(client: TestClient) -> None:
    start = page(client, "/explore")
    layers = "//div[@aria-labelledby='facet-layer']"
    (exclude,) = start.xpath(
        f"{layers}//li[a[text()='Tip of the Iceberg']]/a[starts-with(., 'exclude')]"
    )
    left_out = page(client, relative(exclude.get("href")))
    assert_agrees_with_the_api(client, left_out, "not_layer=tip-of-the-iceberg")
    assert "Tip of the Iceberg" not in facet_counts(left_out, "layer")
    (chosen,) = left_out.xpath("//div[@aria-labelledby='facet-layer']//li[span[@class='chosen']]")
    assert chosen.xpath("string(span)") == "Not Tip of the Iceberg"
    back = page(client, relative(chosen.xpath("string(a/@href)")))
    assert shown_quotes(back) == shown_quotes(start)


def test_the_heatmap_follows_its_axes_and_draws_every_cell(client: TestClient) -> None:
    document = page(client, "/explore?q=access")
    url = submit(document, "rows", rows="theme", cols="tag")
    crossed = page(client, url)
    table = client.get("/v1/stats/crosstab?rows=theme&cols=tag&q=access").json()
    assert heatmap_numbers(crossed) == table["cells"]
    (svg,) = crossed.xpath("//svg[@role='img']")
    counts = [
        int(t.text) for t in svg.xpath(".//*[local-name()='text'][contains(@class, 'count')]")
    ]
    assert counts == [n for row in table["cells"] for n in row]
    assert svg.xpath("string(*[local-name()='title'])").startswith("Matching quotes")


def test_sorting_and_paging_follow_the_api(client: TestClient) -> None:
    plain = page(client, "/explore")
    assert "rank" not in plain.xpath("//select[@id='sort']/option/@value")
    searched = page(client, "/explore?q=access")
    assert "rank" in searched.xpath("//select[@id='sort']/option/@value")
    ranked = page(client, submit(searched, "sort", sort="rank"))
    api = client.get("/v1/quotes?q=access&sort=rank").json()
    assert shown_quotes(ranked) == [quote["id"] for quote in api["items"]]
    (next_link,) = plain.xpath("//a[@rel='next']")
    second = page(client, relative(next_link.get("href")))
    cursor = client.get("/v1/quotes").json()["next_cursor"]
    expected = client.get(f"/v1/quotes?cursor={cursor}").json()["items"]
    assert shown_quotes(second) == [quote["id"] for quote in expected]


@pytest.mark.parametrize(
    "query", ["rows=layer&cols=layer", "cursor=nope", "not_tag=nope", "sort=rank", "rows=colour"]
)
def test_bad_explorer_requests_are_problems(client: TestClient, query: str) -> None:
    assert_problem(client.get(f"/explore?{query}"), 422)


def test_the_explorer_s_forms_may_submit_to_its_own_pages(client: TestClient) -> None:
    policy = client.get("/explore").headers["content-security-policy"]
    assert "form-action 'self'" in policy


@pytest.mark.parametrize("search", ["access", "patient*", '"gene therapies"', "cost patients"])
def test_results_mark_the_search_s_words_in_the_verbatim_quote(
    client: TestClient, search: str
) -> None:
    query = urlencode({"q": search})
    document = page(client, f"/explore?{query}")
    expected = {q["id"]: q["text"] for q in client.get(f"/v1/quotes?{query}").json()["items"]}
    figures = document.xpath("//ol[@class='results']//figure")
    assert [figure.get("id") for figure in figures] == list(expected)
    assert figures, "a search with no match proves nothing"
    for figure in figures:
        (paragraph,) = figure.xpath("blockquote/p")
        assert paragraph.text_content() == expected[figure.get("id")]
        assert paragraph.xpath("mark"), figure.get("id")


def test_stakeholder_types_nest_under_their_parents(client: TestClient) -> None:
    document = page(client, "/explore")
    group = "//div[@aria-labelledby='facet-stakeholder_type']"
    types = client.get("/v1/stakeholder-types").json()["items"]
    for parent in (t for t in types if t["children"] and t["quote_count"]):
        (item,) = document.xpath(f"{group}/ul/li[a[1][text()='{parent['name']}']]")
        assert int(item.xpath("string(span[@class='count'])")) == parent["quote_count"]
        nested = item.xpath("ul[@class='sub']/li/a[1]/text()")
        counts = {t["id"]: t["quote_count"] for t in types}
        counted = [child["name"] for child in parent["children"] if counts[child["id"]]]
        assert sorted(nested) == sorted(counted)
    (payers,) = document.xpath(f"{group}/ul/li/a[1][text()='Payers']")
    narrowed = page(client, relative(payers.get("href")))
    assert "Only Payers" in narrowed.xpath(f"{group}//span[@class='chosen']/text()")
    api = client.get("/v1/quotes?stakeholder_type=payer").json()["items"]
    assert shown_quotes(narrowed) == [quote["id"] for quote in api]
