"""Reading and validating the seed files: every record is checked before anything is written.

A YAML file is parsed strictly (a duplicate key is a mistake, not an override); a corpus too big
for YAML comes as JSON Lines, one record a line. Either way every record is validated and every
problem located (`app.seeding.problems`).
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from app.seeding.problems import SeedError, SeedProblem
from app.seeding.records import REPORTS_DIR, SPECS, Record, ReportRecord, SeedFileSpec

MAX_SEED_FILE_BYTES = 64 * 1024 * 1024


class _StrictLoader(yaml.CSafeLoader):
    """A YAML loader that refuses duplicate mapping keys instead of keeping the last one."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


@dataclass(frozen=True)
class SeedFile:
    """The validated records of one kind, from every file that holds that kind.

    `origins[i]` says where record i came from: the file's label and the record's number in it,
    so that a problem found later names the file and record a curator edits.
    """

    records: list[Record]
    origins: list[tuple[str, int]]


def read_document(path: Path, label: str) -> Any:
    """Parse one YAML file, turning every failure into a located SeedError."""
    if not path.is_file():
        raise SeedError([SeedProblem(label, "file is missing")])
    size = path.stat().st_size
    if size > MAX_SEED_FILE_BYTES:
        raise SeedError(
            [SeedProblem(label, f"file is {size} bytes, over the {MAX_SEED_FILE_BYTES} limit")]
        )
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SeedError([SeedProblem(label, f"not UTF-8 (byte {exc.start})")]) from exc
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise SeedError([SeedProblem(label, f"invalid YAML{at}: {reason}")]) from exc


def read_all(seeds_dir: Path, *, without: str | None = None) -> dict[str, SeedFile]:
    """Read the seed tree: the shared files at its top, then every `reports/<id>/` folder
    (all but the kind `without`, left empty for a streamed load to read report by report).

    The problems of all files are collected before failing. A report folder's records belong
    to the report the folder is named after: one that names another report is a mistake.
    """
    records: dict[str, list[Record]] = {key: [] for key in SPECS}
    origins: dict[str, list[tuple[str, int]]] = {key: [] for key in SPECS}
    problems: list[SeedProblem] = []

    def read(key: str, folder: Path, label: str, report: str | None) -> None:
        spec = SPECS[key]
        if key == without:
            return
        try:
            found = read_seed_file(folder, spec, label, report)
        except SeedError as exc:
            problems.extend(exc.problems)
            return
        if found is not None:
            file_label, file_records = found
            records[key].extend(file_records)
            origins[key].extend((file_label, n) for n in range(1, len(file_records) + 1))

    for key, spec in SPECS.items():
        if not spec.per_report:
            read(key, seeds_dir, f"seeds/{spec.filename}", None)
    reports_dir = seeds_dir / REPORTS_DIR
    folders = sorted(p for p in reports_dir.iterdir() if p.is_dir()) if reports_dir.is_dir() else []
    if not folders:
        problems.append(SeedProblem(f"seeds/{REPORTS_DIR}/", "no report folder"))
    for folder in folders:
        prefix = f"seeds/{REPORTS_DIR}/{folder.name}/"
        for key, spec in SPECS.items():
            if spec.per_report:
                read(key, folder, prefix + spec.filename, folder.name)
    if problems:
        raise SeedError(problems)
    return {key: SeedFile(records[key], origins[key]) for key in SPECS}


def read_seed_file(
    folder: Path, spec: SeedFileSpec, label: str, report: str | None
) -> tuple[str, list[Record]] | None:
    """The label and validated records of one seed file (or of its JSON Lines bulk form);
    None for an optional file that is absent. Long because every record's problems are
    collected, each located, before any is raised."""
    bulk = folder / spec.filename.replace(".yaml", ".jsonl")
    if bulk.exists():
        bulk_label = label.replace(".yaml", ".jsonl")
        return bulk_label, _owned(_read_bulk_file(bulk, spec, bulk_label), report, bulk_label)
    if not (folder / spec.filename).exists() and not spec.required:
        return None
    document = read_document(folder / spec.filename, label)
    if not isinstance(document, dict) or not isinstance(
        document.get(spec.key), dict if spec.single else list
    ):
        shape = "a mapping" if spec.single else "a list"
        raise SeedError([SeedProblem(label, f"expected a mapping with {shape} under {spec.key!r}")])
    problems = [
        SeedProblem(label, f"unexpected top-level key {key!r}")
        for key in document
        if key not in {"notes", spec.key}
    ]
    raws = [document[spec.key]] if spec.single else document[spec.key]
    records: list[Record] = []
    for index, raw in enumerate(raws, start=1):
        record_id = raw.get("id") if isinstance(raw, dict) else None
        record_id = record_id if isinstance(record_id, str) else None
        try:
            records.append(spec.record.model_validate(raw))
        except ValidationError as exc:
            problems.extend(
                SeedProblem(
                    label,
                    _message(error),
                    record=index,
                    record_id=record_id,
                    field=".".join(str(part) for part in error["loc"]) or None,
                )
                for error in exc.errors()
            )
    if problems:
        raise SeedError(problems)
    return label, _owned(records, report, label)


def _message(error: Any) -> str:
    """Pydantic's message, but an empty YAML value (a template's blank) says so plainly."""
    if error.get("input", ...) is None and str(error["type"]).endswith("_type"):
        return "is empty: it needs a value"
    return str(error["msg"])


def _owned(records: list[Record], report: str | None, label: str) -> list[Record]:
    """The records of a report folder, each belonging to the folder's report.

    A record that names no report takes the folder's; one that names another is a mistake.
    """
    if report is None:
        return records
    owned: list[Record] = []
    problems: list[SeedProblem] = []
    for index, record in enumerate(records, start=1):
        field = "id" if isinstance(record, ReportRecord) else "report"
        named = getattr(record, field, None)
        if named is None:
            record = record.model_copy(update={field: report})
        elif named != report:
            message = f"{named!r} lies in the folder of report {report!r}"
            problems.append(SeedProblem(label, message, index, getattr(record, "id", None), field))
        owned.append(record)
    if problems:
        raise SeedError(problems)
    return owned


MAX_BULK_FILE_BYTES = 4 * 1024**3


def _read_bulk_file(path: Path, spec: SeedFileSpec, label: str) -> list[Record]:
    """The bulk path: one JSON record a line, for corpora too large for YAML.

    Each record names its own report; validation and error locations are the YAML path's.
    Pydantic parses and validates each line in one pass (`model_validate_json`); the line is
    parsed again only to name the record of a problem.
    """
    if (path.parent / spec.filename).exists():
        raise SeedError([SeedProblem(label, f"both {spec.filename} and {path.name} exist")])
    if path.stat().st_size > MAX_BULK_FILE_BYTES:
        raise SeedError([SeedProblem(label, "file is over the bulk size limit")])
    records: list[Record] = []
    problems: list[SeedProblem] = []
    validate = spec.record.model_validate_json
    with path.open(encoding="utf-8", errors="strict") as lines:
        try:
            for index, line in enumerate(lines, start=1):
                try:
                    records.append(validate(line))
                except ValidationError as exc:
                    problems.extend(_line_problems(label, index, line, exc))
                    if len(problems) > 100:
                        break
        except UnicodeDecodeError as exc:
            problems.append(SeedProblem(label, f"not UTF-8 (byte {exc.start})"))
    if problems:
        raise SeedError(problems)
    return records


def _line_problems(label: str, index: int, line: str, exc: ValidationError) -> list[SeedProblem]:
    """The problems of one bulk line: invalid JSON, or the fields that failed validation."""
    errors = exc.errors()
    if errors[0]["type"] == "json_invalid":
        reason = errors[0]["msg"].removeprefix("Invalid JSON: ")
        return [SeedProblem(label, f"invalid JSON: {reason}", record=index)]
    try:
        raw = json.loads(line)
    except ValueError:  # a line Pydantic's parser takes and Python's refuses names no record
        raw = None
    record_id = raw.get("id") if isinstance(raw, dict) else None
    return [
        SeedProblem(
            label,
            error["msg"],
            record=index,
            record_id=record_id if isinstance(record_id, str) else None,
            field=".".join(str(part) for part in error["loc"]) or None,
        )
        for error in errors
    ]
