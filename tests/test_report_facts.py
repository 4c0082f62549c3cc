"""The facts the reports print, as data: on `/v1/reports/{id}` and on each report's page, on both
backends, every passage exactly the characters of the full text the database stores for the
document that prints it. The seeds are held to the source documents in
tests/test_seed_content.py, and the loader's refusals in tests/test_curation_check.py.
"""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app import urls
from app.queries.tables import report as report_table
from tests.helpers.api import Json, json_at
from tests.helpers.html import page

BASE = urls.base_url()
PRESS_RELEASE = "cgt-press-release-2026"
PRESS_RELEASE_TITLE = (
    "The Alliance for Health Policy Releases New Reports to Guide Policymaker Education on Cell "
    "and Gene Therapy"
)
INSIGHTS_TITLE = "Signature Seminar Insights Report: Cell and Gene Therapy Policy"
# Section III of the Insights Report, "Design and Methods".
PARTICIPANT_SELECTION = (
    "Participants represented a broad cross-section of the health policy community, including "
    "patient advocates, current and former state and federal policymakers, nonprofit "
    "organizations, physician-researchers, public and private payers, and private-sector "
    "stakeholders. Selection prioritized bipartisan and multi-stakeholder perspectives, as well "
    "as policy and political expertise that reflects the diversity of the Alliance community."
)
CAVEATS = [
    "Findings are qualitative and intended to provide directional insights.",
    "Attribution throughout the report is designed specifically to give insight into the "
    "interviewee's role and organization without specificity that may jeopardize "
    "confidentiality of the conversation.",
]
# Section IX, paragraph by paragraph.
CONCLUSION = [
    "Cell and gene therapies offer transformative and sometimes curative treatments for patients "
    "with previously untreatable conditions. Yet realizing their promise depends on more than "
    "science; it requires coordinated action across policy, financing, and health care delivery "
    "systems.",
    "While breakthroughs in efficacy capture attention, underlying challenges\u2014including "
    "access, sustainability, and equitable distribution\u2014will determine whether these "
    "therapies reach all patients who need them. Experts highlighted the importance of adapting "
    "regulatory and reimbursement frameworks, investing upfront, and fostering collaboration "
    "among payers, providers, and patients.",
    "Success in integrating these therapies means achieving their scientific potential, strong "
    "clinical outcomes, financial sustainability, and equitable access. Doing so will require "
    "bold, innovative approaches and ongoing collaboration to ensure that the promise of cell and "
    "gene therapies becomes a reality for all.",
]
# Passages each report's detail serves: 3 sponsors, 2 caveats, the participant selection, 3
# paragraphs of conclusion and the expert count's wording; the wording; it and a description.
PASSAGE_COUNTS = {"cgt-insights-2026": 10, PRESS_RELEASE: 1, "cgt-seminar-report-2026": 2}


def test_the_insights_reports_methodology_in_its_own_words(client: TestClient) -> None:
    methodology = json_at(client, "/v1/reports/cgt-insights-2026")["methodology"]
    assert methodology == {
        "interview_count": 17,
        "interview_period": "September\u2013November 2025",
        "interview_minutes": 30,
        "interview_mode": "Zoom",
        "interview_format": "semi-structured",
        "workshop_count": 2,
        "workshop_expert_count": 45,
        "workshop_expert_count_text": "approximately 45",
        "workshop_expert_count_approximate": True,
        "workshop_expert_count_source": {"id": PRESS_RELEASE, "title": PRESS_RELEASE_TITLE},
        "workshop_period": "December 2025",
        "participant_selection": PARTICIPANT_SELECTION,
        "caveats": CAVEATS,
    }


def test_the_insights_report_states_its_sponsors_and_conclusion(client: TestClient) -> None:
    report = json_at(client, "/v1/reports/cgt-insights-2026")
    assert report["sponsors"] == ["AstraZeneca", "Alnylam Pharmaceuticals", "Eli Lilly and Company"]
    assert report["conclusion"] == CONCLUSION
    assert report["described_in"] == []


def test_the_seminar_report_is_described_by_the_insights_report(client: TestClient) -> None:
    report = json_at(client, "/v1/reports/cgt-seminar-report-2026")
    assert report["described_in"] == [
        {
            "text": "The Alliance published an outcomes report from these workshop sessions. "
            "The full report, including detailed examples and unattributed quotes, is available "
            "on the Alliance website.",
            "source": {"id": "cgt-insights-2026", "title": INSIGHTS_TITLE},
        }
    ]
    assert (report["sponsors"], report["conclusion"]) == ([], [])


@pytest.mark.parametrize("report_id", sorted(PASSAGE_COUNTS))
def test_the_expert_count_is_printed_approximate_by_the_press_release(
    client: TestClient, report_id: str
) -> None:
    methodology = json_at(client, f"/v1/reports/{report_id}")["methodology"]
    assert methodology["workshop_expert_count"] == 45  # kept, for clients that read it
    assert methodology["workshop_expert_count_text"] == "approximately 45"
    assert methodology["workshop_expert_count_approximate"] is True
    assert methodology["workshop_expert_count_source"]["id"] == PRESS_RELEASE


def served_passages(report: Json) -> list[tuple[str, str]]:
    """(source report id, text) of every passage a report's detail serves."""
    own, methodology = report["id"], report["methodology"]
    passages = [(own, text) for text in report["sponsors"] + report["conclusion"]]
    passages += [(own, text) for text in methodology["caveats"]]
    if methodology["participant_selection"] is not None:
        passages.append((own, methodology["participant_selection"]))
    if methodology["workshop_expert_count_text"] is not None:
        source = methodology["workshop_expert_count_source"]["id"]
        passages.append((source, methodology["workshop_expert_count_text"]))
    passages += [(d["source"]["id"], d["text"]) for d in report["described_in"]]
    return passages


@pytest.mark.parametrize(("report_id", "count"), sorted(PASSAGE_COUNTS.items()))
def test_every_passage_served_is_verbatim_in_its_sources_stored_text(
    client: TestClient, engine: Engine, report_id: str, count: int
) -> None:
    """Exactly the characters of the full text the database stores for the passage's source."""
    with engine.connect() as connection:
        rows = connection.execute(select(report_table.c.id, report_table.c.full_text))
        texts: dict[str, str | None] = dict(rows.all())
    passages = served_passages(json_at(client, f"/v1/reports/{report_id}"))
    assert len(passages) == count
    for source, text in passages:
        assert text in (texts[source] or ""), (source, text)


def test_a_report_page_shows_what_the_report_states(client: TestClient) -> None:
    report = json_at(client, "/v1/reports/cgt-insights-2026")
    methodology = report["methodology"]
    (facts,) = page(client, "/reports/cgt-insights-2026").xpath("//section[@id='facts']")
    assert facts.xpath(".//ul[@class='sponsors']/li/text()") == report["sponsors"]
    passages = [p.text_content() for p in facts.xpath(".//blockquote[@class='passage']/p")]
    assert passages == [
        methodology["participant_selection"],
        *methodology["caveats"],
        *report["conclusion"],
    ]
    printed = facts.xpath("string(dl/dd[preceding-sibling::dt[1]='Workshop experts'])")
    assert printed.startswith(f"\u201c{methodology['workshop_expert_count_text']}\u201d")
    source = methodology["workshop_expert_count_source"]
    assert facts.xpath("dl/dd/a/@href") == [f"{BASE}/reports/{source['id']}"]


def test_a_companions_page_shows_what_others_print_of_it(client: TestClient) -> None:
    report = json_at(client, "/v1/reports/cgt-seminar-report-2026")
    (facts,) = page(client, "/reports/cgt-seminar-report-2026").xpath("//section[@id='facts']")
    [described] = report["described_in"]
    (quoted,) = facts.xpath(".//blockquote[@class='passage']")
    assert quoted.xpath("string(p)") == described["text"]
    assert quoted.get("cite") == f"{BASE}/reports/{described['source']['id']}"
    assert facts.xpath("string(h3/cite)") == described["source"]["title"]


def test_the_overview_page_leaves_the_facts_to_the_report_page(client: TestClient) -> None:
    assert not page(client, "/").xpath("//section[@id='facts']")
