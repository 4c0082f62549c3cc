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
from app.seeding.records import SPECS, Record, SeedFileSpec

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
    """The validated records of one seed file, and the report its records default to."""

    path: Path
    records: list[Record]
    report: str | None = None


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


def read_all(seeds_dir: Path) -> dict[str, SeedFile]:
    """Read every seed file, collecting the problems of all files before failing."""
    files: dict[str, SeedFile] = {}
    problems: list[SeedProblem] = []
    for key, spec in SPECS.items():
        try:
            files[key] = read_seed_file(seeds_dir, spec)
        except SeedError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SeedError(problems)
    return files


def read_seed_file(seeds_dir: Path, spec: SeedFileSpec) -> SeedFile:
    """Read and validate every record of one seed file (or of its JSON Lines bulk form)."""
    bulk = seeds_dir / spec.filename.replace(".yaml", ".jsonl")
    if bulk.exists():
        return _read_bulk_file(bulk, spec)
    label = f"seeds/{spec.filename}"
    document = read_document(seeds_dir / spec.filename, label)
    allowed = {"notes", spec.key} | ({"report"} if spec.has_report else set())
    if not isinstance(document, dict) or not isinstance(document.get(spec.key), list):
        raise SeedError([SeedProblem(label, f"expected a mapping with a list under {spec.key!r}")])
    problems = [
        SeedProblem(label, f"unexpected top-level key {key!r}")
        for key in document
        if key not in allowed
    ]
    report = document.get("report")
    if spec.has_report and report is not None and not isinstance(report, str):
        problems.append(SeedProblem(label, "top-level 'report' must be a report id"))
    records: list[Record] = []
    for index, raw in enumerate(document[spec.key], start=1):
        record_id = raw.get("id") if isinstance(raw, dict) else None
        record_id = record_id if isinstance(record_id, str) else None
        try:
            records.append(spec.record.model_validate(raw))
        except ValidationError as exc:
            problems.extend(
                SeedProblem(
                    label,
                    error["msg"],
                    record=index,
                    record_id=record_id,
                    field=".".join(str(part) for part in error["loc"]) or None,
                )
                for error in exc.errors()
            )
    if problems:
        raise SeedError(problems)
    return SeedFile(path=seeds_dir / spec.filename, records=records, report=report)


MAX_BULK_FILE_BYTES = 4 * 1024**3


def _read_bulk_file(path: Path, spec: SeedFileSpec) -> SeedFile:
    """The bulk path: one JSON record a line, for corpora too large for YAML.

    Each record names its own report; validation and error locations are the YAML path's.
    Pydantic parses and validates each line in one pass (`model_validate_json`); the line is
    parsed again only to name the record of a problem.
    """
    label = f"seeds/{path.name}"
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
    return SeedFile(path=path, records=records, report=None)


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
