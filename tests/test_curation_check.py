"""`insights check` and `insights new-report`: a seed tree validated with no database, every
problem named by file, record and field; a new report's folder that check walks a curator
through, and that loads once it is filled in."""

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import BaseModel
from sqlalchemy import Engine

from app.config import PROJECT_ROOT
from app.curation.check import check_tree
from app.curation.scaffold import ScaffoldError, new_report
from app.seeding import load_seeds
from app.seeding.records import DescriptionRecord, MethodologyRecord, ReportRecord
from tests.helpers.databases import client_for
from tests.helpers.seeds import REPORT_DIR, SEEDS_DIR, copy_seeds, editing

NEW_REPORT = "syn-check-2027"  # synthetic: never in seeds/
SEMINAR_DIR = "reports/cgt-seminar-report-2026"
# No database is reachable at this URL: check must not need one.
NO_DATABASE = "postgresql+psycopg://nobody@127.0.0.1:1/none"


def insights(*args: str) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_URL": NO_DATABASE, "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "app.cli", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def test_the_shipped_seeds_pass_without_a_database() -> None:
    run = insights("check", str(SEEDS_DIR))
    assert run.returncode == 0, run.stderr
    assert "no problems (3 report," in run.stdout
    assert "62 quote" in run.stdout


def _unknown_theme(seeds: Path) -> None:
    with editing(seeds, f"{REPORT_DIR}/quotes.yaml") as document:
        document["quotes"][2]["theme"] = "no-such-theme"


def _unknown_field(seeds: Path) -> None:
    with editing(seeds, f"{REPORT_DIR}/report.yaml") as document:
        document["report"]["titel"] = "a typo"


def _empty_field(seeds: Path) -> None:
    with editing(seeds, f"{REPORT_DIR}/themes.yaml") as document:
        document["themes"][4]["title"] = None


def _misspelt_file(seeds: Path) -> None:
    (seeds / REPORT_DIR / "quotes.yaml").rename(seeds / REPORT_DIR / "quote.yaml")


def _stray_top_file(seeds: Path) -> None:
    (seeds / "tag.yaml").write_text("tags: []\n", encoding="utf-8")


def _missing_text(seeds: Path) -> None:
    (seeds / REPORT_DIR / "text.txt").unlink()


def _sponsors_reordered(seeds: Path) -> None:
    with editing(seeds, f"{REPORT_DIR}/report.yaml") as document:
        document["report"]["sponsors"].reverse()


def _conclusion_paraphrased(seeds: Path) -> None:
    with editing(seeds, f"{REPORT_DIR}/report.yaml") as document:
        conclusion = document["report"]["conclusion"]
        conclusion[1] = conclusion[1].replace("Experts highlighted", "Experts stressed")


def _count_misprinted(seeds: Path) -> None:
    with editing(seeds, f"{REPORT_DIR}/report.yaml") as document:
        document["report"]["methodology"]["workshop_expert_count_text"] = "nearly 40"


def _description_from_nowhere(seeds: Path) -> None:
    with editing(seeds, f"{SEMINAR_DIR}/report.yaml") as document:
        document["report"]["described_in"][0]["source"] = "no-such-report"


@pytest.mark.parametrize(
    ("breaks", "expected"),
    [
        (
            _unknown_theme,
            f"seeds/{REPORT_DIR}/quotes.yaml: record 3 (id 'cgt-2026-q03'), field 'theme'",
        ),
        (
            _unknown_field,
            f"seeds/{REPORT_DIR}/report.yaml: record 1 (id 'cgt-insights-2026'), field 'titel'",
        ),
        (
            _empty_field,
            f"seeds/{REPORT_DIR}/themes.yaml: record 5 (id 'ethical-questions'), "
            "field 'title': is empty: it needs a value",
        ),
        (_misspelt_file, f"seeds/{REPORT_DIR}/quote.yaml: not part of a report folder"),
        (_stray_top_file, "seeds/tag.yaml: not part of the seed layout"),
        (_missing_text, "field 'full_text': 'text.txt' is not a readable UTF-8 file"),
        (
            _sponsors_reordered,
            f"seeds/{REPORT_DIR}/report.yaml: record 1 (id 'cgt-insights-2026'), field "
            "'sponsors': 'Alnylam Pharmaceuticals' is not found verbatim, in order, in the full "
            "text of 'cgt-insights-2026'",
        ),
        (
            _conclusion_paraphrased,
            "field 'conclusion': 'While breakthroughs in efficacy capture attention, ...' is not "
            "found verbatim",
        ),
        (
            _count_misprinted,
            "field 'methodology': Value error, workshop_expert_count_text 'nearly 40' does not "
            "print 45",
        ),
        (
            _description_from_nowhere,
            f"seeds/{SEMINAR_DIR}/report.yaml: record 1 (id 'cgt-seminar-report-2026'), field "
            "'described_in': unknown report 'no-such-report' as the source",
        ),
    ],
    ids=[
        "unknown-theme",
        "unknown-field",
        "empty-field",
        "misspelt-file",
        "stray-file",
        "no-text",
        "sponsors-reordered",
        "conclusion-paraphrased",
        "count-misprinted",
        "description-from-nowhere",
    ],
)
def test_each_problem_is_named_and_fails_the_check(
    tmp_path: Path, breaks: Callable[[Path], None], expected: str
) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    breaks(seeds)
    run = insights("check", str(seeds))
    assert run.returncode == 1
    assert expected in run.stderr, run.stderr
    assert run.stdout == ""


def test_every_problem_is_named_in_one_run(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    for breaks in (_unknown_field, _empty_field, _stray_top_file):
        breaks(seeds)
    problems = [str(problem) for problem in check_tree(seeds).problems]
    assert len(problems) == 3, problems


def test_hidden_files_are_not_the_layouts_business(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    (seeds / REPORT_DIR / ".draft.json").write_text("{}", encoding="utf-8")
    (seeds / ".DS_Store").write_bytes(b"\0")
    assert check_tree(seeds).problems == []


def test_a_new_reports_scaffold_is_a_checklist(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    run = insights("new-report", NEW_REPORT, "--seeds-dir", str(seeds))
    assert run.returncode == 0, run.stderr
    folder = seeds / "reports" / NEW_REPORT
    assert sorted(path.name for path in folder.iterdir()) == [
        "interviews.yaml",
        "layers.yaml",
        "quotes.yaml",
        "report.yaml",
        "themes.yaml",
    ]
    problems = [str(problem) for problem in check_tree(seeds).problems]
    label = f"seeds/reports/{NEW_REPORT}/report.yaml: record 1 (id '{NEW_REPORT}')"
    assert problems == [
        f"{label}, field '{name}': is empty: it needs a value"
        for name in ("title", "publisher", "published_on", "summary", "credit")
    ]


@pytest.mark.parametrize("record", [ReportRecord, MethodologyRecord, DescriptionRecord])
def test_the_report_template_names_every_field(record: type[BaseModel]) -> None:
    template = (PROJECT_ROOT / "app" / "curation" / "new_report" / "report.yaml").read_text("utf-8")
    named = set(re.findall(r"(\w+):", template))
    assert set(record.model_fields) - named == set()


def fill_in(seeds: Path) -> None:
    """What a curator writes into the scaffold: here, a one-quote synthetic report."""
    folder = f"reports/{NEW_REPORT}"
    with editing(seeds, f"{folder}/report.yaml") as document:
        document["report"] |= {
            "title": "Synthetic Check Report",
            "publisher": "Insights API test suite",
            "published_on": "2027-03-01",
            "summary": "A synthetic report for the curation tests.",
            "credit": "Synthetic test data.",
            "sections": [{"numeral": "I", "title": "SYNTHETIC LAYER"}],
        }
    (seeds / folder / "text.txt").write_text(
        'Synthetic.\n\n"Every quote is found in the text."\n\nSynthetic Payer\n', "utf-8"
    )
    with editing(seeds, f"{folder}/layers.yaml") as document:
        document["layers"] = [
            {
                "layer": "tip-of-the-iceberg",
                "heading": "Synthetic heading",
                "section": "I",
                "description": "Synthetic description.",
            }
        ]
    with editing(seeds, f"{folder}/themes.yaml") as document:
        document["themes"] = [
            {
                "id": "syn-check-theme",
                "layer": "tip-of-the-iceberg",
                "position": 1,
                "title": "Synthetic Theme",
                "summary": "Synthetic summary.",
            }
        ]
    with editing(seeds, f"{folder}/interviews.yaml") as document:
        document["interviews"] = [
            {
                "id": "syn-check-payer",
                "attribution": "Synthetic Payer",
                "role_title": "Synthetic Payer",
                "stakeholder_type": "payer",
            }
        ]
    with editing(seeds, f"{folder}/quotes.yaml") as document:
        document["quotes"] = [
            {
                "id": "syn-check-q01",
                "position": 1,
                "theme": "syn-check-theme",
                "interview": "syn-check-payer",
                "text": "Every quote is found in the text.",
            }
        ]


def test_a_filled_in_scaffold_checks_clean_and_loads(tmp_path: Path, seeded: Engine) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    new_report(seeds, NEW_REPORT)
    fill_in(seeds)
    assert check_tree(seeds).problems == []
    load_seeds(seeded, seeds)
    quote = client_for(seeded).get("/v1/quotes/syn-check-q01").json()
    assert quote["report"]["id"] == NEW_REPORT
    assert quote["text"] == "Every quote is found in the text."


@pytest.mark.parametrize("report_id", ["Bad_Id", "", "a--b", "x" * 121, "../escape"])
def test_new_report_refuses_an_id_that_is_not_one(tmp_path: Path, report_id: str) -> None:
    with pytest.raises(ScaffoldError, match="is not a report id"):
        new_report(tmp_path, report_id)
    assert not (tmp_path / "reports").exists()


def test_new_report_never_writes_over_a_folder(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    before = (seeds / REPORT_DIR / "report.yaml").read_bytes()
    run = insights("new-report", "cgt-insights-2026", "--seeds-dir", str(seeds))
    assert run.returncode == 1
    assert "already exists: nothing was written" in run.stderr
    assert (seeds / REPORT_DIR / "report.yaml").read_bytes() == before


def test_a_quote_missing_a_tag_its_words_name_fails_the_check(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    with editing(seeds, f"{REPORT_DIR}/quotes.yaml") as document:
        q44 = document["quotes"][43]
        assert q44["id"] == "cgt-2026-q44"
        assert "fda" in q44["tags"]
        q44["tags"].remove("fda")
    run = insights("check", str(seeds))
    assert run.returncode == 1
    assert (
        f"seeds/{REPORT_DIR}/quotes.yaml: record 44 (id 'cgt-2026-q44'), field 'tags': "
        "'cber' implies 'fda': carry it or exclude it"
    ) in run.stderr, run.stderr
