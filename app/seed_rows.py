"""From seed files to table rows: every record validated, every cross-reference checked.

Problems are collected across all files and records before anything is written, each naming
its file, record and field; the rows come out keyed by table, in TABLE_ORDER.
"""

from collections.abc import Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar, cast

from app.seed_files import (
    SPECS,
    InterviewRecord,
    LayerRecord,
    OrganisationTypeRecord,
    QuoteRecord,
    Record,
    ReportRecord,
    SeedError,
    SeedFile,
    SeedProblem,
    StakeholderTypeRecord,
    TagRecord,
    ThemeRecord,
)

Row = dict[str, Any]
# Parents before children: inserts run in this order, deletes in reverse.
TABLE_ORDER = (
    "report",
    "report_section",
    "statement",
    "layer",
    "theme",
    "stakeholder_type",
    "organisation_type",
    "interview",
    "tag",
    "quote",
    "quote_tag",
)


T = TypeVar("T", bound=Record)


def _records(files: dict[str, SeedFile], kind: type[T]) -> list[T]:
    key = next(key for key, spec in SPECS.items() if spec.record is kind)
    return cast(list[T], files[key].records)


class _Problems:
    """Collects cross-record problems, located like the per-record ones."""

    def __init__(self) -> None:
        self.items: list[SeedProblem] = []

    def add(self, key: str, index: int, record_id: str, field: str, message: str) -> None:
        label = f"seeds/{SPECS[key].filename}"
        self.items.append(SeedProblem(label, message, index, record_id, field))

    def unique_ids(self, key: str, records: Sequence[Any]) -> None:
        seen: set[str] = set()
        for index, record in enumerate(records, start=1):
            if record.id in seen:
                self.add(key, index, record.id, "id", f"duplicate id {record.id!r}")
            seen.add(record.id)

    def raise_if_any(self) -> None:
        if self.items:
            raise SeedError(self.items)


def section_id(report_id: str, numeral: str) -> str:
    """The stable id of a report section, e.g. `cgt-insights-2026-v`."""
    return f"{report_id}-{numeral.lower()}"


def build_rows(files: dict[str, SeedFile], seeds_dir: Path) -> dict[str, list[Row]]:
    """Check every cross-reference and turn the records into table rows."""
    problems = _Problems()
    reports = _records(files, ReportRecord)
    layers = _records(files, LayerRecord)
    themes = _records(files, ThemeRecord)
    types = _records(files, StakeholderTypeRecord)
    organisations = _records(files, OrganisationTypeRecord)
    interviews = _records(files, InterviewRecord)
    tags = _records(files, TagRecord)
    quotes = _records(files, QuoteRecord)
    for key, records in (
        ("reports", reports),
        ("layers", layers),
        ("themes", themes),
        ("stakeholder_types", types),
        ("organisation_types", organisations),
        ("interviews", interviews),
        ("tags", tags),
        ("quotes", quotes),
    ):
        problems.unique_ids(key, records)
    problems.unique_ids("reports", [s for r in reports for s in r.statements])

    rows: dict[str, list[Row]] = {table: [] for table in TABLE_ORDER}
    full_texts = _report_rows(reports, seeds_dir, rows, problems)
    sections = {row["id"] for row in rows["report_section"]}
    _layer_rows(layers, files["layers"].report, sections, rows, problems)
    _theme_rows(themes, {layer.id for layer in layers}, rows, problems)
    _stakeholder_type_rows(types, rows, problems)
    rows["organisation_type"] = [{"id": o.id, "name": o.name} for o in organisations]
    _interview_rows(interviews, files["interviews"].report, rows, problems)
    rows["tag"] = [t.model_dump(include={"id", "kind", "name", "description"}) for t in tags]
    _quote_rows(quotes, files["quotes"].report, full_texts, rows, problems)
    problems.raise_if_any()
    return rows


def _report_rows(
    reports: list[ReportRecord], seeds_dir: Path, rows: dict[str, list[Row]], problems: _Problems
) -> dict[str, str]:
    full_texts: dict[str, str] = {}
    for index, report in enumerate(reports, start=1):
        full_text = None
        if report.full_text is not None:
            full_text = _read_text(seeds_dir, report.full_text)
            if full_text is None:
                problems.add(
                    "reports",
                    index,
                    report.id,
                    "full_text",
                    f"{report.full_text!r} is not a readable UTF-8 file inside seeds/",
                )
            else:
                full_texts[report.id] = full_text
        rows["report"].append(
            report.model_dump(
                include={"id", "kind", "title", "publisher", "published_on", "summary", "credit"}
            )
            | report.methodology.model_dump()
            | {"full_text": full_text}
        )
        numerals: set[str] = set()
        for position, section in enumerate(report.sections, start=1):
            if section.numeral in numerals:
                problems.add(
                    "reports",
                    index,
                    report.id,
                    "sections",
                    f"section {section.numeral} is listed twice",
                )
            numerals.add(section.numeral)
            rows["report_section"].append(
                section.model_dump()
                | {
                    "id": section_id(report.id, section.numeral),
                    "report_id": report.id,
                    "position": position,
                }
            )
        for position, statement in enumerate(report.statements, start=1):
            rows["statement"].append(
                statement.model_dump() | {"report_id": report.id, "position": position}
            )
    return full_texts


def _read_text(seeds_dir: Path, relative: str) -> str | None:
    path = (seeds_dir / relative).resolve()
    if not path.is_relative_to(seeds_dir.resolve()) or not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _layer_rows(
    layers: list[LayerRecord],
    report: str | None,
    sections: set[str],
    rows: dict[str, list[Row]],
    problems: _Problems,
) -> None:
    depths: set[int] = set()
    for index, layer in enumerate(layers, start=1):
        section = section_id(report or "", layer.section)
        if section not in sections:
            problems.add(
                "layers",
                index,
                layer.id,
                "section",
                f"report {report!r} has no section {layer.section}",
            )
        if layer.depth in depths:
            problems.add("layers", index, layer.id, "depth", f"depth {layer.depth} is taken")
        depths.add(layer.depth)
        rows["layer"].append(layer.model_dump(exclude={"section"}) | {"section_id": section})


def _theme_rows(
    themes: list[ThemeRecord],
    layer_ids: set[str],
    rows: dict[str, list[Row]],
    problems: _Problems,
) -> None:
    positions: set[int] = set()
    for index, theme in enumerate(themes, start=1):
        if theme.layer not in layer_ids:
            problems.add("themes", index, theme.id, "layer", f"unknown layer {theme.layer!r}")
        if theme.position in positions:
            problems.add(
                "themes", index, theme.id, "position", f"position {theme.position} is taken"
            )
        positions.add(theme.position)
        rows["theme"].append(theme.model_dump(exclude={"layer"}) | {"layer_id": theme.layer})


def _stakeholder_type_rows(
    types: list[StakeholderTypeRecord], rows: dict[str, list[Row]], problems: _Problems
) -> None:
    parents = {t.id: t.parent for t in types}
    for index, kind in enumerate(types, start=1):
        if kind.parent is not None and kind.parent not in parents:
            problems.add(
                "stakeholder_types",
                index,
                kind.id,
                "parent",
                f"unknown stakeholder type {kind.parent!r}",
            )
        seen, node = {kind.id}, kind.parent
        while node is not None and node in parents:
            if node in seen:
                problems.add(
                    "stakeholder_types",
                    index,
                    kind.id,
                    "parent",
                    "the parent chain loops back to this type",
                )
                break
            seen.add(node)
            node = parents[node]
    # Parents first, so that each insert finds its parent already there.
    ordered = sorted(enumerate(types, start=1), key=lambda pair: _depth(pair[1].id, parents))
    rows["stakeholder_type"] = [
        kind.model_dump(exclude={"parent"}) | {"parent_id": kind.parent, "position": position}
        for position, kind in ordered
    ]


def _depth(node: str | None, parents: dict[str, str | None]) -> int:
    depth, seen = 0, set()
    while node is not None and node in parents and node not in seen:
        seen.add(node)
        node, depth = parents[node], depth + 1
    return depth


def _interview_rows(
    interviews: list[InterviewRecord],
    report: str | None,
    rows: dict[str, list[Row]],
    problems: _Problems,
) -> None:
    reports = {row["id"] for row in rows["report"]}
    organisations = {row["id"] for row in rows["organisation_type"]}
    types = {row["id"] for row in rows["stakeholder_type"]}
    attributions: set[tuple[str, str]] = set()
    for index, interview in enumerate(interviews, start=1):
        report_id = interview.report or report or ""
        checks = (
            ("report", report_id in reports, f"unknown report {report_id!r}"),
            (
                "organisation_type",
                interview.organisation_type is None or interview.organisation_type in organisations,
                f"unknown organisation type {interview.organisation_type!r}",
            ),
            (
                "stakeholder_type",
                interview.stakeholder_type in types,
                f"unknown stakeholder type {interview.stakeholder_type!r}",
            ),
            (
                "attribution",
                (report_id, interview.attribution) not in attributions,
                f"attribution {interview.attribution!r} is listed twice",
            ),
        )
        for field, ok, message in checks:
            if not ok:
                problems.add("interviews", index, interview.id, field, message)
        attributions.add((report_id, interview.attribution))
        rows["interview"].append(
            {
                "id": interview.id,
                "report_id": report_id,
                "position": index,
                "attribution": interview.attribution,
                "role_title": interview.role_title,
                "organisation_type_id": interview.organisation_type,
                "stakeholder_type_id": interview.stakeholder_type,
            }
        )


def _quote_rows(
    quotes: list[QuoteRecord],
    report: str | None,
    full_texts: dict[str, str],
    rows: dict[str, list[Row]],
    problems: _Problems,
) -> None:
    # What a quote copies from its theme and interview, keyed by id. The rows take the ids from
    # here, so that a million quotes share one string per theme, interview, report and tag.
    numerals = {row["id"]: row["numeral"] for row in rows["report_section"]}
    layer_numerals = {row["id"]: numerals.get(row["section_id"]) for row in rows["layer"]}
    themes = {
        row["id"]: (row["id"], row["layer_id"], layer_numerals.get(row["layer_id"]))
        for row in rows["theme"]
    }
    copied = itemgetter("id", "report_id", "stakeholder_type_id", "organisation_type_id")
    interviews = {row["id"]: copied(row) for row in rows["interview"]}
    reports = {row["id"]: row["id"] for row in rows["report"]}
    tags = {row["id"]: row["id"] for row in rows["tag"]}
    # A quote stands in its own report's section of its theme's layer (V for the tip, ...).
    sections: dict[tuple[str, str | None], str] = {}
    search_from: dict[str, int] = {}
    # (position, record, field, message): reported in position order, whatever the check order.
    found: list[tuple[int, int, str, str]] = []
    previous = ("", 0)
    for i, report_id in _in_report_order(quotes, report):
        quote, index, position = quotes[i], i + 1, quotes[i].position
        report_id = reports.get(report_id, report_id)
        theme_id, layer_id, numeral = themes.get(quote.theme) or (quote.theme, None, None)
        if layer_id is None:
            found.append((position, index, "theme", f"unknown theme {quote.theme!r}"))
        interview = interviews.get(quote.interview) or (quote.interview, None, None, None)
        if interview[1] is None:
            found.append((position, index, "interview", f"unknown interview {quote.interview!r}"))
        elif interview[1] != report_id:
            message = f"interview {quote.interview!r} belongs to another report"
            found.append((position, index, "interview", message))
        quote_tags = [tags.get(tag) or tag for tag in quote.tags]
        for tag in quote.tags:
            if tag not in tags:
                found.append((position, index, "tags", f"unknown tag {tag!r}"))
        if len(quote_tags) > 1 and len(set(quote_tags)) != len(quote_tags):
            found.append((position, index, "tags", "a tag is listed twice"))
        if previous == (report_id, position):
            found.append((position, index, "position", f"position {position} is taken"))
        previous = (report_id, position)
        start, problem = _locate(quote.text, report_id, full_texts, search_from)
        if problem:
            found.append((position, index, *problem))
        section = sections.get((report_id, numeral))
        if section is None:
            section = sections[report_id, numeral] = section_id(report_id, numeral or "")
        if numeral and section not in numerals:
            message = f"report {report_id!r} has no section {numeral}"
            found.append((position, index, "report", message))
        rows["quote"].append(
            {
                "id": quote.id,
                "report_id": report_id,
                "section_id": section,
                "theme_id": theme_id,
                "interview_id": interview[0],
                "layer_id": layer_id,
                "stakeholder_type_id": interview[2],
                "organisation_type_id": interview[3],
                "position": position,
                "text": quote.text,
                "length": len(quote.text),
                "start_offset": start,
                "end_offset": start + len(quote.text),
            }
        )
        rows["quote_tag"].extend(
            {"quote_id": quote.id, "tag_id": tag, "position": position} for tag in quote_tags
        )
    for _, index, field, message in sorted(found, key=itemgetter(0, 1)):
        problems.add("quotes", index, quotes[index - 1].id, field, message)
    rows["quote"].sort(key=itemgetter("position", "id"))
    for seq, row in enumerate(rows["quote"], start=1):
        row["seq"] = seq


def _in_report_order(quotes: list[QuoteRecord], report: str | None) -> list[tuple[int, str]]:
    """Each quote's index and report, by report then position (then file order).

    Quotes are located in their report's text in this order. A file in that order is read
    front to back, which at a million quotes is twice as fast as hopping across it.
    """
    keyed = [(quote.report or report or "", quote.position, i) for i, quote in enumerate(quotes)]
    keyed.sort()
    return [(i, report_id) for report_id, _, i in keyed]


def _locate(
    text: str, report_id: str, full_texts: dict[str, str], search_from: dict[str, int]
) -> tuple[int, tuple[str, str] | None]:
    """Where a quote starts in its report's full text, after the report's previous quote."""
    full_text = full_texts.get(report_id)
    if full_text is None:
        return -1, ("report", f"report {report_id!r} has no full text to locate quotes in")
    start = full_text.find(text, search_from.get(report_id, 0))
    if start < 0:
        return -1, ("text", f"not found verbatim, in order, in the full text of {report_id!r}")
    search_from[report_id] = start + len(text)
    return start, None
