"""The synthetic corpus generator and the loader's JSON Lines bulk path."""

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.db import make_engine
from app.queries.tables import quote
from app.seed_files import SeedError
from app.seeding import load_seeds
from bench.generate import generate
from tests.conftest import SEEDS_DIR, migrate


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
