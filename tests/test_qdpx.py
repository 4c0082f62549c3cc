"""The REFI-QDA export: the seeded report's .qdpx, checked against the QDA-XML schema and data. It
is long because the archive is read back independently, element by element.

The archive is read back independently of how it was built: codes, cases and selections are
found through the GUIDs the XML itself gives, never through app.render.qdpx's GUID helper, so a
wrong reference fails here however it was made.

The schema lives outside the repository, in ``shared/refi-qda`` beside the repository's folder.
Where it is missing the schema test is skipped, except on CI (``CI=true``), where it fails.
"""

import dataclasses
import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Final

import pytest
from lxml import etree
from sqlalchemy import Engine
from sqlmodel import Session

from app.queries.exports import qdpx_project
from app.render.qdpx import QdpxProject, QdpxQuote, build_qdpx
from tests.helpers.ci import skip_or_fail

REPORT_ID: Final = "cgt-insights-2026"
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
VARIABLE_NAMES: Final = ("Stakeholder type", "Organisation type", "Role", "Attribution")

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


@pytest.fixture(scope="module")
def project(engine: Engine) -> QdpxProject:
    """The seeded report's REFI-QDA project, as the API's export builds it."""
    with Session(engine) as session:
        built = qdpx_project(session, REPORT_ID)
    assert built is not None
    return built


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


def source_text(archive: Archive) -> tuple[Element, str]:
    """The one TextSource and the text of the file its plainTextPath names."""
    (source,) = archive.all("Sources/TextSource")
    path = source.get("plainTextPath")
    assert path.startswith(INTERNAL)
    return source, archive.members[f"Sources/{path.removeprefix(INTERNAL)}"].decode("utf-8")


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
    assert text == project.report_text
    assert source.get("name") == project.report_title
    assert description(source) == project.credit
    assert source.find("q:PlainTextContent", NS) is None  # a path or inline text, never both


def test_project_attributes_and_user(archive: Archive, project: QdpxProject) -> None:
    root = archive.root
    (user,) = archive.all("Users/User")
    assert user.get("name") == "Insights API"
    assert root.get("name") == project.report_title
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
    quotes[7] = change(quotes[7], project.report_text)
    with pytest.raises(ValueError, match=quotes[7].id):
        build_qdpx(dataclasses.replace(project, quotes=quotes))
