"""The synthetic corpus generator and the loader's JSON Lines bulk path."""

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.db import make_engine
from app.queries.tables import quote
from app.seeding import SeedError, load_seeds
from app.seeding import writes as seed_writes
from app.seeding.synthetic import generate
from tests.helpers.databases import migrate
from tests.helpers.seeds import SEEDS_DIR
from tests.helpers.snapshots import assert_bulk_load_is_the_general_load


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "seeds"
    generate(2500, out)
    return out


# The first synthetic report's folder, which holds the first thousand quotes.
FIRST = Path("reports/synthetic-r0001")
REAL_QUOTES = Path("reports/cgt-insights-2026/quotes.yaml")


def test_a_generated_corpus_loads_through_the_bulk_path(
    corpus: Path, fresh_database_url: str
) -> None:
    engine = make_engine(fresh_database_url)
    migrate(engine)
    result = load_seeds(engine, corpus)
    assert result.counts["quote"] == 2500
    assert result.counts["report"] == 3
    # Each report has its own texts for the four layers and its own ten themes in each.
    assert result.counts["report_layer"] == 3 * 4
    assert result.counts["theme"] == 3 * 40
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT q.start_offset, q.end_offset, q.text, r.full_text, s.report_id, "
                "t.report_id FROM quote q JOIN report r ON r.id = q.report_id "
                "JOIN report_section s ON s.id = q.section_id "
                "JOIN theme t ON t.id = q.theme_id WHERE q.position IN (1, 500)"
            )
        ).all()
        dense = connection.execute(
            select(func.count()).select_from(quote).where(quote.c.text.like("% access%"))
        ).scalar_one()
    assert rows
    for start, end, quote_text, full_text, section_report, theme_report in rows:
        assert full_text[start:end] == quote_text
        assert section_report == theme_report  # the quote's own report's section and theme
    assert dense == 250  # the word a tenth of the corpus holds
    assert load_seeds(engine, corpus).changed is False
    engine.dispose()


def test_a_first_load_of_a_corpus_writes_what_the_general_path_writes(
    corpus: Path, fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seed_writes, "BULK_ROWS", 2000)  # quotes and their tags: indexes after
    assert_bulk_load_is_the_general_load(fresh_database_url, corpus, monkeypatch)


def test_a_bad_bulk_line_names_file_record_and_field(corpus: Path, tmp_path: Path) -> None:
    broken = Path(shutil.copytree(corpus, tmp_path / "broken"))
    bulk = broken / FIRST / "quotes.jsonl"
    lines = bulk.read_text().splitlines()
    record = json.loads(lines[41])
    record["position"] = "forty-two"
    lines[41] = json.dumps(record)
    bulk.write_text("\n".join(lines) + "\n")
    with pytest.raises(
        SeedError,
        match=r"seeds/reports/synthetic-r0001/quotes\.jsonl: record 42 \(id 'syn-q0000042'\), "
        r"field 'position'",
    ):
        load_seeds(make_engine("sqlite://"), broken)


def test_yaml_and_bulk_forms_cannot_both_exist(corpus: Path, tmp_path: Path) -> None:
    both = Path(shutil.copytree(corpus, tmp_path / "both"))
    shutil.copy(SEEDS_DIR / REAL_QUOTES, both / FIRST / "quotes.yaml")
    with pytest.raises(SeedError, match=r"both quotes\.yaml and quotes\.jsonl exist"):
        load_seeds(make_engine("sqlite://"), both)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param("{not json", r"record 7: invalid JSON: key must be a string", id="not-json"),
        pytest.param("", r"record 7: invalid JSON: EOF while parsing", id="blank"),
        pytest.param("[1, 2]", r"record 7: Input should be an object", id="not-an-object"),
        pytest.param(
            '{"id": "syn-q0000007", "position": 7}',
            r"record 7 \(id 'syn-q0000007'\), field 'theme': Field required",
            id="missing-fields",
        ),
    ],
)
def test_a_broken_bulk_line_is_named(corpus: Path, tmp_path: Path, line: str, message: str) -> None:
    broken = Path(shutil.copytree(corpus, tmp_path / "broken"))
    bulk = broken / FIRST / "quotes.jsonl"
    lines = bulk.read_text().splitlines()
    lines[6] = line
    bulk.write_text("\n".join(lines) + "\n")
    label = r"seeds/reports/synthetic-r0001/quotes\.jsonl: "
    with pytest.raises(SeedError, match=label + message):
        load_seeds(make_engine("sqlite://"), broken)


def test_the_generator_writes_the_same_bytes_and_shares_quotes_out(tmp_path: Path) -> None:
    generate(10, tmp_path / "a", reports=3)
    generate(10, tmp_path / "b", reports=3)
    written = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*"))
    assert written == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*"))
    for path in written:
        if (tmp_path / "a" / path).is_file():
            assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes()
    folders = sorted((tmp_path / "a" / "reports").iterdir())
    assert [f.name for f in folders] == [f"synthetic-r000{r}" for r in (1, 2, 3)]
    assert [len((f / "quotes.jsonl").read_text().splitlines()) for f in folders] == [4, 3, 3]
    with pytest.raises(ValueError, match="cannot write 2 quotes in 3 reports"):
        generate(2, tmp_path / "c", reports=3)
