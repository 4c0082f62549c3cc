"""From seed records to table rows: every cross-reference checked. It is long because each kind
of record has its own checks, and they read best side by side.

Problems are collected across all files and records before anything is written, each naming
its file, record and field; the rows come out keyed by table, in TABLE_ORDER. A report's passages
are found in the texts they come from (`app.seeding.passage_rows`); the quotes, which reference
everything else, are checked last (`app.seeding.quote_rows`).
"""

from pathlib import Path
from typing import TypeVar, cast

from app.seeding.files import SeedFile
from app.seeding.passage_rows import passage_rows
from app.seeding.problems import Problems
from app.seeding.quote_rows import quote_rows
from app.seeding.records import (
    METHODOLOGY_PASSAGES,
    REPORTS_DIR,
    SPECS,
    InterviewRecord,
    LayerRecord,
    OrganisationTypeRecord,
    QuoteRecord,
    Record,
    ReportLayerRecord,
    ReportRecord,
    StakeholderTypeRecord,
    TagRecord,
    ThemeRecord,
)
from app.seeding.tables import TABLE_ORDER, Row, section_id

T = TypeVar("T", bound=Record)


def _records(files: dict[str, SeedFile], kind: type[T]) -> list[T]:
    key = next(key for key, spec in SPECS.items() if spec.record is kind)
    return cast(list[T], files[key].records)


def build_rows(files: dict[str, SeedFile], seeds_dir: Path) -> dict[str, list[Row]]:
    """Check every cross-reference and turn the records into table rows."""
    problems = Problems({key: file.origins for key, file in files.items()})
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

    rows: dict[str, list[Row]] = {table: [] for table in TABLE_ORDER}
    full_texts = _report_rows(reports, seeds_dir, rows, problems)
    passage_rows(reports, full_texts, rows, problems)
    _layer_rows(layers, rows, problems)
    _report_layer_rows(_records(files, ReportLayerRecord), rows, problems)
    _theme_rows(themes, rows, problems)
    _stakeholder_type_rows(types, rows, problems)
    rows["organisation_type"] = [{"id": o.id, "name": o.name} for o in organisations]
    _interview_rows(interviews, None, rows, problems)
    _tag_rows(tags, rows, problems)
    quote_rows(quotes, None, full_texts, rows, problems)
    problems.raise_if_any()
    return rows


def _report_rows(
    reports: list[ReportRecord], seeds_dir: Path, rows: dict[str, list[Row]], problems: Problems
) -> dict[str, str]:
    """The report, section and statement rows; the full texts by report id.

    Long because a report record holds its sections and statements: one pass writes all three.
    """
    full_texts: dict[str, str] = {}
    known = {report.id for report in reports}
    statement_ids: set[str] = set()
    for index, report in enumerate(reports, start=1):
        full_text = None
        if report.full_text is not None:
            full_text = _read_text(seeds_dir / REPORTS_DIR / report.id, report.full_text)
            if full_text is None:
                problems.add(
                    "reports",
                    index,
                    report.id,
                    "full_text",
                    f"{report.full_text!r} is not a readable UTF-8 file inside its folder",
                )
            else:
                full_texts[report.id] = full_text
        if report.companion_of is not None and (
            report.companion_of not in known or report.companion_of == report.id
        ):
            message = f"unknown report {report.companion_of!r} to accompany"
            problems.add("reports", index, report.id, "companion_of", message)
        for statement in report.statements:
            if statement.id in statement_ids:
                message = f"duplicate statement id {statement.id!r}"
                problems.add("reports", index, report.id, "statements", message)
            statement_ids.add(statement.id)
        rows["report"].append(
            report.model_dump(
                include={
                    "id",
                    "companion_of",
                    "kind",
                    "title",
                    "publisher",
                    "published_on",
                    "summary",
                    "credit",
                }
            )
            | report.methodology.model_dump(exclude=set(METHODOLOGY_PASSAGES))
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


def _read_text(folder: Path, relative: str) -> str | None:
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _layer_rows(layers: list[LayerRecord], rows: dict[str, list[Row]], problems: Problems) -> None:
    depths: set[int] = set()
    for index, layer in enumerate(layers, start=1):
        if layer.depth in depths:
            problems.add("layers", index, layer.id, "depth", f"depth {layer.depth} is taken")
        depths.add(layer.depth)
        rows["layer"].append(layer.model_dump())


def _report_layer_rows(
    texts: list[ReportLayerRecord], rows: dict[str, list[Row]], problems: Problems
) -> None:
    """Each report's texts for the layers it uses: a known layer, in a section it has."""
    layers = {row["id"] for row in rows["layer"]}
    sections = {row["id"] for row in rows["report_section"]}
    seen: set[tuple[str, str]] = set()
    for index, text in enumerate(texts, start=1):
        report = text.report or ""
        section = section_id(report, text.section)
        checks = (
            ("layer", text.layer in layers, f"unknown layer {text.layer!r}"),
            ("section", section in sections, f"report {report!r} has no section {text.section}"),
            ("layer", (report, text.layer) not in seen, f"layer {text.layer!r} is listed twice"),
        )
        for field, ok, message in checks:
            if not ok:
                problems.add("report_layers", index, text.layer, field, message)
        seen.add((report, text.layer))
        rows["report_layer"].append(
            text.model_dump(include={"heading", "description", "introduction"})
            | {"report_id": report, "layer_id": text.layer, "section_id": section}
        )


def _theme_rows(themes: list[ThemeRecord], rows: dict[str, list[Row]], problems: Problems) -> None:
    """A theme belongs to its folder's report, in a layer that report gives texts for."""
    used = {(row["report_id"], row["layer_id"]) for row in rows["report_layer"]}
    positions: set[tuple[str, int]] = set()
    for index, theme in enumerate(themes, start=1):
        report = theme.report or ""
        if (report, theme.layer) not in used:
            message = f"unknown layer {theme.layer!r} (not in report {report!r}'s layers.yaml)"
            problems.add("themes", index, theme.id, "layer", message)
        if (report, theme.position) in positions:
            message = f"position {theme.position} is taken"
            problems.add("themes", index, theme.id, "position", message)
        positions.add((report, theme.position))
        rows["theme"].append(
            theme.model_dump(exclude={"layer", "report"})
            | {"layer_id": theme.layer, "report_id": report}
        )


def _stakeholder_type_rows(
    types: list[StakeholderTypeRecord], rows: dict[str, list[Row]], problems: Problems
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


def _tag_rows(tags: list[TagRecord], rows: dict[str, list[Row]], problems: Problems) -> None:
    """The tag rows; a rule may imply only tags that exist. Rules and reviews are not stored."""
    known = {tag.id for tag in tags}
    for index, tag in enumerate(tags, start=1):
        for parent in tag.rule.implies if tag.rule else []:
            if parent not in known or parent == tag.id:
                problems.add("tags", index, tag.id, "rule.implies", f"cannot imply {parent!r}")
    rows["tag"] = [t.model_dump(include={"id", "kind", "name", "description"}) for t in tags]


def _interview_rows(
    interviews: list[InterviewRecord],
    report: str | None,
    rows: dict[str, list[Row]],
    problems: Problems,
) -> None:
    """The interview rows, each attribution unique per report and every reference known.

    Long because each of an interview's references is checked in turn, with its own message.
    """
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
