"""`/v1/exports/refi-qda.qdc`, the REFI-QDA codebook, on both databases: valid against the
codebook schema, layers over their themes with the project export's GUIDs, the tags as a
second tree by kind."""

import io
import zipfile
from pathlib import Path
from typing import Any, Final

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from app.config import PROJECT_ROOT
from tests.helpers.api import assert_problem
from tests.helpers.ci import skip_or_fail

SCHEMA_PATH: Final = PROJECT_ROOT.parent / "shared" / "refi-qda" / "Codebook-mrt2019.xsd"
URL: Final = "/v1/exports/refi-qda.qdc"
NS: Final = {"c": "urn:QDA-XML:codebook:1.0", "q": "urn:QDA-XML:project:1.0"}
Element = Any  # lxml ships no type information


@pytest.fixture(scope="module")
def schema() -> Any:
    if not Path(SCHEMA_PATH).is_file():
        skip_or_fail(f"the REFI-QDA codebook schema is missing: {SCHEMA_PATH}")
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def codebook(client: TestClient, query: str = "") -> Element:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    assert 'filename="insights-codebook.qdc"' in response.headers["content-disposition"]
    return etree.fromstring(response.content)


def codes(element: Element, namespace: str = "c") -> list[Element]:
    return list(element.findall(f"{namespace}:Code", NS))


def description(element: Element) -> str | None:
    found = element.find("c:Description", NS)
    return None if found is None else str(found.text)


@pytest.mark.parametrize("query", ["", "report=cgt-insights-2026", "report=cgt-press-release-2026"])
def test_the_codebook_is_valid(client: TestClient, schema: Any, query: str) -> None:
    root = codebook(client, query)
    assert schema.validate(root), schema.error_log


def test_layers_are_folders_over_their_themes_with_the_project_s_guids(
    client: TestClient,
) -> None:
    root = codebook(client)
    project = zipfile.ZipFile(io.BytesIO(client.get("/v1/exports/refi-qda.qdpx").content))
    qde = etree.fromstring(project.read("project.qde"))
    project_tree = [
        (
            code.get("guid"),
            code.get("name"),
            [(c.get("guid"), c.get("name")) for c in codes(code, "q")],
        )
        for code in qde.find("q:CodeBook/q:Codes", NS).findall("q:Code", NS)
    ]
    layers = codes(root.find("c:Codes", NS))[:-1]  # the last top-level code is the tags' tree
    assert [
        (code.get("guid"), code.get("name"), [(c.get("guid"), c.get("name")) for c in codes(code)])
        for code in layers
    ] == project_tree
    listed = client.get("/v1/layers").json()["items"]
    assert [layer.get("name") for layer in layers] == [layer["name"] for layer in listed]
    assert all(layer.get("isCodable") == "false" for layer in layers)
    themes = [theme for layer in layers for theme in codes(layer)]
    assert len(themes) == 18
    assert all(theme.get("isCodable") == "true" for theme in themes)
    summaries = {t["title"]: t["summary"] for t in client.get("/v1/themes").json()["items"]}
    assert {theme.get("name"): description(theme) for theme in themes} == summaries


def test_the_tags_are_a_second_tree_by_kind(client: TestClient) -> None:
    tree = codes(codebook(client).find("c:Codes", NS))[-1]
    assert (tree.get("name"), tree.get("isCodable")) == ("Tags", "false")
    listed = client.get("/v1/tags?limit=100").json()["items"]
    found: dict[str, tuple[str, str | None, str]] = {}
    for kind in codes(tree):
        assert kind.get("isCodable") == "false"
        for tag in codes(kind):
            assert tag.get("isCodable") == "true"
            found[tag.get("name")] = (kind.get("name"), description(tag), tag.get("guid"))
    assert set(found) == {tag["name"] for tag in listed}
    assert len(found) == len(listed) == 43
    for tag in listed:
        assert found[tag["name"]][1] == tag["description"]
    kinds = {tag["kind"] for tag in listed}
    assert len(codes(tree)) == len(kinds)
    assert len({guid for _, _, guid in found.values()}) == len(found)


def test_a_report_without_themes_has_the_tags_only(client: TestClient) -> None:
    top = codes(codebook(client, "report=cgt-press-release-2026").find("c:Codes", NS))
    assert [code.get("name") for code in top] == ["Tags"]


def test_an_unknown_report_is_a_422(client: TestClient) -> None:
    assert_problem(client.get(f"{URL}?report=nope"), 422)
