"""The seed files: where they are, and copies of them for a test to change.

The seed folder holds the shared vocabularies at its top and one folder per report,
`reports/<report-id>/`; a file is named by its path relative to the seed folder, e.g.
`f"{REPORT_DIR}/quotes.yaml"`. `with_second_report` adds the synthetic report of
tests/fixtures/seed_reports/ (and its press release) beside the real ones.
"""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from app.config import PROJECT_ROOT

SEEDS_DIR = PROJECT_ROOT / "seeds"
REPORT_ID = "cgt-insights-2026"
REPORT_DIR = f"reports/{REPORT_ID}"  # the real report's folder, relative to the seed folder
FIXTURE_REPORTS = PROJECT_ROOT / "tests" / "fixtures" / "seed_reports" / "reports"
SYNTHETIC = "syn-telehealth-2027"  # the synthetic second report, newer than the real one
SYNTHETIC_RELEASE = "syn-telehealth-2027-press-release"  # its companion, with no text
Doc = dict[str, Any]


def copy_seeds(destination: Path) -> Path:
    """A copy of the seed folder at `destination`, to break or change."""
    return Path(shutil.copytree(SEEDS_DIR, destination))


def with_second_report(destination: Path) -> Path:
    """A copy of the real seeds at `destination` with the synthetic report's folders added."""
    seeds = copy_seeds(destination)
    for folder in FIXTURE_REPORTS.iterdir():
        shutil.copytree(folder, seeds / "reports" / folder.name)
    return seeds


@contextmanager
def editing(folder: Path, relative: str) -> Iterator[Doc]:
    """One YAML seed file, by its path relative to the seed folder `folder`, loaded to change in
    place; written back after the block."""
    path = folder / relative
    document: Doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    yield document
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
