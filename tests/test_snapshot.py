"""The per-process snapshot (app/queries/snapshot.py): what it keeps is never served past a
reseed that changes it, and it holds no more quotes than QUOTE_CACHE_QUOTES.

Every request here goes to the routes (no response cache), so only the snapshot could serve a
stale answer.
"""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app import schemas
from app.queries.snapshot import Snapshot, snapshot
from app.seeding import load_seeds
from tests.helpers.databases import client_for
from tests.helpers.seeds import REPORT_DIR, SYNTHETIC, copy_seeds, editing, with_second_report
from tests.helpers.settings import Configure

SYNTHETIC_QUOTE = "syn-2027-q01"


@pytest.fixture
def cold(seeded: Engine, configure: Configure) -> TestClient:
    """A client over a database of the test's own, with the response cache off."""
    configure(response_cache_max_bytes="0")
    return client_for(seeded)


def quote_ids(client: TestClient, query: str) -> list[str]:
    response = client.get(f"/v1/quotes?{query}&limit=100")
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_a_new_report_its_quotes_and_ids_are_served_from_the_next_request(
    cold: TestClient, seeded: Engine, tmp_path: Path
) -> None:
    assert cold.get(f"/v1/quotes?report={SYNTHETIC}").status_code == 422
    assert cold.get(f"/v1/quotes/{SYNTHETIC_QUOTE}").status_code == 404
    load_seeds(seeded, with_second_report(tmp_path / "seeds"))
    assert quote_ids(cold, f"report={SYNTHETIC}")[0] == SYNTHETIC_QUOTE
    assert cold.get(f"/v1/quotes/{SYNTHETIC_QUOTE}").json()["report"]["id"] == SYNTHETIC
    load_seeds(seeded, copy_seeds(tmp_path / "again"))  # and gone again
    assert cold.get(f"/v1/quotes?report={SYNTHETIC}").status_code == 422
    assert cold.get(f"/v1/quotes/{SYNTHETIC_QUOTE}").status_code == 404


def test_a_changed_type_tree_and_changed_tags_are_served_from_the_next_request(
    cold: TestClient, seeded: Engine, tmp_path: Path
) -> None:
    payers, public = quote_ids(cold, "stakeholder_type=payer"), "stakeholder_type=public-payer"
    public_payers = quote_ids(cold, public)
    assert set(public_payers) < set(payers)
    tags = [tag["id"] for tag in cold.get("/v1/quotes/cgt-2026-q07").json()["tags"]]
    assert "value-based-agreements" in tags
    seeds = copy_seeds(tmp_path / "seeds")
    with editing(seeds, "stakeholder_types.yaml") as document:
        for entry in document["stakeholder_types"]:
            if entry["id"] == "public-payer":
                entry["parent"] = None  # no longer a payer
    with editing(seeds, f"{REPORT_DIR}/quotes.yaml") as document:
        for entry in document["quotes"] if isinstance(document, dict) else document:
            if entry["id"] == "cgt-2026-q07":
                entry["tags"].remove("value-based-agreements")
    load_seeds(seeded, seeds)
    assert quote_ids(cold, "stakeholder_type=payer") == [
        quote_id for quote_id in payers if quote_id not in public_payers
    ]
    assert quote_ids(cold, public) == public_payers
    after = [tag["id"] for tag in cold.get("/v1/quotes/cgt-2026-q07").json()["tags"]]
    assert after == [tag for tag in tags if tag != "value-based-agreements"]


def test_a_session_reads_the_version_once_and_shares_the_snapshot(seeded: Engine) -> None:
    with Session(seeded) as first, Session(seeded) as second:
        assert snapshot(first) is snapshot(first) is snapshot(second)
        assert "payer" in snapshot(first).subtypes["payer"]


@pytest.mark.parametrize(("max_quotes", "kept"), [(0, []), (2, ["b", "c"]), (5, ["a", "b", "c"])])
def test_kept_quotes_are_bounded_least_recently_used_first(
    max_quotes: int, kept: list[str]
) -> None:
    built: list[list[str]] = []

    def build(missing: list[str]) -> list[schemas.Quote]:
        built.append(missing)
        return [quote(quote_id) for quote_id in missing if quote_id != "gone"]

    kept_quotes = Snapshot("v1", {}, {}, max_quotes)
    found = kept_quotes.quotes_by_id(["a", "b", "gone"], build)
    assert sorted(found) == ["a", "b"]
    kept_quotes.quotes_by_id(["c"], build)
    assert list(kept_quotes.quotes) == kept
    # What was kept is not built again; what was not (or does not exist) is.
    kept_quotes.quotes_by_id(["a", "b", "c", "gone"], build)
    assert built[-1] == [q for q in ["a", "b", "c", "gone"] if q not in kept]


def quote(quote_id: str) -> schemas.Quote:
    """A synthetic quote (only its id matters to the snapshot)."""
    return schemas.Quote.model_validate(
        {
            "id": quote_id,
            "text": "Synthetic.",
            "attribution": "Someone",
            "role_title": "Someone",
            "position": 1,
            "length": 10,
            "theme": {"id": "t", "title": "T"},
            "layer": {"id": "l", "name": "L"},
            "stakeholder_type": {"id": "s", "name": "S"},
            "organisation_type": None,
            "interview": {"id": "i"},
            "report": {"id": "r", "title": "R"},
            "tags": [],
            "location": {
                "section": {"numeral": "I", "title": "S", "page_start": 1, "page_end": 1},
                "start_offset": 0,
                "end_offset": 10,
            },
        }
    )
