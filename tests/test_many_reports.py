"""A second report beside the real one: adding a report is adding a folder, and the API serves
the series; removing the folder gives back today's answers.

The second report is synthetic (`tests/fixtures/seed_reports/`), clearly marked as such, and
never lives in `seeds/`.
"""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.db import make_engine
from app.seeding import SeedError, load_seeds
from tests.helpers.api import Json, walk_pages
from tests.helpers.databases import client_for, migrate
from tests.helpers.seeds import (
    REPORT_ID,
    SEEDS_DIR,
    SYNTHETIC,
    SYNTHETIC_RELEASE,
    editing,
    with_second_report,
)

REAL_QUOTES = 62
SYNTHETIC_QUOTES = 18


@pytest.fixture(scope="module")
def api(series: Engine) -> TestClient:
    return client_for(series)


def get(client: TestClient, url: str) -> Json:
    response = client.get(url)
    assert response.status_code == 200, (url, response.text)
    body: Json = response.json()
    return body


def test_the_series_lists_every_report_newest_first(api: TestClient) -> None:
    reports = get(api, "/v1/reports")["items"]
    assert [r["id"] for r in reports][:2] == [SYNTHETIC, SYNTHETIC_RELEASE]
    counts = {r["id"]: r["quote_count"] for r in reports}
    assert counts[SYNTHETIC] == SYNTHETIC_QUOTES
    assert counts[REPORT_ID] == REAL_QUOTES
    assert get(api, "/v1/meta")["counts"]["quotes"] == REAL_QUOTES + SYNTHETIC_QUOTES


def test_quotes_come_in_report_order_newest_report_first(api: TestClient) -> None:
    quotes = walk_pages(api, "/v1/quotes?limit=100", max_pages=5)
    assert len(quotes) == REAL_QUOTES + SYNTHETIC_QUOTES
    reports = [quote["report"]["id"] for quote in quotes]
    assert reports == [SYNTHETIC] * SYNTHETIC_QUOTES + [REPORT_ID] * REAL_QUOTES
    for report in (SYNTHETIC, REPORT_ID):
        positions = [q["position"] for q in quotes if q["report"]["id"] == report]
        assert positions == sorted(positions)


@pytest.mark.parametrize(("report", "expected"), [(SYNTHETIC, 18), (REPORT_ID, 62)])
def test_the_report_filter_selects_one_report(api: TestClient, report: str, expected: int) -> None:
    quotes = walk_pages(api, f"/v1/quotes?report={report}&limit=100", max_pages=5)
    assert len(quotes) == expected
    assert {quote["report"]["id"] for quote in quotes} == {report}
    themes = get(api, f"/v1/themes?report={report}")["items"]
    assert themes
    assert {theme["report"]["id"] for theme in themes} == {report}


def test_a_shared_layer_filters_every_reports_quotes(api: TestClient) -> None:
    quotes = walk_pages(api, "/v1/quotes?layer=tip-of-the-iceberg&limit=100", max_pages=5)
    assert {quote["report"]["id"] for quote in quotes} == {SYNTHETIC, REPORT_ID}


def test_a_layer_carries_each_reports_texts(api: TestClient) -> None:
    layer = get(api, "/v1/layers/tip-of-the-iceberg")
    assert [text["report"]["id"] for text in layer["reports"]] == [SYNTHETIC, REPORT_ID]
    newest = layer["reports"][0]
    assert (layer["heading"], layer["description"]) == (newest["heading"], newest["description"])
    real = layer["reports"][1]
    assert real["heading"] == "Hot Topics in the Cell and Gene Therapy Landscape"
    assert real["section"]["numeral"] == "V"


def test_a_search_finds_both_reports(api: TestClient) -> None:
    quotes = walk_pages(api, "/v1/quotes?q=Medicaid&limit=100", max_pages=5)
    assert {quote["report"]["id"] for quote in quotes} == {SYNTHETIC, REPORT_ID}


def test_report_is_a_facet_and_a_crosstab_dimension(api: TestClient) -> None:
    facets = get(api, "/v1/quotes?facet=report&limit=1")["facets"]["report"]
    counts = {value["value"]: value["count"] for value in facets}
    assert counts[SYNTHETIC] == SYNTHETIC_QUOTES
    assert counts[REPORT_ID] == REAL_QUOTES
    table = get(api, "/v1/stats/crosstab?rows=report&cols=layer")
    rows = [row["value"] for row in table["rows"]]
    assert rows[0] == SYNTHETIC
    assert table["total"] == REAL_QUOTES + SYNTHETIC_QUOTES
    by_report = dict(zip(rows, table["row_totals"], strict=True))
    assert by_report[SYNTHETIC] == SYNTHETIC_QUOTES
    assert by_report[REPORT_ID] == REAL_QUOTES


def test_every_quote_names_its_report(api: TestClient) -> None:
    for quote in walk_pages(api, f"/v1/quotes?report={SYNTHETIC}&limit=100", max_pages=5):
        assert quote["report"]["id"] == SYNTHETIC
        assert quote["id"].startswith("syn-")
        page = api.get(f"/quotes/{quote['id']}")
        assert page.status_code == 200
        assert "Synthetic Test Report" in page.text


def test_removing_the_folder_gives_back_todays_answers(
    fresh_database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(fresh_database_url)
    migrate(engine)
    real = load_seeds(engine, SEEDS_DIR)
    client = client_for(engine)
    before = {url: get(client, url) for url in ANSWERS}
    load_seeds(engine, with_second_report(tmp_path / "seeds"))
    assert get(client, "/v1/meta")["counts"]["quotes"] == REAL_QUOTES + SYNTHETIC_QUOTES
    again = load_seeds(engine, SEEDS_DIR)
    assert again.data_version == real.data_version
    assert {url: get(client, url) for url in ANSWERS} == before
    engine.dispose()


ANSWERS = [
    "/v1/quotes",
    "/v1/reports",
    "/v1/layers/a-bit-deeper",
    "/v1/themes",
    "/v1/stats/crosstab?rows=stakeholder_type&cols=layer",
    "/v1/quotes?facet=report&facet=layer&limit=1",
]


def test_an_id_used_in_two_folders_names_both(tmp_path: Path) -> None:
    seeds = with_second_report(tmp_path / "seeds")
    with editing(seeds, f"reports/{SYNTHETIC}/quotes.yaml") as document:
        document["quotes"][0]["id"] = "cgt-2026-q07"
    with pytest.raises(SeedError) as error:
        load_seeds(make_engine(f"sqlite:///{tmp_path / 'x.db'}"), seeds)
    message = str(error.value)
    assert f"seeds/reports/{SYNTHETIC}/quotes.yaml: record 1 (id 'cgt-2026-q07')" in message
    assert f"also record 7 of seeds/reports/{REPORT_ID}/quotes.yaml" in message


def test_a_record_naming_another_report_than_its_folder_is_refused(tmp_path: Path) -> None:
    seeds = with_second_report(tmp_path / "seeds")
    with editing(seeds, f"reports/{SYNTHETIC}/quotes.yaml") as document:
        document["quotes"][0]["report"] = REPORT_ID
    with pytest.raises(SeedError, match=f"lies in the folder of report '{SYNTHETIC}'"):
        load_seeds(make_engine(f"sqlite:///{tmp_path / 'x.db'}"), seeds)


def test_a_report_names_its_layers_themes_and_companions(api: TestClient) -> None:
    report = get(api, f"/v1/reports/{SYNTHETIC}")
    assert [c["id"] for c in report["companions"]] == [SYNTHETIC_RELEASE]
    assert report["companion_of"] is None
    assert [t["layer"]["id"] for t in report["layers"]] == [
        "tip-of-the-iceberg",
        "below-the-surface",
        "a-bit-deeper",
        "the-fundamentals",
    ]
    assert report["themes"]
    assert {theme["report"]["id"] for theme in report["themes"]} == {SYNTHETIC}
    release = get(api, f"/v1/reports/{SYNTHETIC_RELEASE}")
    assert release["companion_of"]["id"] == SYNTHETIC
    real = get(api, f"/v1/reports/{REPORT_ID}")
    assert {c["id"] for c in real["companions"]} == {
        "cgt-press-release-2026",
        "cgt-seminar-report-2026",
    }


def test_meta_counts_each_report(api: TestClient) -> None:
    counts = {item["report"]["id"]: item for item in get(api, "/v1/meta")["reports"]}
    assert counts[SYNTHETIC]["quotes"] == SYNTHETIC_QUOTES
    assert counts[REPORT_ID] == {
        "report": counts[REPORT_ID]["report"],
        "themes": 18,
        "interviews": 17,
        "quotes": REAL_QUOTES,
    }


@pytest.mark.parametrize("path", ["/v1/interviews", "/v1/stakeholder-types/payer"])
def test_interviews_and_profiles_take_a_report_filter(api: TestClient, path: str) -> None:
    everything = get(api, path)
    real = get(api, f"{path}?report={REPORT_ID}")
    assert everything != real
    assert api.get(f"{path}?report=nope").status_code == 422


def test_the_home_page_lists_the_series_and_each_report_has_a_page(api: TestClient) -> None:
    home = api.get("/")
    assert home.status_code == 200
    assert f'href="http://127.0.0.1:8000/reports/{SYNTHETIC}"' in home.text
    for report, quotes in ((SYNTHETIC, SYNTHETIC_QUOTES), (REPORT_ID, REAL_QUOTES)):
        page = api.get(f"/reports/{report}")
        assert page.status_code == 200
        assert f"sorts {quotes} verbatim quotes" in page.text
    assert api.get("/reports/nope").status_code == 404


@pytest.mark.parametrize("report", [SYNTHETIC, REPORT_ID])
def test_search_takes_a_report_filter_and_names_each_hits_report(
    api: TestClient, report: str
) -> None:
    everything = walk_pages(api, "/v1/search?q=access&limit=100", max_pages=10)
    assert {hit["report"]["id"] for hit in everything if hit["report"]} == {SYNTHETIC, REPORT_ID}
    assert all(hit["report"] is None for hit in everything if hit["type"] == "layer")
    hits = walk_pages(api, f"/v1/search?q=access&report={report}&limit=100", max_pages=10)
    owned = [hit for hit in everything if hit["type"] != "layer"]
    assert [hit for hit in hits if hit["type"] != "layer"] == [
        hit for hit in owned if hit["report"]["id"] == report
    ]
    for hit in hits:
        if hit["type"] == "quote":
            assert get(api, hit["url"])["report"]["id"] == report
    assert api.get("/v1/search?q=access&report=nope").status_code == 422


@pytest.mark.parametrize("fmt", ["json", "atom", "rss"])
def test_a_feed_of_one_report_holds_its_quotes_and_names_it(api: TestClient, fmt: str) -> None:
    response = api.get(f"/feeds/quotes.{fmt}?report={SYNTHETIC}")
    assert response.status_code == 200
    body = response.text
    assert body.count("/quotes/syn-") == 2 * SYNTHETIC_QUOTES  # each item's id and link
    assert "cgt-2026-q" not in body
    assert "Synthetic Test Report" in body
    assert f"/feeds/quotes.{fmt}?report={SYNTHETIC}" in body


@pytest.mark.parametrize("path", ["/v1/quotes/random", "/v1/quotes/daily"])
@pytest.mark.parametrize("report", [SYNTHETIC, REPORT_ID])
def test_random_and_daily_picks_take_a_report_filter(
    api: TestClient, path: str, report: str
) -> None:
    for _ in range(5):
        assert get(api, f"{path}?report={report}")["report"]["id"] == report


@pytest.mark.parametrize(("report", "expected"), [(SYNTHETIC, 18), (REPORT_ID, 62)])
def test_exports_take_a_report_filter(api: TestClient, report: str, expected: int) -> None:
    rows = api.get(f"/v1/quotes.ndjson?report={report}").text.splitlines()
    assert len(rows) == expected
    assert all(f'"id":"{report}"' in row for row in rows)
    csv_lines = api.get(f"/v1/quotes.csv?report={report}").text.splitlines()
    assert len(csv_lines) == expected + 1


def test_an_embed_card_and_its_json_ld_name_the_report(api: TestClient) -> None:
    quote = get(api, f"/v1/quotes?report={SYNTHETIC}&limit=1")["items"][0]
    card = api.get(f"/embed/quotes/{quote['id']}")
    assert card.status_code == 200
    assert quote["report"]["title"] in card.text
    assert f"http://127.0.0.1:8000/reports/{SYNTHETIC}" in card.text
