"""The REFI-QDA export: the seeded reports' .qdpx, checked against the QDA-XML schema and data.
It is long because the archive is read back independently, element by element, for one report
and for the series (the seeds with the synthetic second report).

The archive is read back independently of how it was built: codes, cases and selections are
found through the GUIDs the XML itself gives, never through app.render.qdpx's GUID helper, so a
wrong reference fails here however it was made.

The schema lives outside the repository, in ``shared/refi-qda`` beside the repository's folder.
Where it is missing the schema test is skipped, except on CI (``CI=true``), where it fails.
"""

import dataclasses
import io
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Final

import pytest
import yaml
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import Engine
from sqlmodel import Session

from app.params import QuoteFilters
from app.queries.exports import qdpx_project
from app.render.qdpx import QdpxProject, QdpxQuote, build_qdpx, file_safe_name, guid
from tests.helpers.api import assert_problem, walk_pages
from tests.helpers.ci import skip_or_fail
from tests.helpers.databases import client_for
from tests.helpers.seeds import (
    FIXTURE_REPORTS,
    REPORT_DIR,
    REPORT_ID,
    SEEDS_DIR,
    SYNTHETIC,
    SYNTHETIC_RELEASE,
)

PRESS_RELEASE: Final = "cgt-press-release-2026"  # a companion with a text and no quotes
SEMINAR_REPORT: Final = "cgt-seminar-report-2026"  # a companion with no text
EXPORT_URL: Final = "/v1/exports/refi-qda.qdpx"
SCHEMA_PATH: Final = (
    Path(__file__).resolve().parents[2] / "shared" / "refi-qda" / "Project-mrt2019.xsd"
)
QDA: Final = "urn:QDA-XML:project:1.0"
NS: Final = {"q": QDA}
PROJECT_FILE: Final = "project.qde"
INTERNAL: Final = "internal://"

EXPECTED_LAYERS: Final = 4
EXPECTED_THEMES: Final = 18
EXPECTED_INTERVIEWS: Final = 17
EXPECTED_QUOTES: Final = 62
# An interview of the real report, whose quotes all stand in that report.
INTERVIEW: Final = "former-federal-regulator"
SYNTHETIC_QUOTES: Final = 18
SYNTHETIC_INTERVIEWS: Final = 8
VARIABLE_NAMES: Final = ("Stakeholder type", "Organisation type", "Role", "Attribution", "Report")
# GUIDs of the real report's objects as exports before the series made them: an archive
# imported then must still be recognised, object by object, by a tool that imports a new one.
PINNED_GUIDS: Final = {
    ("source", REPORT_ID): "bf5ad28e-c9f6-5b37-a4c3-238383b84f9e",
    ("layer", "tip-of-the-iceberg"): "c3c1010c-521f-52f7-a071-355f1ad1fc41",
    ("code", "fda-pathways"): "50bac530-42a3-59d4-9382-2d257bfcd0f5",
    ("case", "former-federal-regulator"): "2247df16-2158-593f-b69b-9a944f8ba583",
    ("selection", "cgt-2026-q01"): "6e50d05c-7066-5756-abe2-c7573b9f450f",
    ("coding", "cgt-2026-q01"): "2a0887f5-ab85-5131-b979-2ba504090c33",
    ("variable", "Stakeholder type"): "7c9bf511-aa89-54fc-a7a4-14e00d2fc3f6",
    ("user", "insights-api"): "a1815af1-6f5d-5ceb-863d-92abd693e95e",
}

Element = Any  # lxml ships no type information
QuoteChange = Callable[[QdpxQuote, str], QdpxQuote]


@dataclasses.dataclass(frozen=True)
class Archive:
    """A .qdpx read back: its member names, project.qde parsed, and the members' bytes."""

    names: list[str]
    qde: bytes
    root: Element
    members: dict[str, bytes]

    def all(self, path: str) -> list[Element]:
        """The elements at `path` (steps without prefix, e.g. "Cases/Case") under the root."""
        qualified = "/".join(f"q:{step}" for step in path.split("/"))
        return list(self.root.findall(qualified, NS))

    def by_guid(self) -> dict[str, Element]:
        """Every element that carries a guid, by its guid."""
        return {element.get("guid"): element for element in self.root.iter() if element.get("guid")}


def read_archive(data: bytes) -> Archive:
    """The archive `data` holds, checked to be a well-formed zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        members = {name: archive.read(name) for name in names}
    qde = members[PROJECT_FILE]
    return Archive(names, qde, etree.fromstring(qde), members)


def tag(element: Element) -> str:
    """The element's local name, after checking that it is in the QDA-XML namespace."""
    qname = etree.QName(element)
    assert qname.namespace == QDA
    return str(qname.localname)


def children(element: Element, name: str) -> list[Element]:
    """The element's QDA-XML children called `name`."""
    return list(element.findall(f"q:{name}", NS))


def description(element: Element) -> str | None:
    """The text of the element's Description child, if it has one."""
    found = element.find("q:Description", NS)
    return None if found is None else str(found.text or "")


def read_project(engine: Engine, report_ids: list[str] | None = None) -> QdpxProject:
    """The REFI-QDA project of the reports, as the API's export builds it."""
    with Session(engine) as session:
        built = qdpx_project(session, QuoteFilters(report=report_ids or []))
    assert built is not None
    return built


@pytest.fixture(scope="module")
def project(engine: Engine) -> QdpxProject:
    """The real report's REFI-QDA project, asked for by its id."""
    return read_project(engine, [REPORT_ID])


@pytest.fixture(scope="module")
def archive(project: QdpxProject) -> Archive:
    """The report's .qdpx, read back."""
    return read_archive(build_qdpx(project))


@pytest.fixture(scope="module")
def schema() -> Element:
    """The QDA-XML 1.0 project schema (release of 18 March 2019)."""
    if not SCHEMA_PATH.is_file():
        skip_or_fail(f"the REFI-QDA project schema is missing: {SCHEMA_PATH}")
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def sources(archive: Archive) -> list[tuple[Element, str]]:
    """Each TextSource and the text of the file its plainTextPath names."""
    found = []
    for source in archive.all("Sources/TextSource"):
        path = source.get("plainTextPath")
        assert path.startswith(INTERNAL)
        text = archive.members[f"Sources/{path.removeprefix(INTERNAL)}"].decode("utf-8")
        found.append((source, text))
    return found


def source_text(archive: Archive) -> tuple[Element, str]:
    """The one TextSource and its text."""
    ((source, text),) = sources(archive)
    return source, text


def test_project_qde_is_valid_qda_xml(archive: Archive, schema: Element) -> None:
    document = etree.fromstring(archive.qde)
    assert schema.validate(document), schema.error_log
    assert archive.qde.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert tag(archive.root) == "Project"


def test_archive_holds_project_and_report_text(archive: Archive, project: QdpxProject) -> None:
    source, text = source_text(archive)
    file_name = source.get("plainTextPath").removeprefix(INTERNAL)
    assert archive.names == [PROJECT_FILE, f"Sources/{file_name}"]
    assert file_name == f"{source.get('guid')}.txt"
    (report,) = project.reports
    assert report.id == REPORT_ID
    assert text == report.text == (SEEDS_DIR / REPORT_DIR / "text.txt").read_text("utf-8")
    assert source.get("name") == file_safe_name(report.title)
    assert description(source) == report.credit
    assert source.find("q:PlainTextContent", NS) is None  # a path or inline text, never both


def test_project_attributes_and_user(archive: Archive, project: QdpxProject) -> None:
    root = archive.root
    (user,) = archive.all("Users/User")
    assert user.get("name") == "Insights API"
    assert root.get("name") == file_safe_name(project.reports[0].title)
    assert root.get("origin") == "Insights API"
    assert root.get("creatingUserGUID") == user.get("guid")
    created = project.created_at
    expected = (created if created.tzinfo else created.replace(tzinfo=UTC)).astimezone(UTC)
    assert root.get("creationDateTime") == expected.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_guids_are_unique_and_references_resolve(archive: Archive) -> None:
    guids = [element.get("guid") for element in archive.root.iter() if element.get("guid")]
    assert len(guids) == len(set(guids))
    by_guid = archive.by_guid()
    for element in archive.root.iter():
        for attribute in ("targetGUID", "creatingUser", "creatingUserGUID"):
            target = element.get(attribute)
            if target is not None:
                assert target in by_guid, f"{tag(element)} {attribute}={target} resolves nowhere"
    expected_kind = {
        "CodeRef": "Code",
        "SelectionRef": "PlainTextSelection",
        "VariableRef": "Variable",
    }
    for kind, target_kind in expected_kind.items():
        for reference in archive.root.iter(f"{{{QDA}}}{kind}"):
            assert tag(by_guid[reference.get("targetGUID")]) == target_kind


def test_codebook_is_layers_over_their_themes(archive: Archive, project: QdpxProject) -> None:
    parents = archive.all("CodeBook/Codes/Code")
    assert len(parents) == EXPECTED_LAYERS == len(project.layers)
    assert [code.get("name") for code in parents] == [layer.name for layer in project.layers]
    child_count = 0
    for code, layer in zip(parents, project.layers, strict=True):
        assert code.get("isCodable") == "false"
        assert description(code) == layer.description
        themes = [theme for theme in project.themes if theme.layer_id == layer.id]
        theme_codes = children(code, "Code")
        assert [child.get("name") for child in theme_codes] == [theme.title for theme in themes]
        for child, theme in zip(theme_codes, themes, strict=True):
            assert child.get("isCodable") == "true"
            assert description(child) == theme.summary
            assert children(child, "Code") == []
        child_count += len(theme_codes)
    assert child_count == EXPECTED_THEMES == len(project.themes)


def test_selections_reproduce_quotes_and_code_their_theme(
    archive: Archive, project: QdpxProject
) -> None:
    source, text = source_text(archive)
    by_guid = archive.by_guid()
    quotes = {quote.id: quote for quote in project.quotes}
    themes = {theme.id: theme for theme in project.themes}
    layers = {layer.id: layer for layer in project.layers}
    selections = children(source, "PlainTextSelection")
    assert [selection.get("name") for selection in selections] == list(quotes)
    assert len(selections) == EXPECTED_QUOTES
    for selection in selections:
        quote = quotes[selection.get("name")]
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        assert (start, end) == (quote.start_offset, quote.end_offset)
        assert text[start:end] == quote.text, quote.id
        assert description(selection) == f"From {project.reports[0].title} ({REPORT_ID})"
        (coding,) = children(selection, "Coding")
        (code_ref,) = children(coding, "CodeRef")
        code = by_guid[code_ref.get("targetGUID")]
        theme = themes[quote.theme_id]
        assert code.get("name") == theme.title
        assert description(code) == theme.summary
        parent = code.getparent()
        assert tag(parent) == "Code"
        assert parent.get("name") == layers[theme.layer_id].name
        assert tag(parent.getparent()) == "Codes"
        assert coding.get("creatingUser") == archive.root.get("creatingUserGUID")


def test_cases_are_interviews_with_variables_and_quotes(
    archive: Archive, project: QdpxProject
) -> None:
    variables = {
        variable.get("guid"): variable.get("name") for variable in archive.all("Variables/Variable")
    }
    assert sorted(variables.values()) == sorted(VARIABLE_NAMES)
    assert all(v.get("typeOfVariable") == "Text" for v in archive.all("Variables/Variable"))
    by_guid = archive.by_guid()
    cases = archive.all("Cases/Case")
    assert len(cases) == EXPECTED_INTERVIEWS == len(project.interviews)
    referenced: list[str] = []
    for case, interview in zip(cases, project.interviews, strict=True):
        assert case.get("name") == interview.attribution
        values: dict[str, str] = {}
        for value in children(case, "VariableValue"):
            (variable_ref,) = children(value, "VariableRef")
            (text_value,) = children(value, "TextValue")
            values[variables[variable_ref.get("targetGUID")]] = str(text_value.text)
        expected = {
            "Stakeholder type": interview.stakeholder_type,
            "Role": interview.role_title,
            "Attribution": interview.attribution,
            "Report": project.reports[0].title,
        }
        if interview.organisation_type is not None:
            expected["Organisation type"] = interview.organisation_type
        assert values == expected
        quote_ids = [
            by_guid[ref.get("targetGUID")].get("name") for ref in children(case, "SelectionRef")
        ]
        assert quote_ids == [q.id for q in project.quotes if q.interview_id == interview.id]
        assert quote_ids, f"{interview.id} has no quote"
        referenced.extend(quote_ids)
    assert sorted(referenced) == sorted(quote.id for quote in project.quotes)
    assert any(interview.organisation_type is None for interview in project.interviews)


def test_same_data_gives_same_bytes(project: QdpxProject) -> None:
    first = build_qdpx(project)
    rebuilt = dataclasses.replace(
        project,
        reports=list(project.reports),
        layers=list(project.layers),
        themes=list(project.themes),
        interviews=list(project.interviews),
        quotes=list(project.quotes),
    )
    assert build_qdpx(rebuilt) == first
    assert build_qdpx(project) == first


@pytest.mark.parametrize(
    "created_at",
    [
        datetime(2026, 1, 2, 3, 4, 5, 678901),  # naive, as SQLite gives it: taken as UTC
        datetime(2026, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2))),
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    ],
)
def test_times_are_the_project_time_in_utc(project: QdpxProject, created_at: datetime) -> None:
    data = build_qdpx(dataclasses.replace(project, created_at=created_at))
    archive = read_archive(data)
    stamped = [
        element.get("creationDateTime")
        for element in archive.root.iter()
        if element.get("creationDateTime") is not None
    ]
    assert len(stamped) == 2 + 2 * EXPECTED_QUOTES  # project, source, selections, codings
    assert set(stamped) == {"2026-01-02T03:04:05Z"}
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        assert {info.date_time for info in zipped.infolist()} == {(2026, 1, 2, 3, 4, 4)}


def shift(quote: QdpxQuote, _text: str) -> QdpxQuote:
    return dataclasses.replace(
        quote, start_offset=quote.start_offset + 1, end_offset=quote.end_offset + 1
    )


def shorten(quote: QdpxQuote, _text: str) -> QdpxQuote:
    return dataclasses.replace(quote, end_offset=quote.end_offset - 1)


def reword(quote: QdpxQuote, _text: str) -> QdpxQuote:
    return dataclasses.replace(quote, text=quote.text.upper())


def from_the_end(quote: QdpxQuote, text: str) -> QdpxQuote:
    """Negative offsets that a Python slice would accept and that reach the same text."""
    return dataclasses.replace(
        quote, start_offset=quote.start_offset - len(text), end_offset=quote.end_offset - len(text)
    )


def past_the_end(quote: QdpxQuote, text: str) -> QdpxQuote:
    return dataclasses.replace(quote, end_offset=len(text) + 1)


@pytest.mark.parametrize("change", [shift, shorten, reword, from_the_end, past_the_end])
def test_offsets_that_miss_the_quote_are_refused(project: QdpxProject, change: QuoteChange) -> None:
    quotes = list(project.quotes)
    quotes[7] = change(quotes[7], project.reports[0].text)
    with pytest.raises(ValueError, match=quotes[7].id):
        build_qdpx(dataclasses.replace(project, quotes=quotes))


def test_a_quote_is_checked_against_its_own_reports_text(engine: Engine) -> None:
    both = read_project(engine)
    quotes = [dataclasses.replace(both.quotes[0], report_id=PRESS_RELEASE), *both.quotes[1:]]
    with pytest.raises(ValueError, match=f"{both.quotes[0].id}: .*{PRESS_RELEASE}"):
        build_qdpx(dataclasses.replace(both, quotes=quotes))


@pytest.mark.parametrize(("kind", "stable_id"), sorted(PINNED_GUIDS), ids=lambda value: str(value))
def test_guids_of_the_real_report_are_unchanged(kind: str, stable_id: str) -> None:
    assert guid(kind, stable_id) == PINNED_GUIDS[kind, stable_id]


# --- every report: the seeds alone, and the series with the synthetic report -----------------


def layer_descriptions(folder: Path) -> dict[str, str]:
    """Each layer's description as a report's layers.yaml gives it."""
    document = yaml.safe_load((folder / "layers.yaml").read_text("utf-8"))
    return {item["layer"]: item["description"] for item in document["layers"]}


@pytest.fixture(scope="module")
def series_api(series: Engine) -> TestClient:
    return client_for(series)


@pytest.fixture(scope="module")
def series_archive(series_api: TestClient) -> Archive:
    """The export of the series with no parameter: every report with a text."""
    response = series_api.get(EXPORT_URL)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.refi-qda+zip"
    assert response.headers["content-disposition"] == (
        'attachment; filename="insights-series.qdpx"'
    )
    return read_archive(response.content)


def test_the_default_export_holds_every_report_with_a_text(
    client: TestClient, schema: Element
) -> None:
    response = client.get(EXPORT_URL)
    assert response.headers["content-disposition"] == (
        'attachment; filename="insights-series.qdpx"'
    )
    archive = read_archive(response.content)
    assert schema.validate(etree.fromstring(archive.qde)), schema.error_log
    reports = {report["id"]: report for report in client.get("/v1/reports").json()["items"]}
    found = sources(archive)
    assert [source.get("guid") for source, _ in found] == [
        guid("source", REPORT_ID),
        guid("source", PRESS_RELEASE),
    ]
    assert [source.get("name") for source, _ in found] == [
        file_safe_name(reports[REPORT_ID]["title"]),
        file_safe_name(reports[PRESS_RELEASE]["title"]),
    ]
    assert not reports[SEMINAR_REPORT]["has_full_text"]
    (real, real_text), (release, release_text) = found
    assert real_text == (SEEDS_DIR / REPORT_DIR / "text.txt").read_text("utf-8")
    press_release_text = SEEDS_DIR / "reports" / PRESS_RELEASE / "text.txt"
    assert release_text == press_release_text.read_text("utf-8")
    assert len(children(real, "PlainTextSelection")) == EXPECTED_QUOTES
    assert children(release, "PlainTextSelection") == []
    assert archive.root.get("name") == "Alliance for Health Policy - insights reports"


def test_the_series_export_is_valid_qda_xml(series_archive: Archive, schema: Element) -> None:
    assert schema.validate(etree.fromstring(series_archive.qde)), schema.error_log


def test_the_series_holds_each_report_as_a_source_in_report_order(
    series_api: TestClient, series_archive: Archive
) -> None:
    reports = series_api.get("/v1/reports").json()["items"]
    with_text = [report for report in reports if report["has_full_text"]]
    assert [report["id"] for report in with_text] == [SYNTHETIC, REPORT_ID, PRESS_RELEASE]
    assert SYNTHETIC_RELEASE not in {report["id"] for report in with_text}
    found = sources(series_archive)
    assert [source.get("guid") for source, _ in found] == [
        guid("source", report["id"]) for report in with_text
    ]
    assert [s.get("name") for s, _ in found] == [file_safe_name(r["title"]) for r in with_text]
    assert [text for _, text in found][:2] == [
        (FIXTURE_REPORTS / SYNTHETIC / "text.txt").read_text("utf-8"),
        (SEEDS_DIR / REPORT_DIR / "text.txt").read_text("utf-8"),
    ]
    file_names = [source.get("plainTextPath").removeprefix(INTERNAL) for source, _ in found]
    assert series_archive.names == [PROJECT_FILE] + [f"Sources/{name}" for name in file_names]
    assert series_archive.root.get("name") == (
        "Insights API test fixtures, Alliance for Health Policy - insights reports"
    )


def test_each_selection_is_its_quote_in_its_own_reports_text(
    series_api: TestClient, series_archive: Archive
) -> None:
    quotes = {
        quote["id"]: quote for quote in walk_pages(series_api, "/v1/quotes?limit=100", max_pages=5)
    }
    seen: list[str] = []
    for source, text in sources(series_archive):
        for selection in children(source, "PlainTextSelection"):
            quote = quotes[selection.get("name")]
            assert source.get("guid") == guid("source", quote["report"]["id"])
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] == quote["text"], quote["id"]
            assert description(selection) == (
                f"From {quote['report']['title']} ({quote['report']['id']})"
            )
            seen.append(quote["id"])
    assert sorted(seen) == sorted(quotes)
    assert len(seen) == EXPECTED_QUOTES + SYNTHETIC_QUOTES


def test_layers_are_shared_folders_described_by_the_newest_report(
    series_archive: Archive, series_api: TestClient
) -> None:
    themes = series_api.get("/v1/themes").json()["items"]
    newest = layer_descriptions(FIXTURE_REPORTS / SYNTHETIC)
    layers = series_archive.all("CodeBook/Codes/Code")
    assert [code.get("guid") for code in layers] == [guid("layer", layer) for layer in newest]
    for code in layers:
        layer_id = next(layer for layer in newest if guid("layer", layer) == code.get("guid"))
        assert code.get("isCodable") == "false"
        assert description(code) == newest[layer_id]
        expected = [theme for theme in themes if theme["layer"]["id"] == layer_id]
        assert [child.get("guid") for child in children(code, "Code")] == [
            guid("code", theme["id"]) for theme in expected
        ]
        assert {theme["report"]["id"] for theme in expected} == {SYNTHETIC, REPORT_ID}


def test_the_single_report_keeps_its_own_layer_texts(project: QdpxProject) -> None:
    own = layer_descriptions(SEEDS_DIR / REPORT_DIR)
    assert {layer.id: layer.description for layer in project.layers} == own


def test_cases_carry_their_report(series_archive: Archive, series_api: TestClient) -> None:
    titles = {r["id"]: r["title"] for r in series_api.get("/v1/reports").json()["items"]}
    (report_variable,) = [
        v for v in series_archive.all("Variables/Variable") if v.get("name") == "Report"
    ]
    assert report_variable.get("guid") == guid("variable", "Report")
    by_report: Counter[str] = Counter()
    for case in series_archive.all("Cases/Case"):
        values = [
            children(value, "TextValue")[0].text
            for value in children(case, "VariableValue")
            if children(value, "VariableRef")[0].get("targetGUID") == report_variable.get("guid")
        ]
        (title,) = values
        by_report[title] += 1
    assert by_report == {
        titles[SYNTHETIC]: SYNTHETIC_INTERVIEWS,
        titles[REPORT_ID]: EXPECTED_INTERVIEWS,
    }


def test_adding_a_report_changes_no_guid_of_the_real_one(
    archive: Archive, series_archive: Archive
) -> None:
    def named(found: Archive) -> dict[str, tuple[str, str | None]]:
        return {
            key: (tag(element), element.get("name")) for key, element in found.by_guid().items()
        }

    before, after = named(archive), named(series_archive)
    assert before.items() <= after.items()
    for (kind, stable_id), pinned in PINNED_GUIDS.items():
        if kind not in ("coding", "user"):
            assert pinned in before, (kind, stable_id)


@pytest.mark.parametrize(
    ("report", "file_name", "selections", "cases"),
    [
        (SYNTHETIC, f"{SYNTHETIC}.qdpx", SYNTHETIC_QUOTES, SYNTHETIC_INTERVIEWS),
        (REPORT_ID, f"{REPORT_ID}.qdpx", EXPECTED_QUOTES, EXPECTED_INTERVIEWS),
        (PRESS_RELEASE, f"{PRESS_RELEASE}.qdpx", 0, 0),
    ],
)
def test_report_narrows_the_export_to_one_report(
    series_api: TestClient, report: str, file_name: str, selections: int, cases: int
) -> None:
    response = series_api.get(f"{EXPORT_URL}?report={report}")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == f'attachment; filename="{file_name}"'
    archive = read_archive(response.content)
    ((source, _),) = sources(archive)
    assert source.get("guid") == guid("source", report)
    assert archive.root.get("name") == source.get("name")
    assert len(children(source, "PlainTextSelection")) == selections
    assert len(archive.all("Cases/Case")) == cases


def test_report_is_repeatable(series_api: TestClient) -> None:
    response = series_api.get(f"{EXPORT_URL}?report={REPORT_ID}&report={SYNTHETIC}")
    assert response.headers["content-disposition"] == (
        'attachment; filename="insights-series.qdpx"'
    )
    found = sources(read_archive(response.content))
    assert [s.get("guid") for s, _ in found] == [
        guid("source", SYNTHETIC),
        guid("source", REPORT_ID),
    ]


@pytest.mark.parametrize("query", ["report=nope", f"report={REPORT_ID}&report=nope"])
def test_an_unknown_report_is_a_422(series_api: TestClient, query: str) -> None:
    body = assert_problem(series_api.get(f"{EXPORT_URL}?{query}"), 422)
    assert body["errors"] == [
        {"loc": ["query", "report"], "msg": "unknown report 'nope'", "type": "unknown_id"}
    ]


def test_a_report_without_a_text_is_not_found(series_api: TestClient) -> None:
    assert_problem(series_api.get(f"{EXPORT_URL}?report={SYNTHETIC_RELEASE}"), 404)


def test_two_themes_of_one_name_are_told_apart_by_report(series: Engine) -> None:
    built = read_project(series)
    real = next(theme for theme in built.themes if theme.report_id == REPORT_ID)
    twin = next(theme for theme in built.themes if theme.report_id == SYNTHETIC)
    themes = [
        dataclasses.replace(theme, title=real.title) if theme.id == twin.id else theme
        for theme in built.themes
    ]
    archive = read_archive(build_qdpx(dataclasses.replace(built, themes=themes)))
    codes = {code.get("guid"): code.get("name") for code in archive.root.iter(f"{{{QDA}}}Code")}
    assert codes[guid("code", real.id)] == f"{real.title} ({REPORT_ID})"
    assert codes[guid("code", twin.id)] == f"{real.title} ({SYNTHETIC})"
    others = [theme for theme in built.themes if theme.id not in (real.id, twin.id)]
    assert [codes[guid("code", theme.id)] for theme in others] == [t.title for t in others]


def test_two_interviewees_of_one_name_are_told_apart_by_report(series: Engine) -> None:
    built = read_project(series)
    real = next(i for i in built.interviews if i.report_id == REPORT_ID)
    twin = next(i for i in built.interviews if i.report_id == SYNTHETIC)
    interviews = [
        dataclasses.replace(i, attribution=real.attribution) if i.id == twin.id else i
        for i in built.interviews
    ]
    archive = read_archive(build_qdpx(dataclasses.replace(built, interviews=interviews)))
    cases = {case.get("guid"): case.get("name") for case in archive.all("Cases/Case")}
    assert cases[guid("case", real.id)] == f"{real.attribution} ({REPORT_ID})"
    assert cases[guid("case", twin.id)] == f"{real.attribution} ({SYNTHETIC})"
    assert len(set(cases.values())) == len(cases)


def test_names_a_qualcoder_import_keeps_unique_are_unique(series_archive: Archive) -> None:
    # QualCoder's tables hold one code, category, case and source per name: a repeated name is
    # dropped there, and its codings with it.
    for path in (
        "CodeBook/Codes/Code",
        "CodeBook/Codes/Code/Code",
        "Cases/Case",
        "Sources/TextSource",
    ):
        names = [element.get("name") for element in series_archive.all(path)]
        assert len(names) == len(set(names)), path


# --- the quote list's filters -----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "not_layer=tip-of-the-iceberg&q=patient*",
        "stakeholder_type=payer",
        "tag=medicaid&max_length=300",
        "interview=former-federal-regulator",
    ],
)
def test_the_quote_list_s_filters_export_just_their_quotes(
    client: TestClient, schema: Element, query: str
) -> None:
    response = client.get(f"{EXPORT_URL}?{query}")
    assert response.status_code == 200, response.text
    archive = read_archive(response.content)
    assert schema.validate(etree.fromstring(archive.members["project.qde"])), schema.error_log
    matching = walk_pages(client, f"/v1/quotes?limit=100&{query}", max_pages=1)
    selections = [s.get("name") for s in archive.all("Sources/TextSource/PlainTextSelection")]
    assert selections == [quote["id"] for quote in matching]
    assert 0 < len(selections) < EXPECTED_QUOTES
    cases = {case.get("guid") for case in archive.all("Cases/Case")}
    assert cases == {guid("case", quote["interview"]["id"]) for quote in matching}
    # The codebook stays whole: every theme of the report, coded or not.
    assert len(archive.all("CodeBook/Codes/Code/Code")) == 18


def test_filters_keep_only_the_reports_of_their_quotes(series_api: TestClient) -> None:
    everything = sources(read_archive(series_api.get(EXPORT_URL).content))
    assert len(everything) > 1
    one = sources(read_archive(series_api.get(f"{EXPORT_URL}?interview={INTERVIEW}").content))
    assert [source.get("guid") for source, _ in one] == [guid("source", REPORT_ID)]


def test_filters_that_match_nothing_are_not_found(client: TestClient) -> None:
    assert_problem(client.get(f"{EXPORT_URL}?stakeholder_type=state-policymaker"), 404)


def test_names_are_valid_windows_file_names(series_archive: Archive) -> None:
    names = [series_archive.root.get("name")]
    names += [source.get("name") for source in series_archive.all("Sources/TextSource")]
    assert names
    for name in names:
        assert not set(name) & set('<>:"/\\|?*'), name
        assert name == name.strip(" ")
        assert not name.endswith(".")
    assert "Signature Seminar Insights Report - Cell and Gene Therapy Policy" in names


# --- QualCoder's case links -------------------------------------------------------------------


def test_case_codes_code_each_quote_with_its_interview(client: TestClient, schema: Element) -> None:
    archive = read_archive(client.get(f"{EXPORT_URL}?report={REPORT_ID}&case_codes=true").content)
    assert schema.validate(etree.fromstring(archive.members["project.qde"])), schema.error_log
    cases = {case.get("guid"): case.get("name") for case in archive.all("Cases/Case")}
    top = archive.all("CodeBook/Codes/Code")
    case_codes = {code.get("guid"): code.get("name") for code in top if code.get("guid") in cases}
    # One top-level codable code per case, its GUID the case's, its name told apart from themes.
    assert case_codes == {case_guid: f"Case: {name}" for case_guid, name in cases.items()}
    assert all(code.get("isCodable") == "true" for code in top if code.get("guid") in cases)
    quotes = {q["id"]: q for q in walk_pages(client, "/v1/quotes?limit=100", max_pages=1)}
    for selection in archive.all("Sources/TextSource/PlainTextSelection"):
        targets = [
            ref.get("targetGUID")
            for coding in children(selection, "Coding")
            for ref in children(coding, "CodeRef")
        ]
        quote = quotes[selection.get("name")]
        assert targets == [
            guid("code", quote["theme"]["id"]),
            guid("case", quote["interview"]["id"]),
        ]


def test_without_case_codes_no_code_is_a_case(archive: Archive) -> None:
    cases = {case.get("guid") for case in archive.all("Cases/Case")}
    assert cases
    assert not cases & {code.get("guid") for code in archive.all("CodeBook/Codes/Code")}
