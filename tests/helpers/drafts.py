"""Draft folders (`insights draft`) for tests: the real source, and a draft made loadable.

`resolved` does what a curator does after review, mechanically: it deletes every `review:`
note and takes the fields the draft leaves to a person from a committed report record.
"""

from pathlib import Path
from typing import Any

import yaml

from app.config import PROJECT_ROOT

SOURCE = PROJECT_ROOT.parent / "shared" / "sources" / "000_ef058bc275f40ca2.txt"
FIXTURE_DIR = PROJECT_ROOT / "tests" / "fixtures" / "draft"
SYNTHETIC_SOURCE = FIXTURE_DIR / "synthetic-report.txt"
SYNTHETIC_EXPECTED = FIXTURE_DIR / "synthetic-report.expected.yaml"
# What the draft leaves to a curator in report.yaml.
CURATED_REPORT_FIELDS = ("title", "publisher", "published_on", "summary", "credit", "methodology")
# Passages of the methodology that quote the committed report's own text: a draft of another
# text does not print them, so they are not taken (the figures are).
OWN_TEXT_PASSAGES = frozenset({"participant_selection", "caveats"})


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _without_review(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_review(v) for k, v in value.items() if k != "review"}
    if isinstance(value, list):
        return [_without_review(v) for v in value]
    return value


def resolved(folder: Path, report: dict[str, Any]) -> None:
    """Strip every review note of the draft in `folder`; fill report.yaml's curated fields
    from `report` (a committed `report:` record)."""
    for path in sorted(folder.glob("*.yaml")):
        document = _without_review(read_yaml(path))
        if path.name == "report.yaml":
            document["report"] |= {k: report[k] for k in CURATED_REPORT_FIELDS if k in report}
            methodology = document["report"].get("methodology") or {}
            document["report"]["methodology"] = {
                k: v for k, v in methodology.items() if k not in OWN_TEXT_PASSAGES
            }
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
