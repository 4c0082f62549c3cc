"""The seed loader: idempotent, upserting in place, and all-or-nothing on bad files. It is long
because each kind of bad seed file gets its own case."""

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from app.db import make_engine
from app.seeding import SeedError, load_seeds
from app.seeding import files as seed_files
from app.seeding import writes as seed_writes
from tests.helpers.databases import client_for, migrate
from tests.helpers.seeds import REPORT_DIR, SEEDS_DIR, copy_seeds, editing
from tests.helpers.snapshots import assert_bulk_load_is_the_general_load, snapshot

# The real report's files, by their paths in the seed folder.
REPORT = f"{REPORT_DIR}/report.yaml"
THEMES = f"{REPORT_DIR}/themes.yaml"
INTERVIEWS = f"{REPORT_DIR}/interviews.yaml"
QUOTES = f"{REPORT_DIR}/quotes.yaml"


def test_a_first_load_writes_what_the_general_path_writes(
    fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seed_writes, "BULK_ROWS", 0)  # every table: indexes after its rows
    assert_bulk_load_is_the_general_load(fresh_database_url, SEEDS_DIR, monkeypatch)


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A copy of the seed folder to break or change."""
    return copy_seeds(tmp_path / "seeds")


def test_loading_twice_changes_nothing(seeded: Engine) -> None:
    before = snapshot(seeded)
    result = load_seeds(seeded, SEEDS_DIR)
    assert result.changed is False
    assert snapshot(seeded) == before
    assert result.counts["quote"] == 62


def test_a_corrected_file_updates_rows_in_place(seeded: Engine, seeds_copy: Path) -> None:
    original = snapshot(seeded)

    with editing(seeds_copy, "tags.yaml") as document:
        document["tags"][0]["name"] = "Renamed tag"
    result = load_seeds(seeded, seeds_copy)
    assert result.changed is True
    changed = snapshot(seeded)
    assert changed["dataset_state"] != original["dataset_state"]
    assert [row[0] for row in changed["tag"]] == [row[0] for row in original["tag"]]
    assert "Renamed tag" in {row[2] for row in changed["tag"]}
    assert changed["quote"] == original["quote"]

    # Loading the original again restores the rows and the very same data version.
    load_seeds(seeded, SEEDS_DIR)
    assert snapshot(seeded) == original


def test_rows_gone_from_the_seeds_are_deleted(seeded: Engine, seeds_copy: Path) -> None:
    with editing(seeds_copy, QUOTES) as document:
        document["quotes"] = [q for q in document["quotes"] if q["id"] != "cgt-2026-q08"]
    load_seeds(seeded, seeds_copy)
    after = snapshot(seeded)
    assert len(after["quote"]) == 61
    assert "cgt-2026-q08" not in {row[0] for row in after["quote_tag"]}
    if seeded.dialect.name == "sqlite":
        assert "cgt-2026-q08" not in {row[1] for row in after["search_fts"]}


def test_two_themes_can_swap_positions(seeded: Engine, seeds_copy: Path) -> None:
    with editing(seeds_copy, THEMES) as document:
        themes = document["themes"]
        themes[0]["position"], themes[1]["position"] = themes[1]["position"], 1
    load_seeds(seeded, seeds_copy)
    with seeded.connect() as connection:
        rows = connection.execute(text("SELECT id, position FROM theme")).all()
    positions: dict[str, int] = {row[0]: row[1] for row in rows}
    assert positions["curative-potential"] == 2
    assert positions["cost-financing-affordability"] == 1


def _at(
    filename: str, path: tuple[Any, ...], change: Callable[[Any, Any], None]
) -> Callable[[Path], None]:
    """A change to the value at `path` in one seed file of a folder."""

    def apply_to(folder: Path) -> None:
        with editing(folder, filename) as document:
            target: Any = document
            for key in path[:-1]:
                target = target[key]
            change(target, path[-1])

    return apply_to


def _set(filename: str, path: tuple[Any, ...], value: Any) -> Callable[[Path], None]:
    return _at(filename, path, lambda target, key: target.__setitem__(key, value))


def _delete(filename: str, path: tuple[Any, ...]) -> Callable[[Path], None]:
    return _at(filename, path, lambda target, key: target.__delitem__(key))


def _write(filename: str, content: bytes) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        (folder / filename).write_bytes(content)

    return change


def _duplicate_first_quote_id(folder: Path) -> None:
    with editing(folder, QUOTES) as document:
        document["quotes"][1]["id"] = document["quotes"][0]["id"]


BAD_SEEDS = [
    pytest.param(
        _write(QUOTES, b"quotes:\n  - id: [unclosed\n"),
        f"seeds/{QUOTES}: invalid YAML at line 3, column 1",
        id="broken-syntax",
    ),
    pytest.param(
        _set(THEMES, ("themes", 0, "position"), "first"),
        f"seeds/{THEMES}: record 1 (id 'curative-potential'), field 'position'",
        id="wrong-type",
    ),
    pytest.param(
        _duplicate_first_quote_id,
        f"seeds/{QUOTES}: record 2 (id 'cgt-2026-q01'), field 'id': duplicate id",
        id="duplicate-id",
    ),
    pytest.param(
        _set(QUOTES, ("quotes", 4, "theme"), "no-such-theme"),
        f"seeds/{QUOTES}: record 5 (id 'cgt-2026-q05'), field 'theme': unknown theme",
        id="dangling-theme",
    ),
    pytest.param(
        _set(INTERVIEWS, ("interviews", 0, "stakeholder_type"), "martians"),
        f"seeds/{INTERVIEWS}: record 1 (id 'executive-public-payer-association'), "
        "field 'stakeholder_type': unknown stakeholder type 'martians'",
        id="dangling-stakeholder-type",
    ),
    pytest.param(
        _set(QUOTES, ("quotes", 0, "tags"), ["no-such-tag"]),
        f"seeds/{QUOTES}: record 1 (id 'cgt-2026-q01'), field 'tags': unknown tag",
        id="dangling-tag",
    ),
    pytest.param(
        _delete(QUOTES, ("quotes", 4, "text")),
        f"seeds/{QUOTES}: record 5 (id 'cgt-2026-q05'), field 'text': Field required",
        id="missing-field",
    ),
    pytest.param(
        _set(QUOTES, ("quotes", 2, "text"), "bell\x07 character"),
        f"seeds/{QUOTES}: record 3 (id 'cgt-2026-q03'), field 'text': "
        "Value error, contains the control character U+0007",
        id="control-character",
    ),
    pytest.param(
        _set(QUOTES, ("quotes", 0, "txt"), "typo"),
        f"seeds/{QUOTES}: record 1 (id 'cgt-2026-q01'), field 'txt': Extra inputs",
        id="unknown-field",
    ),
    pytest.param(
        _set(QUOTES, ("quotes", 6, "text"), "A sentence the report never printed."),
        f"seeds/{QUOTES}: record 7 (id 'cgt-2026-q07'), field 'text': not found verbatim",
        id="paraphrased-quote",
    ),
    pytest.param(
        _set("stakeholder_types.yaml", ("stakeholder_types", 6, "parent"), "public-payer"),
        "seeds/stakeholder_types.yaml: record 7 (id 'payer'), field 'parent': "
        "the parent chain loops",
        id="taxonomy-cycle",
    ),
    pytest.param(
        _write("tags.yaml", b"tags:\n  - id: a\n    id: b\n"),
        "seeds/tags.yaml: invalid YAML at line 3, column 5: duplicate key 'id'",
        id="duplicate-key",
    ),
    pytest.param(
        _write("layers.yaml", b"layers: [\xff\xfe]\n"),
        "seeds/layers.yaml: not UTF-8",
        id="not-utf8",
    ),
    pytest.param(
        _write(REPORT, b"- just a list\n"),
        f"seeds/{REPORT}: expected a mapping with a mapping under 'report'",
        id="wrong-shape",
    ),
    pytest.param(
        _set(REPORT, ("report", "full_text"), "../../../etc/passwd"),
        f"seeds/{REPORT}: record 1 (id 'cgt-insights-2026'), field 'full_text'",
        id="text-outside-seeds",
    ),
]


@pytest.mark.parametrize(("break_seeds", "message"), BAD_SEEDS)
def test_a_bad_seed_file_changes_nothing_and_names_file_record_field(
    seeded: Engine, seeds_copy: Path, break_seeds: Callable[[Path], None], message: str
) -> None:
    before = snapshot(seeded)
    break_seeds(seeds_copy)
    with pytest.raises(SeedError) as raised:
        load_seeds(seeded, seeds_copy)
    assert message in str(raised.value)
    assert snapshot(seeded) == before


def test_an_oversized_file_is_refused(
    seeded: Engine, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(seeded)
    size = (seeds_copy / QUOTES).stat().st_size
    monkeypatch.setattr(seed_files, "MAX_SEED_FILE_BYTES", size - 1)
    with pytest.raises(SeedError, match=rf"seeds/{QUOTES}: file is \d+ bytes, over the"):
        load_seeds(seeded, seeds_copy)
    assert snapshot(seeded) == before


def test_every_problem_of_a_load_is_reported_at_once(seeded: Engine, seeds_copy: Path) -> None:
    _set(THEMES, ("themes", 0, "position"), "first")(seeds_copy)
    _set(QUOTES, ("quotes", 0, "txt"), "typo")(seeds_copy)
    with pytest.raises(SeedError) as raised:
        load_seeds(seeded, seeds_copy)
    files = {problem.file for problem in raised.value.problems}
    assert files == {f"seeds/{THEMES}", f"seeds/{QUOTES}"}


def test_the_api_keeps_serving_the_old_data_after_a_rejected_load(
    seeded: Engine, seeds_copy: Path
) -> None:
    client = client_for(seeded)
    before = client.get("/v1/meta").json()
    _set(QUOTES, ("quotes", 0, "theme"), "nope")(seeds_copy)
    with pytest.raises(SeedError):
        load_seeds(seeded, seeds_copy)
    assert client.get("/v1/meta").json() == before
    assert client.get("/v1/quotes/cgt-2026-q01").status_code == 200


def test_parallel_loads_do_not_corrupt(fresh_database_url: str) -> None:

    engine = make_engine(fresh_database_url)
    migrate(engine)
    results: list[bool] = []
    errors: list[BaseException] = []

    def load() -> None:
        try:
            results.append(load_seeds(engine, SEEDS_DIR).changed)
        except BaseException as exc:  # a failure must reach the assertion, not a thread log
            errors.append(exc)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(results) == [False, False, True]
    after = snapshot(engine)
    final = load_seeds(engine, SEEDS_DIR)
    assert final.changed is False
    assert {table: len(after[table]) for table in final.counts} == final.counts
    engine.dispose()


def test_cli_seed_exits_non_zero_naming_the_problem(seeds_copy: Path, tmp_path: Path) -> None:
    _set(QUOTES, ("quotes", 0, "theme"), "nope")(seeds_copy)
    database = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {"DATABASE_URL": database, "PATH": "/usr/bin:/bin"}
    insights = [sys.executable, "-m", "app.cli"]
    subprocess.run([*insights, "migrate"], env=env, check=True, capture_output=True)
    run = subprocess.run(
        [*insights, "seed", "--seeds-dir", str(seeds_copy)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert f"seeds/{QUOTES}: record 1 (id 'cgt-2026-q01'), field 'theme'" in run.stderr
    ok = subprocess.run([*insights, "seed"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "seeds loaded" in ok.stdout


def test_a_reseed_recounts_the_stored_facet_counts(seeded: Engine, seeds_copy: Path) -> None:
    def theme_counts() -> dict[str, int]:
        page = client_for(seeded).get("/v1/quotes?limit=1&facet=theme").json()
        return {value["value"]: value["count"] for value in page["facets"]["theme"]}

    before = theme_counts()
    moved: dict[str, str] = {}
    with editing(seeds_copy, QUOTES) as document:
        quote = document["quotes"][0]
        moved["from"] = quote["theme"]
        moved["to"] = quote["theme"] = next(t for t in before if t != quote["theme"])
    assert load_seeds(seeded, seeds_copy).changed is True
    after = theme_counts()
    assert after[moved["from"]] == before[moved["from"]] - 1
    assert after[moved["to"]] == before[moved["to"]] + 1
