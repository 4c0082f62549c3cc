"""`insights check`: a seed tree validated without a database, as the loader would see it.

It runs the loader's own reading and row building (so a tree that passes loads), and adds what
the loader does not look at: files and folders that are not part of the seed layout, which it
would silently ignore (a `quote.yaml` typo loses a report's quotes without a word), and the tag
rules of tags.yaml, which the loader leaves to the curator.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml

from app.seeding import SeedError, build_rows, read_all
from app.seeding.files import SeedFile
from app.seeding.problems import SeedProblem
from app.seeding.records import REPORTS_DIR, SPECS, QuoteRecord, TagRecord
from app.seeding.tag_rules import rule_problems, tag_rules

SHARED_FILES = frozenset(spec.filename for spec in SPECS.values() if not spec.per_report)
REPORT_FILES = frozenset(
    name
    for spec in SPECS.values()
    if spec.per_report
    for name in (spec.filename, spec.filename.replace(".yaml", ".jsonl"))
)
DEFAULT_FULL_TEXT = "text.txt"


@dataclass(frozen=True)
class CheckResult:
    """Every problem of a seed tree, and the rows it would load when there are none."""

    problems: list[SeedProblem]
    counts: dict[str, int]


def check_tree(seeds_dir: Path) -> CheckResult:
    """All the problems of the tree at `seeds_dir`: its layout first, then its records."""
    if not seeds_dir.is_dir():
        return CheckResult([SeedProblem(str(seeds_dir), "not a folder")], {})
    problems = layout_problems(seeds_dir)
    try:
        files = read_all(seeds_dir)
        rows = build_rows(files, seeds_dir)
    except SeedError as exc:
        return CheckResult(problems + exc.problems, {})
    problems += tag_rule_problems(files)
    counts = {table: len(table_rows) for table, table_rows in rows.items()} if not problems else {}
    return CheckResult(problems, counts)


def tag_rule_problems(files: dict[str, SeedFile]) -> list[SeedProblem]:
    """Every quote against the tag rules of tags.yaml, located like the loader's problems.

    The loader does not hold quotes to the rules (a synthetic corpus of random tags would fail
    them); the curator's check does, so a curated tree cannot go in with a tag missing.
    """
    tags = [record for record in files["tags"].records if isinstance(record, TagRecord)]
    rules = tag_rules(tags)
    quotes = files["quotes"]
    return [
        SeedProblem(label, message, number, quote.id, "tags")
        for quote, (label, number) in zip(quotes.records, quotes.origins, strict=True)
        if isinstance(quote, QuoteRecord)
        for message in rule_problems(quote, rules)
    ]


def layout_problems(seeds_dir: Path) -> list[SeedProblem]:
    """Entries the loader would not read: at the top, under reports/ and in each report folder.

    Hidden entries (a draft's manifest, an editor's swap file) are left alone.
    """
    problems = [
        SeedProblem(f"seeds/{entry.name}", "not part of the seed layout (the loader ignores it)")
        for entry in _visible(seeds_dir)
        if not (entry.name in SHARED_FILES and entry.is_file())
        and not (entry.name == REPORTS_DIR and entry.is_dir())
    ]
    reports_dir = seeds_dir / REPORTS_DIR
    for folder in _visible(reports_dir) if reports_dir.is_dir() else []:
        label = f"seeds/{REPORTS_DIR}/{folder.name}"
        if not folder.is_dir():
            problems.append(SeedProblem(label, "not a report folder (the loader ignores it)"))
            continue
        # The text may lie in a subfolder (full_text: texts/report.txt): its top entry is read.
        text_entry = _full_text_name(folder).split("/")[0]
        expected = REPORT_FILES | {text_entry}
        problems.extend(
            SeedProblem(f"{label}/{entry.name}", _stray(expected))
            for entry in _visible(folder)
            if not (entry.name in REPORT_FILES and entry.is_file()) and entry.name != text_entry
        )
    return problems


def _visible(folder: Path) -> list[Path]:
    return sorted(entry for entry in folder.iterdir() if not entry.name.startswith("."))


def _stray(expected: frozenset[str]) -> str:
    names = ", ".join(sorted(name for name in expected if not name.endswith(".jsonl")))
    return f"not part of a report folder, which holds {names} (or their .jsonl forms)"


def _full_text_name(folder: Path) -> str:
    """The text file report.yaml names; the default one while report.yaml cannot be read (the
    records check then says why)."""
    try:
        document = yaml.safe_load((folder / "report.yaml").read_text(encoding="utf-8"))
        name = document["report"]["full_text"]
    except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError):
        return DEFAULT_FULL_TEXT
    return name if isinstance(name, str) else DEFAULT_FULL_TEXT
