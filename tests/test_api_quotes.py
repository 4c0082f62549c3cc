"""The quote list, one quote and a random quote, on the seeded report, on both backends. It is long
because the list has many parameters, each tested on real data and on hostile values."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

import app.queries.quote_pages as quote_pages
import app.queries.quotes as quote_queries
from tests.helpers.api import Json, walk_pages
from tests.helpers.databases import client_for

ALL_QUOTES = 62
# The tags of cgt-2026-q08, ordered as the API orders tags: by kind, then name.
Q08_TAGS = [
    {"id": "cmmi", "name": "CMMI", "kind": "agency"},
    {"id": "cms", "name": "CMS", "kind": "agency"},
    {"id": "sickle-cell-disease", "name": "Sickle cell disease", "kind": "condition-therapy"},
    {"id": "fertility-preservation", "name": "Fertility preservation", "kind": "issue"},
    {"id": "travel-and-logistics", "name": "Travel and logistics", "kind": "issue"},
    {"id": "anti-kickback-statute", "name": "Anti-Kickback Statute", "kind": "policy-instrument"},
    {"id": "cgt-access-model", "name": "CGT Access Model", "kind": "policy-instrument"},
]


def walk(client: TestClient, query: str = "", limit: int = 100) -> list[Json]:
    """Every quote a filtered list yields, following `next_cursor` to the end."""
    return walk_pages(client, f"/v1/quotes?limit={limit}&{query}", max_pages=ALL_QUOTES + 1)


def ids(items: list[Json]) -> list[str]:
    return [item["id"] for item in items]


def test_list_quotes_default_page_is_twenty_in_report_order(client: TestClient) -> None:
    response = client.get("/v1/quotes")
    assert response.status_code == 200
    page = response.json()
    assert set(page) == {"items", "next_cursor", "facets"}
    assert page["facets"] == {}
    assert ids(page["items"]) == [f"cgt-2026-q{n:02d}" for n in range(1, 21)]
    assert [item["position"] for item in page["items"]] == list(range(1, 21))
    link = response.headers["link"]
    assert link == (f'<http://127.0.0.1:8000/v1/quotes?cursor={page["next_cursor"]}>; rel="next"')


def test_link_header_ignores_the_host_header(client: TestClient) -> None:
    response = client.get("/v1/quotes?limit=5", headers={"Host": "evil.example"})
    assert response.headers["link"].startswith("<http://127.0.0.1:8000/v1/quotes?")


@pytest.mark.parametrize("limit", [1, 7, 20, 100])
def test_cursor_walk_yields_every_quote_once_in_order(client: TestClient, limit: int) -> None:
    items = walk(client, limit=limit)
    assert ids(items) == [f"cgt-2026-q{n:02d}" for n in range(1, ALL_QUOTES + 1)]


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("position", "position", False),
        ("-position", "position", True),
        ("length", "length", False),
        ("-length", "length", True),
    ],
)
def test_sort_orders_with_ties_broken_by_id(
    client: TestClient, sort: str, key: str, reverse: bool
) -> None:
    items = walk(client, f"sort={sort}", limit=9)
    expected = sorted(items, key=lambda item: (item[key], item["id"]), reverse=reverse)
    assert ids(items) == ids(expected)
    assert len(items) == ALL_QUOTES


def test_quote_object_is_complete(client: TestClient) -> None:
    quote = client.get("/v1/quotes/cgt-2026-q08").json()
    assert quote == {
        "id": "cgt-2026-q08",
        "text": (
            "The Cell and Gene Therapy Access Model over at CMMI for sickle cell disease is "
            "actually very innovative. They took advantage of their flexibilities as CMMI within "
            "the Anti-Kickback Statute so that manufacturers can support fertility preservation "
            "services. CMS is also allocating funding to states who can then direct that funding "
            "to community partners that can provide additional wraparound services, like "
            "transportation and lodging..."
        ),
        "attribution": "Director, Biotech Trade Association",
        "role_title": "Director",
        "position": 8,
        "length": len(quote["text"]),
        "theme": {
            "id": "current-policy-discussions",
            "title": "Current Policy Discussions: CMMI Model, Anti-Kickback Statute, MVP Act, "
            "UFA Renegotiation",
        },
        "layer": {"id": "tip-of-the-iceberg", "name": "Tip of the Iceberg"},
        "stakeholder_type": {"id": "biotech-industry", "name": "Biotech industry"},
        "organisation_type": {
            "id": "biotech-trade-association",
            "name": "Biotech Trade Association",
        },
        "interview": {"id": "director-biotech-trade-association"},
        "report": {
            "id": "cgt-insights-2026",
            "title": "Signature Seminar Insights Report: Cell and Gene Therapy Policy",
        },
        "tags": Q08_TAGS,
        "location": {
            "section": {
                "numeral": "V",
                "title": "TIP OF THE ICEBERG: HOT TOPICS IN THE CELL AND GENE THERAPY LANDSCAPE",
                "page_start": 9,
                "page_end": 11,
            },
            "start_offset": quote["location"]["start_offset"],
            "end_offset": quote["location"]["start_offset"] + len(quote["text"]),
        },
    }


def test_quote_offsets_point_at_the_text_in_the_report(client: TestClient) -> None:
    from app.config import PROJECT_ROOT

    full_text = (PROJECT_ROOT / "seeds" / "reports" / "cgt-insights-2026" / "text.txt").read_text()
    for quote in walk(client):
        location = quote["location"]
        assert full_text[location["start_offset"] : location["end_offset"]] == quote["text"]


def test_quote_without_organisation_has_null_organisation_type(client: TestClient) -> None:
    quote = client.get("/v1/quotes/cgt-2026-q04").json()
    assert quote["attribution"] == "Former Federal Regulator"
    assert quote["organisation_type"] is None
    assert quote["stakeholder_type"] == {
        "id": "federal-policymaker",
        "name": "Federal policymakers and regulators",
    }


@pytest.mark.parametrize(
    ("query", "count", "check"),
    [
        ("layer=tip-of-the-iceberg", 20, ("layer", "id", {"tip-of-the-iceberg"})),
        ("layer=below-the-surface", 11, ("layer", "id", {"below-the-surface"})),
        ("layer=a-bit-deeper", 17, ("layer", "id", {"a-bit-deeper"})),
        ("layer=the-fundamentals", 14, ("layer", "id", {"the-fundamentals"})),
        ("theme=fda-pathways", 5, ("theme", "id", {"fda-pathways"})),
        ("stakeholder_type=public-payer", 9, ("stakeholder_type", "id", {"public-payer"})),
        (
            "stakeholder_type=payer",
            15,
            ("stakeholder_type", "id", {"public-payer", "private-payer"}),
        ),
        ("stakeholder_type=private-payer", 6, ("stakeholder_type", "id", {"private-payer"})),
        ("stakeholder_type=state-policymaker", 0, ("stakeholder_type", "id", set())),
        (
            "interview=former-federal-regulator",
            9,
            ("interview", "id", {"former-federal-regulator"}),
        ),
        (
            "organisation_type=biotech-trade-association",
            11,
            ("organisation_type", "id", {"biotech-trade-association"}),
        ),
        ("report=cgt-insights-2026", 62, ("report", "id", {"cgt-insights-2026"})),
        ("report=cgt-press-release-2026", 0, ("report", "id", set())),
    ],
)
def test_filters(
    client: TestClient, query: str, count: int, check: tuple[str, str, set[str]]
) -> None:
    items = walk(client, query)
    assert len(items) == count
    field, key, values = check
    assert {item[field][key] for item in items} == values


def test_tag_filter_returns_exactly_the_tagged_quotes(client: TestClient) -> None:
    tagged = [q for q in walk(client) if "medicaid" in {t["id"] for t in q["tags"]}]
    assert ids(walk(client, "tag=medicaid")) == ids(tagged)
    assert len(tagged) > 0


def test_repeated_filter_is_or_and_different_filters_are_and(client: TestClient) -> None:
    both_layers = walk(client, "layer=tip-of-the-iceberg&layer=the-fundamentals")
    assert len(both_layers) == 20 + 14
    payer_deep = walk(client, "stakeholder_type=payer&layer=a-bit-deeper")
    everything = walk(client)
    expected = [
        q
        for q in everything
        if q["stakeholder_type"]["id"] in {"public-payer", "private-payer"}
        and q["layer"]["id"] == "a-bit-deeper"
    ]
    assert ids(payer_deep) == ids(expected)
    assert len(expected) == 4


@pytest.mark.parametrize(
    ("query", "name", "value"),
    [
        ("layer=nope", "layer", "nope"),
        ("theme=../etc/passwd", "theme", "../etc/passwd"),
        ("stakeholder_type=payer&stakeholder_type=pay%27er", "stakeholder_type", "pay'er"),
        ("tag=' OR 1=1 --", "tag", "' OR 1=1 --"),
        ("interview=x", "interview", "x"),
        ("organisation_type=x", "organisation_type", "x"),
        ("report=x", "report", "x"),
    ],
)
def test_unknown_filter_value_is_a_422_naming_it(
    client: TestClient, query: str, name: str, value: str
) -> None:
    response = client.get(f"/v1/quotes?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"] == [
        {"loc": ["query", name], "msg": f"unknown {name} {value!r}", "type": "unknown_id"}
    ]
    assert repr(value) in problem["detail"]


@pytest.mark.parametrize("limit", ["0", "-1", "101", str(10**9), str(10**30), "abc", "1.5", ""])
def test_limit_out_of_bounds_is_a_422(client: TestClient, limit: str) -> None:
    response = client.get(f"/v1/quotes?limit={limit}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "limit"]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "WyJwb3NpdGlvbiIsMl0",  # a list of two
        "WyItbGVuZ3RoIiwyLCJjZ3QtMjAyNi1xMDIiXQ",  # made for another sort order
        "eyJhIjoxfQ",  # an object
        "%00",
        "x" * 501,
    ],
)
def test_forged_or_foreign_cursor_is_a_422(client: TestClient, cursor: str) -> None:
    response = client.get(f"/v1/quotes?cursor={cursor}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "cursor"]


@pytest.mark.parametrize(
    ("q", "patterns"),
    [
        ("medicaid", [r"\bmedicaid"]),
        ("Medicaid", [r"\bmedicaid"]),
        ('"value-based purchasing"', [r"\bvalue-based purchasing"]),
        ("canary coal", [r"\bcanary\b", r"\bcoal\b"]),
        ("soda*", [r"\bsoda"]),
        ("regulat*", [r"\bregulat"]),
        ("FDA approval", [r"\bfda\b", r"\bapproval\b"]),
    ],
)
def test_search_finds_exactly_the_quotes_with_every_term(
    client: TestClient, q: str, patterns: list[str]
) -> None:
    expected = [
        quote
        for quote in walk(client)
        if all(re.search(pattern, quote["text"], re.IGNORECASE) for pattern in patterns)
    ]
    assert expected, "the test needs a query that matches something"
    assert ids(walk(client, f"q={q}")) == ids(expected)


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '"unbalanced',
        "AND",
        "OR NOT",
        "trust OR",
        "NEAR(",
        "(",
        "-",
        "*",
        "nosuch:x",
        "multi-agent",
        "don't",
        "20.04",
        "<script>alert(1)</script>",
        " ",
        "",
        "🧬 gene",
        "العلاج الجيني",
        "a" * 1000,
        "'; DROP TABLE quote; --",
    ],
)
def test_search_never_fails_on_odd_input(client: TestClient, q: str) -> None:
    response = client.get("/v1/quotes", params={"q": q})
    assert response.status_code == 200, response.text
    assert isinstance(response.json()["items"], list)


@pytest.mark.parametrize("q", ["\x00", "medicaid\x00", "a" * 1001])
def test_search_rejects_nul_and_overlong_input(client: TestClient, q: str) -> None:
    response = client.get("/v1/quotes", params={"q": q})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "q"]


def test_search_of_only_stop_words_or_punctuation_matches_nothing(client: TestClient) -> None:
    for q in ["the", "and of", '""', "--"]:
        assert client.get("/v1/quotes", params={"q": q}).json()["items"] == []


def test_search_combines_with_filters(client: TestClient) -> None:
    items = walk(client, "q=medicaid&stakeholder_type=public-payer")
    assert items
    assert {q["stakeholder_type"]["id"] for q in items} == {"public-payer"}


@pytest.mark.parametrize("quote_id", ["cgt-2026-q01", "cgt-2026-q62"])
def test_get_quote(client: TestClient, quote_id: str) -> None:
    assert client.get(f"/v1/quotes/{quote_id}").json()["id"] == quote_id


@pytest.mark.parametrize(
    "quote_id", ["cgt-2026-q63", "CGT-2026-Q01", "..%2F..%2Fetc", "%27%20OR%201%3D1", "x" * 200]
)
def test_unknown_quote_is_a_404_problem(client: TestClient, quote_id: str) -> None:
    response = client.get(f"/v1/quotes/{quote_id}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_random_quote_honours_filters_and_is_not_cached(client: TestClient) -> None:
    for _ in range(5):
        response = client.get("/v1/quotes/random?stakeholder_type=patient-advocate")
        assert response.status_code == 200
        assert response.json()["stakeholder_type"]["id"] == "patient-advocate"
        assert response.headers["cache-control"] == "no-store"


def test_random_quote_with_no_match_is_a_404(client: TestClient) -> None:
    response = client.get("/v1/quotes/random?stakeholder_type=state-policymaker")
    assert response.status_code == 404
    assert response.json()["detail"] == "No quote matches these filters."


# Every way a page can be read (one index in the planner's choice, one ordered read per value
# merged, FTS5 matches in rowid order, an interview's quotes each checked), walked a few quotes
# at a time in both orders.
PAGE_PLANS = [
    "stakeholder_type=payer",
    "stakeholder_type=patient-advocate&stakeholder_type=physician-researcher",
    "layer=tip-of-the-iceberg&layer=the-fundamentals",
    "layer=below-the-surface&stakeholder_type=payer",
    "tag=medicaid",
    "tag=medicaid&tag=cms&tag=fda",
    "tag=cgt-access-model&tag=cmmi&tag=financing",  # two quotes carry both of the first two
    "tag=medicaid&tag=cms&layer=a-bit-deeper&layer=the-fundamentals",
    "tag=fda&stakeholder_type=policymaker",
    "q=access",
    "q=access&stakeholder_type=payer",
    "q=patient*&tag=medicaid&tag=cms",
    "q=medic* payment",
    # An interview filter checks its few quotes against the search instead of walking the matches.
    "q=access&interview=director-biotech-trade-association",
    "q=medic*&interview=executive-public-payer-association&interview=director-biotech-trade-association",
    "q=medicaid&interview=executive-public-payer-association&stakeholder_type=payer",
]


def matches(quote: Json, query: str, descendants: dict[str, set[str]]) -> bool:
    """Whether `quote` passes the id filters in `query` (OR within a filter, AND across)."""
    wanted: dict[str, set[str]] = {}
    for pair in query.split("&"):
        name, value = pair.split("=", 1)
        wanted.setdefault(name, set()).add(value)
    for name, values in wanted.items():
        if name == "tag":
            if not values & {tag["id"] for tag in quote["tags"]}:
                return False
        elif name == "stakeholder_type":
            if not any(quote[name]["id"] in descendants[v] for v in values):
                return False
        elif name != "q" and quote[name]["id"] not in values:
            return False
    return True


@pytest.mark.parametrize("query", PAGE_PLANS)
@pytest.mark.parametrize("sort", ["position", "-position"])
# On PostgreSQL a search with few matches collects them; with many, walks in order: every
# search here has few, so RARE_MATCHES = 1 makes them take the walk.
@pytest.mark.parametrize("rare_matches", [quote_pages.RARE_MATCHES, 1])
def test_every_page_plan_walks_the_same_quotes_as_a_plain_filter(
    client: TestClient,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    sort: str,
    rare_matches: int,
) -> None:
    types = client.get("/v1/stakeholder-types").json()["items"]
    descendants = {t["id"]: {t["id"]} for t in types}
    for _ in types:  # enough passes for any depth
        for t in types:
            if t["parent"]:
                descendants[t["parent"]["id"]] |= descendants[t["id"]]
    everything = walk(client, f"sort={sort}")
    searched = {
        q["id"] for q in walk(client, "&".join(p for p in query.split("&") if p.startswith("q=")))
    }
    expected = [q for q in everything if q["id"] in searched and matches(q, query, descendants)]
    monkeypatch.setattr(quote_pages, "RARE_MATCHES", rare_matches)
    walked = walk(client_for(engine), f"{query}&sort={sort}", limit=3)  # its own response cache
    assert ids(walked) == ids(expected)
    assert expected, "a plan with no match proves nothing"


@pytest.mark.parametrize("batch", [1, 7, 31, 62, 500])
def test_batched_reads_yield_every_quote_once_in_report_order(engine: Engine, batch: int) -> None:
    # Pages and exports read the list by keyset, a batch at a time: each batch goes on from the
    # last quote's (seq, id), whatever the batch size, so a list longer than one batch is whole.
    with Session(engine) as session:
        whole = [quote.id for quote in quote_queries.iter_quotes(session, [], batch=10_000)]
        walked = [quote.id for quote in quote_queries.iter_quotes(session, [], batch=batch)]
    streamed = [q.id for part in quote_queries.quote_batches(engine, [], batch=batch) for q in part]
    assert len(whole) == ALL_QUOTES
    assert whole == sorted(whole, key=lambda quote_id: int(quote_id.rsplit("q", 1)[1]))
    assert walked == streamed == whole
