"""A REFI-QDA project (.qdpx) of the report: NVivo, ATLAS.ti and MAXQDA open it already coded.
It is long because the QDA-XML document is written in one place, element by element in the
order the schema fixes, beside the checks that keep every offset and GUID consistent."""

import io
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final


@dataclass(frozen=True)
class QdpxLayer:
    """An iceberg layer: a parent code."""

    id: str
    name: str
    description: str


@dataclass(frozen=True)
class QdpxTheme:
    """A theme: a code under its layer's code."""

    id: str
    title: str
    summary: str
    layer_id: str


@dataclass(frozen=True)
class QdpxInterview:
    """An interview: a case, with its stakeholder variables."""

    id: str
    attribution: str
    role_title: str
    organisation_type: str | None
    stakeholder_type: str


@dataclass(frozen=True)
class QdpxQuote:
    """A quote: a coded selection of the report's text."""

    id: str
    theme_id: str
    interview_id: str
    start_offset: int
    end_offset: int
    text: str


@dataclass(frozen=True)
class QdpxProject:
    """Everything the export holds."""

    report_id: str
    report_title: str
    report_text: str
    credit: str
    layers: list[QdpxLayer]
    themes: list[QdpxTheme]
    interviews: list[QdpxInterview]
    quotes: list[QdpxQuote]
    created_at: datetime


# ---------------------------------------------------------------------------------------------
# Building the archive
# ---------------------------------------------------------------------------------------------

QDPX_MEDIA_TYPE: Final = "application/vnd.refi-qda+zip"
QDA_NAMESPACE: Final = "urn:QDA-XML:project:1.0"
ORIGIN: Final = "Insights API"
USER_NAME: Final = "Insights API"
PROJECT_FILE: Final = "project.qde"
SOURCES_FOLDER: Final = "Sources"
# The namespace of every GUID in the export: uuid5 of it and a stable id ("code:<theme id>") is
# the same for the same data, so exports of unchanged data are byte-identical and re-imports
# recognise the same codes, cases and selections. Changing it changes every GUID.
GUID_NAMESPACE: Final = uuid.UUID("6f1c1d0e-3b7a-5c8e-9d2f-0a4b5c6d7e8f")

STAKEHOLDER_TYPE: Final = "Stakeholder type"
ORGANISATION_TYPE: Final = "Organisation type"
ROLE: Final = "Role"
ATTRIBUTION: Final = "Attribution"
VARIABLES: Final = (STAKEHOLDER_TYPE, ORGANISATION_TYPE, ROLE, ATTRIBUTION)
ZIP_EPOCH: Final = (1980, 1, 1, 0, 0, 0)
XML_DECLARATION: Final = b'<?xml version="1.0" encoding="UTF-8"?>\n'
# Characters XML 1.0 cannot hold (section 2.2): a document holding one is not well-formed.
NOT_XML_CHARACTER: Final = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def guid(kind: str, stable_id: str) -> str:
    """The deterministic GUID of an exported object, lowercase 8-4-4-4-12 hex (GUIDType)."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{stable_id}"))


def source_file_name(project: QdpxProject) -> str:
    """The report text's file name in the archive's Sources folder."""
    return f"{guid('source', project.report_id)}.txt"


def _utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _xsd_datetime(moment: datetime) -> str:
    """An xsd:dateTime in UTC to the second, e.g. 2026-11-25T04:16:44Z."""
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def _zip_date_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """The archive members' timestamp: `moment` in UTC, or 1980-01-01 where ZIP cannot hold it."""
    at = _utc(moment)
    if not 1980 <= at.year <= 2107:
        return ZIP_EPOCH
    return (at.year, at.month, at.day, at.hour, at.minute, at.second)


def _xml_strings(project: QdpxProject) -> Iterator[tuple[str, str, str]]:
    """(kind, id, value) of every string project.qde holds."""
    yield "report", project.report_id, project.report_title
    yield "report", project.report_id, project.credit
    for layer in project.layers:
        yield from (("layer", layer.id, value) for value in (layer.name, layer.description))
    for theme in project.themes:
        yield from (("theme", theme.id, value) for value in (theme.title, theme.summary))
    for interview in project.interviews:
        values = (
            interview.attribution,
            interview.role_title,
            interview.organisation_type or "",
            interview.stakeholder_type,
        )
        yield from (("interview", interview.id, value) for value in values)
    for quote in project.quotes:
        yield "quote", quote.id, quote.id


def check_project(project: QdpxProject) -> None:
    """Raise ValueError unless every reference resolves and every quote's offsets give its text.
    Long because it is one list of checks, each a few lines.

    Positions in a PlainTextSelection are Unicode code point offsets into the plain text (REFI-QDA
    1.5, section 10.2), which is what Python str offsets are; a quote whose slice of the report
    text is not its text would be coded at the wrong place in every tool, so it never ships.
    """
    layer_ids = {layer.id for layer in project.layers}
    theme_ids = {theme.id for theme in project.themes}
    interview_ids = {interview.id for interview in project.interviews}
    for kind, ids in (
        ("layer", [layer.id for layer in project.layers]),
        ("theme", [theme.id for theme in project.themes]),
        ("interview", [interview.id for interview in project.interviews]),
        ("quote", [quote.id for quote in project.quotes]),
    ):
        duplicates = sorted({item for item in ids if ids.count(item) > 1})
        if duplicates:
            raise ValueError(f"duplicate {kind} ids: {', '.join(duplicates)}")
    for theme in project.themes:
        if theme.layer_id not in layer_ids:
            raise ValueError(f"theme {theme.id} names an unknown layer {theme.layer_id!r}")
    for kind, item_id, value in _xml_strings(project):
        if NOT_XML_CHARACTER.search(value):
            raise ValueError(f"{kind} {item_id}: a character XML 1.0 cannot hold")
    text = project.report_text
    for quote in project.quotes:
        if quote.theme_id not in theme_ids:
            raise ValueError(f"quote {quote.id} names an unknown theme {quote.theme_id!r}")
        if quote.interview_id not in interview_ids:
            raise ValueError(f"quote {quote.id} names an unknown interview {quote.interview_id!r}")
        start, end = quote.start_offset, quote.end_offset
        if not 0 <= start < end <= len(text):
            raise ValueError(
                f"quote {quote.id}: offsets [{start}, {end}) are outside the report text "
                f"(length {len(text)})"
            )
        if text[start:end] != quote.text:
            raise ValueError(
                f"quote {quote.id}: the report text at [{start}, {end}) is not the quote's text"
            )


def _element(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    """A child element of `parent`, in the QDA-XML namespace that the root declares as default.

    Tags stay unqualified here and the root carries xmlns: ElementTree's own default_namespace
    option refuses unqualified attributes, which every QDA-XML attribute is.
    """
    return ET.SubElement(parent, tag, attributes)


def _description(parent: ET.Element, text: str) -> None:
    """A Description child holding `text`, if there is any."""
    if text:
        _element(parent, "Description").text = text


def project_xml(project: QdpxProject) -> bytes:
    """project.qde: the QDA-XML document, its elements in the order Project-mrt2019.xsd demands.

    Long because the schema fixes one order for the whole document: split, it would be read
    across functions in that same order.
    """
    user = guid("user", "insights-api")
    created = _xsd_datetime(project.created_at)
    root = ET.Element(
        "Project",
        {
            "xmlns": QDA_NAMESPACE,
            "name": project.report_title,
            "origin": ORIGIN,
            "creatingUserGUID": user,
            "creationDateTime": created,
        },
    )

    users = _element(root, "Users")
    _element(users, "User", guid=user, name=USER_NAME)

    # Codes, Variables and Cases must each hold at least one child, so an empty one is left out.
    # Layers are code folders: nothing is coded to a layer itself, so they are not codable
    # (REFI-QDA 1.5, section 11); their themes are the codes the quotes are coded with.
    if project.layers:
        codes = _element(_element(root, "CodeBook"), "Codes")
        for layer in project.layers:
            layer_code = _element(
                codes, "Code", guid=guid("layer", layer.id), name=layer.name, isCodable="false"
            )
            _description(layer_code, layer.description)
            for theme in project.themes:
                if theme.layer_id == layer.id:
                    theme_code = _element(
                        layer_code,
                        "Code",
                        guid=guid("code", theme.id),
                        name=theme.title,
                        isCodable="true",
                    )
                    _description(theme_code, theme.summary)

    if project.interviews:
        variables = _element(root, "Variables")
        for name in VARIABLES:
            _element(
                variables,
                "Variable",
                guid=guid("variable", name),
                name=name,
                typeOfVariable="Text",
            )
        cases = _element(root, "Cases")
        for interview in project.interviews:
            case = _element(
                cases, "Case", guid=guid("case", interview.id), name=interview.attribution
            )
            values = {
                STAKEHOLDER_TYPE: interview.stakeholder_type,
                ORGANISATION_TYPE: interview.organisation_type,
                ROLE: interview.role_title,
                ATTRIBUTION: interview.attribution,
            }
            for name in VARIABLES:
                value = values[name]
                if value is None:
                    continue  # no organisation named: no value, rather than an empty one
                variable_value = _element(case, "VariableValue")
                _element(variable_value, "VariableRef", targetGUID=guid("variable", name))
                _element(variable_value, "TextValue").text = value
            for quote in project.quotes:
                if quote.interview_id == interview.id:
                    _element(case, "SelectionRef", targetGUID=guid("selection", quote.id))

    sources = _element(root, "Sources")
    source = _element(
        sources,
        "TextSource",
        guid=guid("source", project.report_id),
        name=project.report_title,
        plainTextPath=f"internal://{source_file_name(project)}",
        creatingUser=user,
        creationDateTime=created,
    )
    _description(source, project.credit)
    for quote in project.quotes:
        selection = _element(
            source,
            "PlainTextSelection",
            guid=guid("selection", quote.id),
            name=quote.id,
            startPosition=str(quote.start_offset),
            endPosition=str(quote.end_offset),
            creatingUser=user,
            creationDateTime=created,
        )
        coding = _element(
            selection,
            "Coding",
            guid=guid("coding", quote.id),
            creatingUser=user,
            creationDateTime=created,
        )
        _element(coding, "CodeRef", targetGUID=guid("code", quote.theme_id))

    ET.indent(root)
    return XML_DECLARATION + ET.tostring(root, encoding="unicode").encode("utf-8")


def _member(name: str, date_time: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    """An archive member with fixed metadata, so that equal data gives equal bytes."""
    info = zipfile.ZipInfo(name, date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, whatever system builds it
    info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
    return info


def build_qdpx(project: QdpxProject) -> bytes:
    """The .qdpx archive: project.qde and the report's text under Sources/."""
    check_project(project)
    date_time = _zip_date_time(project.created_at)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_member(PROJECT_FILE, date_time), project_xml(project))
        archive.writestr(
            _member(f"{SOURCES_FOLDER}/{source_file_name(project)}", date_time),
            project.report_text.encode("utf-8"),
        )
    return buffer.getvalue()
