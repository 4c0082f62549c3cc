"""Migrations on SQLite and PostgreSQL: one head, upgrade, down and up again, no model drift.
It is long because every revision is upgraded with data in it, and what each kind of revision
does to data (columns moved, rows added, room made for content only a load writes) is named for
the comparison.

pytest-alembic's automatic collection crashes on pytest 9, so its tests are imported here (and
`pytest_alembic_tests_path` in pyproject.toml points at a file that does not exist).
"""

import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from pytest_alembic import Config
from pytest_alembic.tests import (
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import Engine, column, insert, inspect, text
from sqlalchemy import table as table_clause

from app.cli import alembic_config as project_alembic_config
from app.db import make_engine
from app.models import metadata
from app.queries.fulltext import SEARCH_DOCUMENTS
from app.seeding.tables import Row
from tests.helpers.databases import client_for, migrate
from tests.helpers.pins import PINNED_REQUESTS, live_answer, mismatches, pin_name, read_pin
from tests.helpers.seeds import SEEDS_DIR
from tests.helpers.snapshots import snapshot, table_columns

__all__ = [
    "test_model_definitions_match_ddl",
    "test_single_head_revision",
    "test_up_down_consistency",
    "test_upgrade",
]


@pytest.fixture
def alembic_config() -> Config:
    """The project's own Alembic configuration (from pyproject.toml)."""
    return Config.from_raw_config(project_alembic_config())


@pytest.fixture
def alembic_engine(fresh_database_url: str) -> Iterator[Engine]:
    """A fresh database of the backend under test, for pytest-alembic."""
    engine = make_engine(fresh_database_url)
    yield engine
    engine.dispose()


def test_search_index_exists_after_upgrade_and_is_gone_after_downgrade(
    alembic_engine: Engine,
) -> None:
    from alembic import command

    migrate(alembic_engine)
    inspector = inspect(alembic_engine)
    if alembic_engine.dialect.name == "sqlite":
        assert {"search_fts", "search_fts_prefix"} <= set(inspector.get_table_names())
    else:
        indexes = {index["name"] for index in inspector.get_indexes("quote")}
        assert {"ix_quote_text_search", "ix_quote_text_search_prefix"} <= indexes
    config = project_alembic_config()
    config.attributes["connection"] = alembic_engine
    command.downgrade(config, "base")
    assert set(inspect(alembic_engine).get_table_names()) <= {"alembic_version"}


def seed_as_of_now(engine: Engine) -> None:
    """Write the seeded report into the columns the database has at its current revision.

    The loader writes the columns of the latest models, so an older revision gets the same
    rows cut down to its own columns, the search rows, the stored counts, and the data version.
    """
    from app.seeding import TABLE_ORDER, build_rows, data_version, read_all
    from app.seeding.counts import refresh_quote_codes, refresh_quote_counts

    rows = build_rows(read_all(SEEDS_DIR), SEEDS_DIR)
    version = data_version(rows)  # of the content, whatever shape an older schema gives it
    columns = database_columns(engine)
    documents = dict(SEARCH_DOCUMENTS)
    if "report_layer" not in columns:
        rows = as_one_report_schema(rows)
        documents["layer"] = ONE_REPORT_LAYER_DOCUMENT
    with engine.begin() as connection:
        for name in TABLE_ORDER:
            if name not in columns:
                continue
            table = metadata.tables[name]
            kept = [{k: row[k] for k in columns[name]} for row in rows[name]]
            types = {k: table.c[k].type if k in table.c else sa.Text() for k in columns[name]}
            target = table_clause(name, *(column(k, types[k]) for k in columns[name]))
            connection.execute(insert(target), kept)
        if engine.dialect.name == "sqlite":
            for fts in ("search_fts", "search_fts_prefix"):
                for kind, document in documents.items():
                    connection.execute(
                        text(
                            f"INSERT INTO {fts} (kind, object_id, title, body) "
                            f"SELECT '{kind}', id, title, body FROM ({document})"
                        )
                    )
        if "quote_count" in columns:
            refresh_quote_counts(connection)
            if "report_layer" not in columns:  # the one-report loader counted no reports
                connection.execute(text("DELETE FROM quote_count WHERE dimension = 'report'"))
        if "quote_code" in columns:
            refresh_quote_codes(connection)
        connection.execute(
            text("INSERT INTO dataset_state (id, data_version, loaded_at) VALUES (1, :v, :t)"),
            {"v": version, "t": datetime.now(UTC)},
        )


# Tables a revision may add rows to (the stored counts of a new dimension); the loader's
# reload at the end checks they hold exactly what a load writes.
FILLED_BY_MIGRATIONS = ("quote_count", "quote_code")
# Content a revision makes room for that only the seed files hold, so no migration can fill it:
# a database upgraded past the revision holds none of it until its next load, which writes it.
# Table -> its columns of that content (None: the whole table).
LOADED_AFTER_UPGRADING: dict[str, tuple[str, ...] | None] = {
    # d5b7e9f1a3c6: the facts the reports print (sponsors, caveats, conclusion, ...).
    "report_passage": None,
    "report": ("workshop_expert_count_approximate",),
}
# The fields of the pinned answers that hold that content, by route prefix: a database upgraded
# without a reload answers them empty.
ANSWERED_AFTER_THE_NEXT_LOAD = {
    "/v1/reports/": (
        "sponsors",
        "conclusion",
        "described_in",
        "methodology.workshop_expert_count_text",
        "methodology.workshop_expert_count_approximate",
        "methodology.workshop_expert_count_source",
        "methodology.participant_selection",
        "methodology.caveats",
    ),
}
# A layer's search text while each layer had one report's texts (before many reports).
ONE_REPORT_LAYER_DOCUMENT = (
    "SELECT id, name || ': ' || heading AS title, "
    "description || ' ' || COALESCE(introduction, '') AS body FROM layer"
)


def database_columns(engine: Engine) -> dict[str, list[str]]:
    """The columns each loaded table has in the database now, whatever the models say (the
    search vectors aside, which PostgreSQL generates)."""
    inspector = inspect(engine)
    return {
        name: [
            c["name"] for c in inspector.get_columns(name) if not c["name"].startswith("search_")
        ]
        for name in inspector.get_table_names()
        if name in metadata.tables and name != "dataset_state"
    }


def database_snapshot(
    engine: Engine, columns: dict[str, list[str]]
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables and columns named, read as the database has them."""
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for name, names in columns.items():
            listed = ", ".join(f'"{n}"' for n in names)
            rows = connection.execute(text(f'SELECT {listed} FROM "{name}"')).all()
            snapshot[name] = sorted(tuple(row) for row in rows)
    return snapshot


def snapshot_of(
    rows: dict[str, list[tuple[Any, ...]]],
    columns: dict[str, list[str]],
    kept: dict[str, list[str]],
) -> dict[str, list[tuple[Any, ...]]]:
    """A snapshot cut down to the `kept` columns of each table."""
    cut: dict[str, list[tuple[Any, ...]]] = {}
    for name, values in rows.items():
        if name not in columns:
            cut[name] = values
            continue
        where = [columns[name].index(c) for c in kept[name]]
        cut[name] = sorted(tuple(value[i] for i in where) for value in values)
    return cut


def as_one_report_schema(rows: dict[str, list[Row]]) -> dict[str, list[Row]]:
    """The rows as the schema before many reports held them: each layer with its one report's
    texts and section, themes and reports without the columns that came with many reports."""
    texts = {row["layer_id"]: row for row in rows["report_layer"]}
    old = dict(rows)
    old["layer"] = [
        row
        | {
            key: texts[row["id"]][key]
            for key in ("heading", "description", "introduction", "section_id")
        }
        for row in rows["layer"]
    ]
    return old


def answers(url: str, collection: str) -> bool:
    """Whether `url` asks for one object of `collection` (`/v1/reports/{id}`, not a path under
    it such as its citation)."""
    rest = url.removeprefix(collection) if url.startswith(collection) else ""
    return bool(rest) and "/" not in rest.split("?")[0]


def without(answer: Any, paths: tuple[str, ...]) -> Any:
    """A copy of a JSON answer without the fields at the dotted `paths`."""
    answer = copy.deepcopy(answer)
    for path in paths:
        *parents, last = path.split(".")
        node = answer
        for parent in parents:
            node = node[parent]
        del node[last]
    return answer


def test_data_seeded_before_an_upgrade_is_intact_after_it(alembic_engine: Engine) -> None:
    """Every revision after the first: seed at the one before, upgrade, the rows are the same.

    Columns a revision adds are compared too: the loader, reloading the same seeds after the
    last upgrade, finds nothing to change (the data version holds, and so does every row).
    """
    from alembic import command
    from alembic.script import ScriptDirectory

    from app.seeding import build_rows, load_seeds, read_all

    config = project_alembic_config()
    config.attributes["connection"] = alembic_engine
    revisions = list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))
    assert len(revisions) >= 2, "needs a revision after the first"
    command.upgrade(config, revisions[0].revision)
    seed_as_of_now(alembic_engine)
    for revision in revisions[1:]:
        columns = database_columns(alembic_engine)
        before = database_snapshot(alembic_engine, columns)
        command.upgrade(config, revision.revision)
        # A revision may move columns to a table of their own (the layers' texts, to each
        # report): the columns that stay must keep their values; the moved ones are checked
        # below, where the loader finds nothing to change in the migrated database.
        after = database_columns(alembic_engine)
        kept = {
            name: [c for c in names if c in after.get(name, [])] for name, names in columns.items()
        }
        if kept != columns:
            before = snapshot_of(before, columns, kept)
        now = database_snapshot(alembic_engine, kept)
        for name in FILLED_BY_MIGRATIONS:  # rows may be added (a new dimension's), none lost
            assert set(before.pop(name, [])) <= set(now.pop(name, [])), revision.revision
        assert now == before, revision.revision
    kept, loaded_later = split_loaded_after_upgrading(table_columns(alembic_engine))
    assert_not_loaded_yet(database_snapshot(alembic_engine, loaded_later))
    migrated = snapshot(alembic_engine, kept)
    assert load_seeds(alembic_engine, SEEDS_DIR).changed is False
    with alembic_engine.begin() as connection:
        connection.execute(text("DELETE FROM dataset_state"))
    assert load_seeds(alembic_engine, SEEDS_DIR).changed is True
    assert snapshot(alembic_engine, kept) == migrated
    # What no migration could fill, the load wrote: exactly the rows the seeds make.
    rows = build_rows(read_all(SEEDS_DIR), SEEDS_DIR)
    assert database_snapshot(alembic_engine, loaded_later) == {
        name: sorted(tuple(row[c] for c in names) for row in rows[name])
        for name, names in loaded_later.items()
    }


def split_loaded_after_upgrading(
    columns: dict[str, list[str]],
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The columns the migrations keep or fill, and those only a load fills (LOADED_AFTER_
    UPGRADING, with their table's key)."""
    kept: dict[str, list[str]] = {}
    loaded: dict[str, list[str]] = {}
    for name, names in columns.items():
        later = LOADED_AFTER_UPGRADING.get(name, ())
        if later is None:
            loaded[name] = names
            continue
        kept[name] = [c for c in names if c not in later]
        if later:
            loaded[name] = [c.name for c in metadata.tables[name].primary_key.columns] + [*later]
    return kept, loaded


def assert_not_loaded_yet(rows: dict[str, list[tuple[Any, ...]]]) -> None:
    """No row of a table, and nothing in a column, that only a load fills."""
    for name, values in rows.items():
        later = LOADED_AFTER_UPGRADING[name]
        if later is None:
            assert values == [], name
        else:
            assert {row[-len(later) :] for row in values} <= {(None,) * len(later)}, name


# The head before the series (one report per database), and so before the pins were taken.
ONE_REPORT_HEAD = "8b4c2e6f1d37"


def test_a_database_from_before_many_reports_answers_as_it_did(
    alembic_engine: Engine, backend: str
) -> None:
    """Seeded at the one-report head, upgraded to today's: every pinned answer (taken from the
    one-report code on such a database) is still contained in what the API answers, with no
    reseed in between."""
    from alembic import command

    config = project_alembic_config()
    config.attributes["connection"] = alembic_engine
    command.upgrade(config, ONE_REPORT_HEAD)
    seed_as_of_now(alembic_engine)
    command.upgrade(config, "head")
    client = client_for(alembic_engine)
    for name, url in PINNED_REQUESTS:
        pinned = read_pin(pin_name(name, url, backend))
        live = live_answer(client, url)
        assert pinned["content_type"] == live["content_type"], url
        later = next((f for r, f in ANSWERED_AFTER_THE_NEXT_LOAD.items() if answers(url, r)), ())
        assert mismatches(without(pinned["answer"], later), live["answer"]) == [], url
    # The report filter reads the search rows by rowid: a migrated index must serve it too.
    everything = client.get("/v1/search?q=patient&limit=100").json()["items"]
    assert everything
    assert client.get("/v1/search?q=patient&limit=100&report=cgt-insights-2026").json() == {
        "items": everything,
        "next_cursor": None,
    }
