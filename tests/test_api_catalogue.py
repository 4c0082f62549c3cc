"""Reports, layers, themes, stakeholder types, interviews, tags and meta, on both backends."""

import pytest
from fastapi.testclient import TestClient

from tests.helpers.api import Json, walk_pages

# The methodology's own words and the count's, which tests/test_report_facts.py checks.
FACT_FIELDS = (
    "workshop_expert_count_text",
    "workshop_expert_count_approximate",
    "workshop_expert_count_source",
    "participant_selection",
    "caveats",
)


def items(client: TestClient, url: str) -> list[Json]:
    """Every item of a list that fits on its first page."""
    return walk_pages(client, url, max_pages=1)


def test_layers_are_the_four_of_the_iceberg_in_depth_order(client: TestClient) -> None:
    layers = items(client, "/v1/layers")
    assert [
        (layer["id"], layer["depth"], layer["name"], layer["section"]["numeral"])
        for layer in layers
    ] == [
        ("tip-of-the-iceberg", 1, "Tip of the Iceberg", "V"),
        ("below-the-surface", 2, "Below the Surface", "VI"),
        ("a-bit-deeper", 3, "A Bit Deeper", "VII"),
        ("the-fundamentals", 4, "The Fundamentals", "VIII"),
    ]
    assert [layer["issue_kind"] for layer in layers] == [
        "hot topics",
        "patterns and trends (3–5 years)",
        "structures",
        "fundamental questions",
    ]
    assert [layer["theme_count"] for layer in layers] == [5, 4, 4, 5]
    assert [layer["quote_count"] for layer in layers] == [20, 11, 17, 14]
    assert layers[0]["introduction"] is None
    assert all(layer["introduction"] for layer in layers[1:])
    assert layers[2]["heading"] == "Structures That Impact the Policy Environment"


def test_layer_detail_lists_its_themes(client: TestClient) -> None:
    layer = client.get("/v1/layers/a-bit-deeper").json()
    assert [(t["id"], t["position"], t["quote_count"]) for t in layer["themes"]] == [
        ("fda-pathways", 10, 5),
        ("reimbursement-models", 11, 5),
        ("data-capture-monitoring", 12, 3),
        ("downstream-shifts", 13, 4),
    ]
    assert layer["section"] == {
        "numeral": "VII",
        "title": "A BIT DEEPER: STRUCTURES THAT IMPACT THE POLICY ENVIRONMENT",
        "page_start": 14,
        "page_end": 16,
    }


def test_themes_are_eighteen_in_report_order(client: TestClient) -> None:
    themes = items(client, "/v1/themes")
    assert len(themes) == 18
    assert [t["position"] for t in themes] == list(range(1, 19))
    assert sum(t["quote_count"] for t in themes) == 62
    assert themes[0]["title"] == "Curative and Near-Curative Potential"
    assert themes[-1]["id"] == "thriving-integration"


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("layer=tip-of-the-iceberg", 5),
        ("layer=the-fundamentals", 5),
        ("layer=below-the-surface&layer=a-bit-deeper", 8),
    ],
)
def test_themes_filter_by_layer(client: TestClient, query: str, count: int) -> None:
    themes = items(client, f"/v1/themes?{query}")
    assert len(themes) == count
    layers = {pair.split("=")[1] for pair in query.split("&")}
    assert {t["layer"]["id"] for t in themes} == layers


def test_themes_unknown_layer_is_a_422(client: TestClient) -> None:
    response = client.get("/v1/themes?layer=deepest")
    assert response.status_code == 422
    assert response.json()["errors"][0]["msg"] == "unknown layer 'deepest'"


def test_stakeholder_taxonomy_nests_and_counts_sub_types(client: TestClient) -> None:
    types = {t["id"]: t for t in items(client, "/v1/stakeholder-types")}
    assert types["payer"]["children"] == [
        {"id": "public-payer", "name": "Public payers"},
        {"id": "private-payer", "name": "Private payers"},
    ]
    assert types["public-payer"]["parent"] == {"id": "payer", "name": "Payers"}
    for parent in ("payer", "policymaker", "private-sector"):
        children = [c["id"] for c in types[parent]["children"]]
        assert children
        for count in ("interview_count", "quote_count"):
            assert types[parent][count] == sum(types[c][count] for c in children)
    top = [t for t in types.values() if t["parent"] is None]
    assert sum(t["interview_count"] for t in top) == 17
    assert sum(t["quote_count"] for t in top) == 62
    assert types["state-policymaker"]["interview_count"] == 0


def test_stakeholder_type_detail(client: TestClient) -> None:
    payer = client.get("/v1/stakeholder-types/payer").json()
    assert (payer["interview_count"], payer["quote_count"]) == (3, 15)


def test_interviews_are_the_seventeen_attributions(client: TestClient) -> None:
    interviews = items(client, "/v1/interviews")
    assert len(interviews) == 17
    assert len({i["attribution"] for i in interviews}) == 17
    assert sum(i["quote_count"] for i in interviews) == 62
    assert [i["position"] for i in interviews] == list(range(1, 18))
    first = interviews[0]
    assert first == {
        "id": "executive-public-payer-association",
        "attribution": "Executive, Public Payer Association",
        "role_title": "Executive",
        "organisation_type": {
            "id": "public-payer-association",
            "name": "Public Payer Association",
        },
        "stakeholder_type": {"id": "public-payer", "name": "Public payers"},
        "report": {
            "id": "cgt-insights-2026",
            "title": "Signature Seminar Insights Report: Cell and Gene Therapy Policy",
        },
        "position": 1,
        "quote_count": 9,
    }


@pytest.mark.parametrize(
    ("interview_id", "attribution", "organisation"),
    [
        ("former-federal-regulator", "Former Federal Regulator", None),
        ("academic-physician-division-chief", "Academic Physician / Division Chief", None),
        (
            "ceo-national-patient-advocacy-organization",
            "CEO, National Patient Advocacy Organization",
            "national-patient-advocacy-organization",
        ),
    ],
)
def test_interview_detail(
    client: TestClient, interview_id: str, attribution: str, organisation: str | None
) -> None:
    interview = client.get(f"/v1/interviews/{interview_id}").json()
    assert interview["attribution"] == attribution
    org = interview["organisation_type"]
    assert (org["id"] if org else None) == organisation


def test_tags_are_typed_and_counted(client: TestClient) -> None:
    tags = items(client, "/v1/tags")
    assert {t["kind"] for t in tags} == {
        "policy-instrument",
        "agency",
        "legislature",
        "executive",
        "condition-therapy",
        "issue",
    }
    assert {t["id"]: t["kind"] for t in tags}["congress"] == "legislature"
    by_id = {t["id"]: t for t in tags}
    for required in (
        "cgt-access-model",
        "mvp-act",
        "pdufa",
        "anti-kickback-statute",
        "fda",
        "cms",
        "cmmi",
        "cber",
        "nih",
        "sickle-cell-disease",
        "car-t",
        "hemophilia",
        "affordability",
        "access",
        "medicaid",
    ):
        assert required in by_id
    medicaid = client.get("/v1/tags/medicaid").json()
    assert medicaid["quote_count"] == len(
        client.get("/v1/quotes?tag=medicaid&limit=100").json()["items"]
    )


def test_reports_list_the_three_sources(client: TestClient) -> None:
    reports = items(client, "/v1/reports")
    assert {(r["id"], r["kind"], r["quote_count"], r["has_full_text"]) for r in reports} == {
        ("cgt-insights-2026", "insights-report", 62, True),
        ("cgt-press-release-2026", "press-release", 0, True),
        ("cgt-seminar-report-2026", "seminar-report", 0, False),
    }
    assert all(r["publisher"] == "Alliance for Health Policy" for r in reports)


def test_insights_report_detail_has_methodology_and_sections(client: TestClient) -> None:
    report = client.get("/v1/reports/cgt-insights-2026").json()
    figures = {k: v for k, v in report["methodology"].items() if k not in FACT_FIELDS}
    assert figures == {
        "interview_count": 17,
        "interview_period": "September–November 2025",
        "interview_minutes": 30,
        "interview_mode": "Zoom",
        "interview_format": "semi-structured",
        "workshop_count": 2,
        "workshop_expert_count": 45,
        "workshop_period": "December 2025",
    }
    assert [(s["numeral"], s["page_start"]) for s in report["sections"]] == [
        ("I", 3),
        ("II", 4),
        ("III", 6),
        ("IV", 7),
        ("V", 9),
        ("VI", 12),
        ("VII", 14),
        ("VIII", 17),
        ("IX", 20),
    ]
    assert report["statements"] == []
    assert report["published_on"] == "2026-02-03"


def test_press_release_carries_the_named_statement_not_as_a_quote(client: TestClient) -> None:
    report = client.get("/v1/reports/cgt-press-release-2026").json()
    statements = report["statements"]
    assert [s["speaker_name"] for s in statements] == ["Claire Sheahan, M.Sc."] * 2
    assert statements[0]["speaker_title"] == "President and CEO of the Alliance for Health Policy"
    assert statements[0]["text"].startswith("One area where experts were in universal agreement")
    assert "โ€" not in str(report)
    assert "@" not in str(report)
    quotes = client.get("/v1/quotes?q=universal agreement").json()["items"]
    assert quotes == []


def test_meta_reports_version_counts_and_credit(client: TestClient) -> None:
    meta = client.get("/v1/meta").json()
    assert len(meta["data_version"]) == 64
    assert meta["counts"] == {
        "reports": 3,
        "layers": 4,
        "themes": 18,
        "quotes": 62,
        "interviews": 17,
        "stakeholder_types": 12,
        "organisation_types": 11,
        "tags": 43,
        "statements": 2,
    }
    assert meta["loaded_at"].endswith("+00:00") or meta["loaded_at"].endswith("Z")
    assert "Alliance for Health Policy" in meta["credit"]


@pytest.mark.parametrize(
    "url",
    [
        "/v1/reports/nope",
        "/v1/layers/nope",
        "/v1/themes/nope",
        "/v1/stakeholder-types/nope",
        "/v1/interviews/nope",
        "/v1/tags/nope",
    ],
)
def test_unknown_ids_are_404_problems(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "'nope'" in response.json()["detail"]


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok"}
