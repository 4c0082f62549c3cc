"""The streamed first load: one report's quotes held, written and hashed at a time, newest report
first, with the whole tree's checks, version and all-or-nothing outcome.

`tests/test_seeding.py` checks that it writes exactly what the general path writes.
"""

import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from app.db import make_engine
from app.seeding import SeedError, build_rows, data_version, load_seeds, read_all
from app.seeding import first_load as streamed
from app.seeding.synthetic import generate
from app.seeding.writes import insert_rows
from tests.helpers.databases import migrate
from tests.helpers.seeds import REPORT_DIR, REPORT_ID, SYNTHETIC, editing, with_second_report


@pytest.fixture
def empty(fresh_database_url: str) -> Engine:
    """A migrated database that holds no data yet."""
    engine = make_engine(fresh_database_url)
    migrate(engine)
    return engine


def _holdings(engine: Engine) -> tuple[Any, int]:
    with engine.connect() as connection:
        version = connection.execute(text("SELECT data_version FROM dataset_state")).scalar()
        quotes = connection.execute(text("SELECT count(*) FROM quote")).scalar_one()
    return version, quotes


def test_quotes_go_in_one_report_at_a_time_newest_first(
    empty: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = with_second_report(tmp_path / "seeds")
    batches: list[tuple[str, list[str], list[int]]] = []

    def recorded(connection: Any, table: Any, rows: Any, **options: Any) -> None:
        if table.name == "quote" and rows:  # reports without quotes (a press release) aside
            batches.append(
                (table.name, sorted({row["report_id"] for row in rows}), [r["seq"] for r in rows])
            )
        insert_rows(connection, table, rows, **options)

    monkeypatch.setattr(streamed, "insert_rows", recorded)
    result = load_seeds(empty, seeds)
    reports = [report for _, report, _ in batches]
    assert reports == [[SYNTHETIC], [REPORT_ID]]  # the 2027 report before the 2026 one
    seqs = [seq for _, _, batch in batches for seq in batch]
    assert seqs == list(range(1, result.counts["quote"] + 1))
    # The version hashed as the rows went in is the whole tree's.
    assert result.data_version == data_version(build_rows(read_all(seeds), seeds))
    assert _holdings(empty) == (result.data_version, result.counts["quote"])


def test_a_first_load_holds_one_report_not_the_tree(tmp_path: Path) -> None:
    """Python's allocations at their peak, for the same 3,000 quotes in 10 reports: a first load
    holds one report's, a reload of changed seeds (which diffs the whole tree) all of them."""
    seeds = tmp_path / "seeds"
    generate(3000, seeds, reports=10)
    engine = make_engine(f"sqlite:///{tmp_path / 'insights.db'}")
    migrate(engine)

    def peak(load: Any) -> int:
        tracemalloc.start()
        try:
            load()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    first = peak(lambda: load_seeds(engine, seeds))
    with engine.begin() as connection:  # as if an older version were loaded: the whole tree
        connection.execute(text("UPDATE dataset_state SET data_version = 'older'"))
    whole = peak(lambda: load_seeds(engine, seeds))
    assert first < whole / 2, (first, whole)


def test_a_quote_id_repeated_in_another_report_names_both_and_writes_nothing(
    empty: Engine, tmp_path: Path
) -> None:
    seeds = with_second_report(tmp_path / "seeds")
    # The older report, loaded second, repeats an id of the newer one, already written.
    with editing(seeds, f"reports/{SYNTHETIC}/quotes.yaml") as document:
        taken = document["quotes"][0]["id"]
    with editing(seeds, f"reports/{REPORT_ID}/quotes.yaml") as document:
        document["quotes"][6]["id"] = taken
    with pytest.raises(SeedError) as error:
        load_seeds(empty, seeds)
    message = str(error.value)
    # Named in reading order (folders by name), as the whole tree's check names a repeat.
    assert f"seeds/reports/{SYNTHETIC}/quotes.yaml: record 1 (id '{taken}')" in message
    assert f"also record 7 of seeds/reports/{REPORT_ID}/quotes.yaml" in message
    assert _holdings(empty) == (None, 0)


def test_a_mistake_in_a_later_report_writes_nothing_and_names_every_mistake(
    empty: Engine, tmp_path: Path
) -> None:
    seeds = with_second_report(tmp_path / "seeds")
    # The newer report's quotes go in first; the older one's have two mistakes.
    with editing(seeds, f"reports/{REPORT_ID}/quotes.yaml") as document:
        document["quotes"][2]["theme"] = "no-such-theme"
        document["quotes"][4]["interview"] = "no-such-interview"
    with pytest.raises(SeedError) as error:
        load_seeds(empty, seeds)
    assert [str(problem) for problem in error.value.problems] == [
        f"seeds/{REPORT_DIR}/quotes.yaml: record 3 (id 'cgt-2026-q03'), field 'theme': "
        "unknown theme 'no-such-theme'",
        f"seeds/{REPORT_DIR}/quotes.yaml: record 5 (id 'cgt-2026-q05'), field 'interview': "
        "unknown interview 'no-such-interview'",
    ]
    assert _holdings(empty) == (None, 0)
