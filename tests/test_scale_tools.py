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


def test_a_generated_corpus_loads_through_the_bulk_path(
    corpus: Path, fresh_database_url: str
) -> None:
    engine = make_engine(fresh_database_url)
    migrate(engine)
    result = load_seeds(engine, corpus)
    assert result.counts["quote"] == 2500
    assert result.counts["report"] == 3
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT q.start_offset, q.end_offset, q.text, r.full_text, s.report_id "
                "FROM quote q JOIN report r ON r.id = q.report_id "
                "JOIN report_section s ON s.id = q.section_id WHERE q.position IN (1, 500)"
            )
        ).all()
        dense = connection.execute(
            select(func.count()).select_from(quote).where(quote.c.text.like("% access%"))
        ).scalar_one()
    assert rows
    for start, end, quote_text, full_text, _ in rows:
        assert full_text[start:end] == quote_text
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
    lines = (broken / "quotes.jsonl").read_text().splitlines()
    record = json.loads(lines[41])
    record["position"] = "forty-two"
    lines[41] = json.dumps(record)
    (broken / "quotes.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(
        SeedError,
        match=r"seeds/quotes.jsonl: record 42 \(id 'syn-q0000042'\), "
        r"field 'position'",
    ):
        load_seeds(make_engine("sqlite://"), broken)


def test_yaml_and_bulk_forms_cannot_both_exist(corpus: Path, tmp_path: Path) -> None:
    both = Path(shutil.copytree(corpus, tmp_path / "both"))
    shutil.copy(SEEDS_DIR / "quotes.yaml", both / "quotes.yaml")
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
    lines = (broken / "quotes.jsonl").read_text().splitlines()
    lines[6] = line
    (broken / "quotes.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(SeedError, match=r"seeds/quotes.jsonl: " + message):
        load_seeds(make_engine("sqlite://"), broken)
