"""A REFI-QDA project (.qdpx) of the reports: NVivo, ATLAS.ti and MAXQDA open it already coded.
It is long because the QDA-XML document is written in one place, element by element in the
order the schema fixes, beside the checks that keep every offset and GUID consistent.

Each report with a full text is a text source whose selections are its quotes; the layers are
code folders shared by every report, each report's themes are codes under them, and each
interview is a case whose "Report" variable names the report it was held for.
"""

import io
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final


@dataclass(frozen=True)
class QdpxReport:
    """A report with a full text: a text source."""

    id: str
    title: str
    publisher: str
    credit: str
    text: str


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
    report_id: str
    title: str
    summary: str
    layer_id: str


@dataclass(frozen=True)
class QdpxInterview:
    """An interview: a case, with its stakeholder variables."""

    id: str
    report_id: str
    attribution: str
    role_title: str
    organisation_type: str | None
    stakeholder_type: str


@dataclass(frozen=True)
class QdpxQuote:
    """A quote: a coded selection of its report's text."""

    id: str
    report_id: str
    theme_id: str
    interview_id: str
    start_offset: int
    end_offset: int
    text: str


@dataclass(frozen=True)
class QdpxProject:
    """Everything the export holds."""

    reports: list[QdpxReport]
    layers: list[QdpxLayer]
    themes: list[QdpxTheme]
    interviews: list[QdpxInterview]
    quotes: list[QdpxQuote]
    created_at: datetime
    # Each interview also a code over its quotes, with its case's GUID (see CASE_CODE_PREFIX).
    case_codes: bool = False


# ---------------------------------------------------------------------------------------------
# Building the archive
# ---------------------------------------------------------------------------------------------

QDPX_MEDIA_TYPE: Final = "application/vnd.refi-qda+zip"
QDA_NAMESPACE: Final = "urn:QDA-XML:project:1.0"
ORIGIN: Final = "Insights API"
USER_NAME: Final = "Insights API"
PROJECT_FILE: Final = "project.qde"
SOURCES_FOLDER: Final = "Sources"
SERIES_FILE_NAME: Final = "insights-series.qdpx"
# QualCoder links a case to text only through a code whose GUID is the case's: it reads no
# SelectionRef or SourceRef of a named Case, and on import turns each such code's codings into
# the case's links and deletes the code. With `case_codes`, each interview is also such a code,
# named with this prefix so that no theme shares its name (QualCoder keeps code names unique).
CASE_CODE_PREFIX: Final = "Case: "
# The namespace of every GUID in the export: uuid5 of it and a stable id ("code:<theme id>") is
# the same for the same data, so exports of unchanged data are byte-identical and re-imports
# recognise the same codes, cases and selections. Changing it changes every GUID.
GUID_NAMESPACE: Final = uuid.UUID("6f1c1d0e-3b7a-5c8e-9d2f-0a4b5c6d7e8f")

STAKEHOLDER_TYPE: Final = "Stakeholder type"
ORGANISATION_TYPE: Final = "Organisation type"
ROLE: Final = "Role"
ATTRIBUTION: Final = "Attribution"
# The title of the report the interview was held for, so that cases can be grouped by report.
REPORT: Final = "Report"
VARIABLES: Final = (STAKEHOLDER_TYPE, ORGANISATION_TYPE, ROLE, ATTRIBUTION, REPORT)
ZIP_EPOCH: Final = (1980, 1, 1, 0, 0, 0)
XML_DECLARATION: Final = b'<?xml version="1.0" encoding="UTF-8"?>\n'
# Characters XML 1.0 cannot hold (section 2.2): a document holding one is not well-formed.
NOT_XML_CHARACTER: Final = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def guid(kind: str, stable_id: str) -> str:
    """The deterministic GUID of an exported object, lowercase 8-4-4-4-12 hex (GUIDType)."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{stable_id}"))


# What a Windows file name cannot hold (QualCoder names a source's file after the source).
_NOT_IN_FILE_NAMES: Final = re.compile(r'[<>"/\\|?*\x00-\x1f]')
_RESERVED_FILE_NAMES: Final = re.compile(r"(?i)^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\.|$)")


def file_safe_name(name: str) -> str:
    """`name` as a file name valid on Windows too: a colon becomes " - ", the other characters
    Windows refuses are dropped, trailing dots and spaces go, and a device name gets a "_"."""
    safe = _NOT_IN_FILE_NAMES.sub("", re.sub(r"\s*:\s*", " - ", name)).lstrip(" ").rstrip(" .")
    safe = safe or "untitled"
    return f"_{safe}" if _RESERVED_FILE_NAMES.match(safe) else safe


def source_file_name(report_id: str) -> str:
    """The file name of a report's text in the archive's Sources folder."""
    return f"{guid('source', report_id)}.txt"


def project_name(project: QdpxProject) -> str:
    """The project's name: the report's title, or for several reports their publishers' series."""
    if len(project.reports) == 1:
        return project.reports[0].title
    publishers = ", ".join(dict.fromkeys(report.publisher for report in project.reports))
    return f"{publishers}: insights reports"


def archive_file_name(project: QdpxProject) -> str:
    """The archive's file name: the report's id, or for several reports the series'."""
    if len(project.reports) == 1:
        return f"{project.reports[0].id}.qdpx"
    return SERIES_FILE_NAME


def distinct_names(items: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """The name to show for each (id, name, report id): a name that several items share is
    followed by the item's report id.

    Two reports may each have a theme or an interviewee of the same name; QualCoder keeps code
    and case names unique and codes a second "Payment Parity" nowhere, so the export tells them
    apart itself. A name no other item has is left as it is, so one report's names never change.
    """
    listed = list(items)
    uses = Counter(name for _, name, _ in listed)
    return {
        item_id: name if uses[name] == 1 else f"{name} ({report_id})"
        for item_id, name, report_id in listed
    }


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
    for report in project.reports:
        for value in (report.title, report.publisher, report.credit):
            yield "report", report.id, value
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
    """Raise ValueError unless every id is unique, every reference resolves and every quote's
    offsets give its text in its own report's text."""
    if not project.reports:
        raise ValueError("a project holds at least one report")
    _check_unique_ids(project)
    _check_references(project)
    for kind, item_id, value in _xml_strings(project):
        if NOT_XML_CHARACTER.search(value):
            raise ValueError(f"{kind} {item_id}: a character XML 1.0 cannot hold")
    _check_offsets(project)


def _check_unique_ids(project: QdpxProject) -> None:
    """Raise ValueError naming the ids that two objects of one kind share."""
    for kind, ids in (
        ("report", [report.id for report in project.reports]),
        ("layer", [layer.id for layer in project.layers]),
        ("theme", [theme.id for theme in project.themes]),
        ("interview", [interview.id for interview in project.interviews]),
        ("quote", [quote.id for quote in project.quotes]),
    ):
        duplicates = sorted(item for item, n in Counter(ids).items() if n > 1)
        if duplicates:
            raise ValueError(f"duplicate {kind} ids: {', '.join(duplicates)}")


def _check_references(project: QdpxProject) -> None:
    """Raise ValueError at the first reference to an object the project does not hold."""
    known = {
        "report": {report.id for report in project.reports},
        "layer": {layer.id for layer in project.layers},
        "theme": {theme.id for theme in project.themes},
        "interview": {interview.id for interview in project.interviews},
    }
    references: list[tuple[str, str, str, str]] = []
    for theme in project.themes:
        references += [("theme", theme.id, "layer", theme.layer_id)]
        references += [("theme", theme.id, "report", theme.report_id)]
    for interview in project.interviews:
        references += [("interview", interview.id, "report", interview.report_id)]
    for quote in project.quotes:
        references += [("quote", quote.id, "report", quote.report_id)]
        references += [("quote", quote.id, "theme", quote.theme_id)]
        references += [("quote", quote.id, "interview", quote.interview_id)]
    for kind, item_id, target_kind, target in references:
        if target not in known[target_kind]:
            raise ValueError(f"{kind} {item_id} names an unknown {target_kind} {target!r}")


def _check_offsets(project: QdpxProject) -> None:
    """Raise ValueError unless each quote is the slice of its report's text its offsets give.

    Positions in a PlainTextSelection are Unicode code point offsets into the plain text of the
    selection's own source (REFI-QDA 1.5, section 10.2), which is what Python str offsets are; a
    quote whose slice is not its text would be coded at the wrong place in every tool, so it
    never ships.
    """
    texts = {report.id: report.text for report in project.reports}
    for quote in project.quotes:
        text = texts[quote.report_id]
        start, end = quote.start_offset, quote.end_offset
        if not 0 <= start < end <= len(text):
            raise ValueError(
                f"quote {quote.id}: offsets [{start}, {end}) are outside the text of report "
                f"{quote.report_id} (length {len(text)})"
            )
        if text[start:end] != quote.text:
            raise ValueError(
                f"quote {quote.id}: the text of report {quote.report_id} at [{start}, {end}) "
                "is not the quote's text"
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
    """project.qde: the QDA-XML document, its elements in the order Project-mrt2019.xsd demands
    (Users, CodeBook, Variables, Cases, Sources)."""
    user = guid("user", "insights-api")
    created = _xsd_datetime(project.created_at)
    root = ET.Element(
        "Project",
        {
            "xmlns": QDA_NAMESPACE,
            "name": file_safe_name(project_name(project)),
            "origin": ORIGIN,
            "creatingUserGUID": user,
            "creationDateTime": created,
        },
    )
    users = _element(root, "Users")
    _element(users, "User", guid=user, name=USER_NAME)
    # Codes, Variables and Cases must each hold at least one child, so an empty one is left out.
    if project.layers or (project.case_codes and project.interviews):
        _codebook(_element(root, "CodeBook"), project)
    if project.interviews:
        _variables(_element(root, "Variables"))
        _cases(_element(root, "Cases"), project)
    _sources(_element(root, "Sources"), project, user, created)
    ET.indent(root)
    return XML_DECLARATION + ET.tostring(root, encoding="unicode").encode("utf-8")


def _codebook(codebook: ET.Element, project: QdpxProject) -> None:
    """The codes: each layer a code folder over every report's themes in that layer (and with
    `case_codes`, each interview a code after them).

    Nothing is coded to a layer itself, so layers are not codable (REFI-QDA 1.5, section 11);
    their themes are the codes the quotes are coded with.
    """
    codes = _element(codebook, "Codes")
    names = distinct_names((theme.id, theme.title, theme.report_id) for theme in project.themes)
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
                    name=names[theme.id],
                    isCodable="true",
                )
                _description(theme_code, theme.summary)
    if project.case_codes:
        cases = distinct_names((i.id, i.attribution, i.report_id) for i in project.interviews)
        for interview in project.interviews:
            name = CASE_CODE_PREFIX + cases[interview.id]
            _element(codes, "Code", guid=guid("case", interview.id), name=name, isCodable="true")


def _variables(variables: ET.Element) -> None:
    """The case variables, all text."""
    for name in VARIABLES:
        _element(
            variables, "Variable", guid=guid("variable", name), name=name, typeOfVariable="Text"
        )


def _cases(cases: ET.Element, project: QdpxProject) -> None:
    """The cases: each interview with its variables and the selections of its quotes."""
    titles = {report.id: report.title for report in project.reports}
    names = distinct_names((i.id, i.attribution, i.report_id) for i in project.interviews)
    selections: defaultdict[str, list[str]] = defaultdict(list)
    for quote in project.quotes:
        selections[quote.interview_id].append(quote.id)
    for interview in project.interviews:
        case = _element(cases, "Case", guid=guid("case", interview.id), name=names[interview.id])
        values = {
            STAKEHOLDER_TYPE: interview.stakeholder_type,
            ORGANISATION_TYPE: interview.organisation_type,
            ROLE: interview.role_title,
            ATTRIBUTION: interview.attribution,
            REPORT: titles[interview.report_id],
        }
        for name in VARIABLES:
            value = values[name]
            if value is None:
                continue  # no organisation named: no value, rather than an empty one
            variable_value = _element(case, "VariableValue")
            _element(variable_value, "VariableRef", targetGUID=guid("variable", name))
            _element(variable_value, "TextValue").text = value
        for quote_id in selections[interview.id]:
            _element(case, "SelectionRef", targetGUID=guid("selection", quote_id))


def _sources(sources: ET.Element, project: QdpxProject, user: str, created: str) -> None:
    """The text sources, one per report in report order, each with its quotes as selections.
    Long because a source, its selections and their codings are one nesting, written in the
    order the schema fixes."""
    quotes: defaultdict[str, list[QdpxQuote]] = defaultdict(list)
    for quote in project.quotes:
        quotes[quote.report_id].append(quote)
    for report in project.reports:
        source = _element(
            sources,
            "TextSource",
            guid=guid("source", report.id),
            name=file_safe_name(report.title),
            plainTextPath=f"internal://{source_file_name(report.id)}",
            creatingUser=user,
            creationDateTime=created,
        )
        _description(source, report.credit)
        for quote in quotes[report.id]:
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
            # A selection read away from its source (a coding report, a retrieved segment)
            # still names the report it quotes.
            _description(selection, f"From {report.title} ({report.id})")
            codes = [("coding", guid("code", quote.theme_id))]
            if project.case_codes:
                codes.append(("case-coding", guid("case", quote.interview_id)))
            for kind, code in codes:
                coding = _element(
                    selection,
                    "Coding",
                    guid=guid(kind, quote.id),
                    creatingUser=user,
                    creationDateTime=created,
                )
                _element(coding, "CodeRef", targetGUID=code)


def _member(name: str, date_time: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    """An archive member with fixed metadata, so that equal data gives equal bytes."""
    info = zipfile.ZipInfo(name, date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, whatever system builds it
    info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
    return info


def build_qdpx(project: QdpxProject) -> bytes:
    """The .qdpx archive: project.qde and each report's text under Sources/."""
    check_project(project)
    date_time = _zip_date_time(project.created_at)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_member(PROJECT_FILE, date_time), project_xml(project))
        for report in project.reports:
            archive.writestr(
                _member(f"{SOURCES_FOLDER}/{source_file_name(report.id)}", date_time),
                report.text.encode("utf-8"),
            )
    return buffer.getvalue()
