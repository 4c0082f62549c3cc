"""What changed: each load's change set, `/v1/changes`, `/v1/change-sets` and the Atom feed of
them, on both backends. A correction made here (one quote's text, in a copy of the seeds) shows
as that quote changed, with the field `text`."""

from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from app import urls
from app.db import make_engine
from app.models import metadata
from app.seeding import load_seeds
from app.seeding import writes as seed_writes
from tests.helpers.api import Json, assert_problem, json_at, walk_pages
from tests.helpers.databases import client_for, migrate
from tests.helpers.seeds import REPORT_DIR, REPORT_ID, copy_seeds, editing
from tests.helpers.snapshots import empty_tables

QUOTES = f"{REPORT_DIR}/quotes.yaml"
TEXT = f"{REPORT_DIR}/text.txt"
CORRECTED = "cgt-2026-q03"
# A correction of the same length, so that no other quote's offsets move.
TYPO, FIX = "super, super expensive", "truly, truly expensive"
# What the seeded data holds: every object the first load adds, by type, in reading order.
FIRST_LOAD = {
    "report": 3,
    "layer": 4,
    "theme": 18,
    "stakeholder_type": 12,
    "organisation_type": 11,
    "interview": 17,
    "tag": 43,
    "quote": 62,
}


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A copy of the seeds for a test to correct."""
    return copy_seeds(tmp_path / "seeds")


@pytest.fixture
def loaded(fresh_database_url: str, seeds: Path) -> Iterator[Engine]:
    """A database of the test's own, loaded once from the copy of the seeds."""
    engine = make_engine(fresh_database_url)
    migrate(engine)
    load_seeds(engine, seeds)
    yield engine
    engine.dispose()


def correct_the_typo(seeds: Path) -> None:
    """Correct one quote, in its text and where the report's full text prints it."""
    with editing(seeds, QUOTES) as document:
        quote = next(q for q in document["quotes"] if q["id"] == CORRECTED)
        assert TYPO in quote["text"]
        quote["text"] = quote["text"].replace(TYPO, FIX)
    path = seeds / TEXT
    path.write_text(path.read_text(encoding="utf-8").replace(TYPO, FIX), encoding="utf-8")


def change_rows(engine: Engine) -> tuple[int, int]:
    """How many change sets and changes the database holds."""
    with engine.connect() as connection:
        sets = connection.execute(select(func.count()).select_from(metadata.tables["change_set"]))
        changes = connection.execute(select(func.count()).select_from(metadata.tables["change"]))
        return sets.scalar_one(), changes.scalar_one()


def change_set(client: TestClient, number: int) -> list[Json]:
    """Every change of one change set, in order."""
    return walk_pages(client, f"/v1/changes?change_set={number}&limit=100", max_pages=5)


def test_the_first_load_is_one_change_set_adding_everything(client: TestClient) -> None:
    [first] = json_at(client, "/v1/change-sets")["items"]
    assert first["id"] == 1
    assert first["previous_version"] is None
    assert first["data_version"] == json_at(client, "/v1/meta")["data_version"]
    assert first["changes_url"] == urls.changes({"change_set": "1"})
    assert first["counts"] == [
        {"type": name, "added": n, "removed": 0, "changed": 0} for name, n in FIRST_LOAD.items()
    ]
    changes = change_set(client, 1)
    assert [c["type"] for c in changes] == [t for t, n in FIRST_LOAD.items() for _ in range(n)]
    assert {(c["action"], tuple(c["fields"])) for c in changes} == {("added", ())}
    quote_ids = [c["id"] for c in changes if c["type"] == "quote"]
    assert quote_ids == sorted(quote_ids)
    assert changes[-1]["url"] == urls.api_quote(quote_ids[-1])
    organisation = next(c for c in changes if c["type"] == "organisation_type")
    assert organisation["url"] is None  # no page of their own
    assert json_at(client, "/v1/changes?type=quote&id=cgt-2026-q07")["items"] == [
        {
            "type": "quote",
            "id": "cgt-2026-q07",
            "action": "added",
            "fields": [],
            "url": urls.api_quote("cgt-2026-q07"),
            "change_set": {key: first[key] for key in changes[0]["change_set"]},
        }
    ]


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_the_cursor_walks_every_change_once(client: TestClient, limit: int) -> None:
    walked = walk_pages(client, f"/v1/changes?limit={limit}", max_pages=200)
    assert walked == change_set(client, 1)
    assert len({(c["type"], c["id"]) for c in walked}) == sum(FIRST_LOAD.values())
    response = client.get("/v1/changes?limit=1&type=tag")
    assert response.headers["link"].endswith(
        f'cursor={response.json()["next_cursor"]}>; rel="next"'
    )


def test_a_correction_shows_as_that_quote_changed(loaded: Engine, seeds: Path) -> None:
    client = client_for(loaded)
    first_version = json_at(client, "/v1/meta")["data_version"]
    correct_the_typo(seeds)
    assert load_seeds(loaded, seeds).changed
    version = json_at(client, "/v1/meta")["data_version"]
    newest = json_at(client, "/v1/change-sets")["items"][0]
    assert newest["id"] == 2
    assert (newest["data_version"], newest["previous_version"]) == (version, first_version)
    assert newest["counts"] == [
        {"type": "report", "added": 0, "removed": 0, "changed": 1},
        {"type": "quote", "added": 0, "removed": 0, "changed": 1},
    ]
    ref = {key: newest[key] for key in ("id", "data_version", "previous_version", "loaded_at")}
    expected: list[Json] = [
        {
            "type": "report",
            "id": REPORT_ID,
            "action": "changed",
            "fields": ["full_text"],
            "url": urls.api_url("report", REPORT_ID),
            "change_set": ref,
        },
        {
            "type": "quote",
            "id": CORRECTED,
            "action": "changed",
            "fields": ["text"],
            "url": urls.api_quote(CORRECTED),
            "change_set": ref,
        },
    ]
    assert json_at(client, "/v1/changes?limit=2")["items"] == expected
    assert json_at(client, f"/v1/changes?type=quote&id={CORRECTED}")["items"][0] == expected[1]
    assert json_at(client, urls.api_quote(CORRECTED))["text"].startswith("They are truly, truly")


def test_the_atom_feed_has_an_entry_per_load(loaded: Engine, seeds: Path) -> None:
    client = client_for(loaded)
    correct_the_typo(seeds)
    load_seeds(loaded, seeds)
    response = client.get("/feeds/changes.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.id == urls.feed("/feeds/changes.atom")
    newest, first = feed.entries
    assert newest.id == newest.link == urls.changes({"change_set": "2"})
    assert newest.title.endswith(": 1 report changed, 1 quote changed")
    assert newest.content[0].value.splitlines() == [
        f"report {REPORT_ID} changed: full_text {urls.api_url('report', REPORT_ID)}",
        f"quote {CORRECTED} changed: text {urls.api_quote(CORRECTED)}",
    ]
    assert "62 quotes added" in first.title
    assert first.content[0].value.endswith(f"... and more: {urls.changes({'change_set': '1'})}")
    assert feed.feed.updated_parsed == newest.updated_parsed


def test_removing_and_retagging_show_as_removed_and_changed(loaded: Engine, seeds: Path) -> None:
    client = client_for(loaded)
    with editing(seeds, QUOTES) as document:
        removed = document["quotes"].pop(5)
        retagged = next(q for q in document["quotes"] if q["tags"])
        retagged["tags"] = retagged["tags"][1:]
    assert load_seeds(loaded, seeds).changed
    changes = change_set(client, 2)
    assert [(c["type"], c["id"], c["action"], c["fields"], c["url"]) for c in changes] == sorted(
        [
            ("quote", removed["id"], "removed", [], None),
            ("quote", retagged["id"], "changed", ["tags"], urls.api_quote(retagged["id"])),
        ],
        key=lambda change: change[1],
    )
    # The removed quote's first change no longer links to it either.
    [added] = json_at(client, f"/v1/changes?change_set=1&id={removed['id']}")["items"]
    assert (added["action"], added["url"]) == ("added", None)


def test_the_facts_of_a_report_change_under_their_own_names(loaded: Engine, seeds: Path) -> None:
    """A passage changes the field it belongs to; the flag of the count is a field of its own."""
    client = client_for(loaded)
    with editing(seeds, f"{REPORT_DIR}/report.yaml") as document:
        record = document["report"]
        record["sponsors"].pop()  # a sponsor dropped
        record["conclusion"] = record["conclusion"][:1]  # paragraphs dropped
        record["methodology"]["caveats"].pop()
        record["methodology"]["workshop_expert_count_approximate"] = False
    with editing(seeds, "reports/cgt-seminar-report-2026/report.yaml") as document:
        document["report"]["described_in"] = []
    assert load_seeds(loaded, seeds).changed
    assert [(c["type"], c["id"], c["fields"]) for c in change_set(client, 2)] == [
        (
            "report",
            REPORT_ID,
            ["caveats", "conclusion", "sponsors", "workshop_expert_count_approximate"],
        ),
        ("report", "cgt-seminar-report-2026", ["described_in"]),
    ]


def test_the_bulk_path_records_what_the_general_path_does(
    fresh_database_url: str, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first load writes empty tables through the bulk path and records their rows in SQL;
    the diffing path records them from the rows: the same changes, in the same order."""
    engine = make_engine(fresh_database_url)
    migrate(engine)
    with monkeypatch.context() as general_path:
        general_path.setattr(seed_writes, "_is_empty", lambda *_: False)
        load_seeds(engine, seeds)
    empty_tables(engine)
    load_seeds(engine, seeds)
    client = client_for(engine)
    general, bulk = (
        [{k: v for k, v in c.items() if k != "change_set"} for c in change_set(client, n)]
        for n in (1, 2)
    )
    assert general == bulk
    assert len(bulk) == sum(FIRST_LOAD.values())
    engine.dispose()


def test_a_no_op_reseed_records_nothing(loaded: Engine, seeds: Path) -> None:
    before = change_rows(loaded)
    assert before == (1, sum(FIRST_LOAD.values()))
    assert load_seeds(loaded, seeds).changed is False
    assert change_rows(loaded) == before


def test_a_reverted_correction_is_a_load_of_its_own(loaded: Engine, seeds: Path) -> None:
    client = client_for(loaded)
    original = json_at(client, "/v1/change-sets")  # read, and cached if anything is, at v1
    original_text = (seeds / TEXT).read_text(encoding="utf-8")
    with editing(seeds, QUOTES) as document:
        original_quotes = [dict(q) for q in document["quotes"]]
    correct_the_typo(seeds)
    load_seeds(loaded, seeds)
    with editing(seeds, QUOTES) as document:
        document["quotes"] = original_quotes
    (seeds / TEXT).write_text(original_text, encoding="utf-8")
    assert load_seeds(loaded, seeds).changed
    sets = walk_pages(client, "/v1/change-sets?limit=1", max_pages=5)
    assert [s["id"] for s in sets] == [3, 2, 1]
    assert (
        sets[0]["data_version"] == sets[2]["data_version"] == original["items"][0]["data_version"]
    )
    assert sets[0]["previous_version"] == sets[1]["data_version"]
    assert [(c["id"], c["fields"]) for c in change_set(client, 3)] == [
        (REPORT_ID, ["full_text"]),
        (CORRECTED, ["text"]),
    ]


PAGING = ["limit=0", "limit=101", f"limit={10**30}", "limit=ten", "cursor=abc", "cursor=-1"]
PAGING += ["cursor=1.cgt-2026-q01", f"cursor={'9' * 10}"]
FILTERS = ["type=nosuch", "type=quotes", "change_set=0", "change_set=1000000000", "id="]
FILTERS += [f"id={'x' * 201}"]
HOSTILE = [("/v1/changes", query) for query in PAGING + FILTERS]
HOSTILE += [("/v1/change-sets", query) for query in PAGING]


@pytest.mark.parametrize(("path", "query"), HOSTILE)
def test_hostile_parameters_are_a_422_problem(client: TestClient, path: str, query: str) -> None:
    body = assert_problem(client.get(f"{path}?{query}"), 422)
    assert body["errors"][0]["loc"][:2] == ["query", query.split("=")[0]]
