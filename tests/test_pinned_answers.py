"""Today's answers, pinned, so that holding many reports in one database cannot change them unseen.

That change restructures the schema, the seed files and the queries, and promises that with only
today's documents loaded every field of today's JSON answers keeps its value: fields may be added,
none removed, renamed or changed. So each pinned answer must be *contained* in the live one: an
object's pinned keys are all there with contained values (new keys are fine), a list has the same
length and its elements are contained in order, a scalar is equal (and of the same JSON type).

What is not pinned, or not pinned the same way, is named below and says why: VOLATILE (values that
move on every load of the same content), CONTENT_VERSIONED (pinned, but any content change moves
them) and PER_BACKEND (answers that legitimately differ between SQLite and PostgreSQL).

A deliberate change of an answer (new content, a fixed bug) rewrites the pins in its own commit:

    PIN_UPDATE=1 CI=true .venv/bin/python -m pytest \
        tests/test_pinned_answers.py tests/test_stable_ids.py
    git diff tests/pinned/    # review: every change in it is a change clients will see

The SQLite run writes the shared pins, and the PostgreSQL run then checks them against its own
answers; a PER_BACKEND pin is written by each backend's run (so CI=true: PostgreSQL must answer).
A request added to PINNED_REQUESTS gets its pin the same way; a pin no request names fails the
suite until it is deleted.
"""

import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from app import urls
from tests.helpers.databases import BACKENDS
from tests.helpers.pins import (
    IDS_PIN,
    PINNED_BASE_URL,
    PINNED_DIR,
    UPDATING,
    pin_path,
    read_pin,
    write_pin,
)

Json = dict[str, Any]
Mismatch = tuple[str, str]  # (where in the answer, what differs)

PERMALINK_OF_Q01 = "http%3A%2F%2F127.0.0.1%3A8000%2Fquotes%2Fcgt-2026-q01"
EVERY_FACET = "&".join(
    f"facet={dimension}"
    for dimension in (
        "layer",
        "theme",
        "stakeholder_type",
        "organisation_type",
        "interview",
        "tag",
    )
)

# (pin name, request). Cursors are today's `next_cursor` values: a client's saved next link is a URL
# too. /v1/quotes/random has nothing to pin (a random pick).
PINNED_REQUESTS: list[tuple[str, str]] = [
    ("quotes", "/v1/quotes"),
    ("quotes-page-2", "/v1/quotes?cursor=20.cgt-2026-q20"),
    ("quotes-longest-first", "/v1/quotes?sort=-length&limit=5"),
    ("quotes-longest-first-page-2", "/v1/quotes?sort=-length&limit=5&cursor=563.cgt-2026-q10"),
    ("quotes-of-a-layer-and-theme", "/v1/quotes?layer=a-bit-deeper&theme=fda-pathways"),
    ("quotes-of-a-parent-stakeholder-type", "/v1/quotes?stakeholder_type=payer&limit=100"),
    ("quotes-of-two-tags-shortest-first", "/v1/quotes?tag=medicaid&tag=fda&sort=length"),
    (
        "quotes-of-an-interview-and-report",
        "/v1/quotes?interview=former-federal-regulator&report=cgt-insights-2026",
    ),
    (
        "quotes-of-an-organisation-type",
        "/v1/quotes?organisation_type=national-patient-organization",
    ),
    ("quotes-matching-text-in-a-layer", "/v1/quotes?q=gene%20therapy&layer=the-fundamentals"),
    ("quotes-matching-nothing", "/v1/quotes?layer=tip-of-the-iceberg&theme=fda-pathways"),
    ("quotes-every-facet", f"/v1/quotes?limit=1&{EVERY_FACET}"),
    (
        "quotes-facets-of-a-layer",
        "/v1/quotes?layer=below-the-surface&facet=tag&facet=stakeholder_type&limit=3",
    ),
    ("quote-q01", "/v1/quotes/cgt-2026-q01"),
    ("quote-q04", "/v1/quotes/cgt-2026-q04"),  # no organisation type
    ("quote-q08", "/v1/quotes/cgt-2026-q08"),  # seven tags of four kinds
    ("quote-q31", "/v1/quotes/cgt-2026-q31"),
    ("quote-q62", "/v1/quotes/cgt-2026-q62"),
    ("daily-quote", "/v1/quotes/daily?date=2026-02-03"),
    ("daily-quote-of-a-theme", "/v1/quotes/daily?date=2026-02-03&theme=fda-pathways"),
    ("search-patient", "/v1/search?q=patient&limit=5"),
    ("search-patient-page-2", "/v1/search?q=patient&limit=5&cursor=5"),
    ("search-phrase", "/v1/search?q=%22value-based%20purchasing%22"),
    ("search-prefix", "/v1/search?q=regulat%2A"),
    ("search-iceberg", "/v1/search?q=iceberg"),
    ("crosstab-theme-by-layer", "/v1/stats/crosstab?rows=theme&cols=layer"),
    ("crosstab-stakeholder-type-by-tag", "/v1/stats/crosstab?rows=stakeholder_type&cols=tag"),
    (
        "crosstab-organisation-type-by-layer-of-a-tag",
        "/v1/stats/crosstab?rows=organisation_type&cols=layer&tag=medicaid",
    ),
    ("reports", "/v1/reports"),
    ("report-cgt-insights-2026", "/v1/reports/cgt-insights-2026"),
    ("report-cgt-press-release-2026", "/v1/reports/cgt-press-release-2026"),
    ("report-cgt-seminar-report-2026", "/v1/reports/cgt-seminar-report-2026"),
    ("layers", "/v1/layers"),
    ("layer-tip-of-the-iceberg", "/v1/layers/tip-of-the-iceberg"),
    ("layer-below-the-surface", "/v1/layers/below-the-surface"),
    ("layer-a-bit-deeper", "/v1/layers/a-bit-deeper"),
    ("layer-the-fundamentals", "/v1/layers/the-fundamentals"),
    ("themes", "/v1/themes"),
    ("themes-of-a-layer", "/v1/themes?layer=a-bit-deeper"),
    ("theme-curative-potential", "/v1/themes/curative-potential"),
    ("theme-fda-pathways", "/v1/themes/fda-pathways"),
    ("theme-thriving-integration", "/v1/themes/thriving-integration"),
    ("stakeholder-types", "/v1/stakeholder-types"),
    ("stakeholder-type-payer", "/v1/stakeholder-types/payer"),  # a parent
    ("stakeholder-type-public-payer", "/v1/stakeholder-types/public-payer"),  # a child
    ("stakeholder-type-state-policymaker", "/v1/stakeholder-types/state-policymaker"),  # no quotes
    ("interviews", "/v1/interviews"),
    ("interview-former-federal-regulator", "/v1/interviews/former-federal-regulator"),
    ("tags", "/v1/tags"),
    ("tag-medicaid", "/v1/tags/medicaid"),
    ("meta", "/v1/meta"),
    ("healthz", "/healthz"),
    ("readyz", "/readyz"),
    ("feed-of-a-theme", "/feeds/quotes.json?theme=fda-pathways"),
    ("feed-of-a-tag-in-a-layer", "/feeds/quotes.json?tag=medicaid&layer=below-the-surface"),
    ("oembed", f"/oembed?url={PERMALINK_OF_Q01}&format=json"),
    ("oembed-narrow", f"/oembed?url={PERMALINK_OF_Q01}&format=json&maxwidth=300"),
]

# JSON GET routes with no pinned request, and why.
UNPINNED = {
    "/v1/quotes/random": "a random pick: the same request has many right answers",
    "/v1/changes": "the history of this database's own loads: every item names its load time; "
    "tests/test_changes.py asserts whole answers",
    "/v1/change-sets": "the same history, by load (see /v1/changes)",
}

# Route -> top-level fields left out of its pins (the field must still be there), and why.
VOLATILE: dict[str, dict[str, str]] = {
    "/v1/meta": {"loaded_at": "the time of the last load: moves on every reseed of the same data"},
}

# Route -> fields that stay pinned although any change to the seed content moves them; a diff of
# the pins that touches only these comes with every content change.
CONTENT_VERSIONED: dict[str, dict[str, str]] = {
    "/v1/meta": {"data_version": "a hash of the loaded content: any edit of the seeds moves it"},
}

# Routes pinned once per backend (pin name `<name>.<backend>`), and why.
PER_BACKEND = {
    "/v1/search": "FTS5 (bm25, snippet()) and PostgreSQL (ts_rank, ts_headline) rank the same hits "
    "differently: scores, order and snippets all differ between the backends",
}


def mismatches(pinned: Any, live: Any, where: str = "") -> list[Mismatch]:
    """Where `pinned` is not contained in `live` (empty when it is)."""
    if isinstance(pinned, dict):
        if not isinstance(live, dict):
            return [(where, f"an object was pinned, now {live!r}")]
        found: list[Mismatch] = []
        for key, value in pinned.items():
            path = f"{where}.{key}" if where else key
            if key in live:
                found += mismatches(value, live[key], path)
            else:
                found.append((path, "missing"))
        return found
    if isinstance(pinned, list):
        if not isinstance(live, list):
            return [(where, f"a list was pinned, now {live!r:.200}")]
        if len(live) != len(pinned):
            return [(where, f"{len(pinned)} items were pinned, now {len(live)}")]
        return [
            mismatch
            for index, (item, live_item) in enumerate(zip(pinned, live, strict=True))
            for mismatch in mismatches(item, live_item, f"{where}[{index}]")
        ]
    if type(pinned) is not type(live) or pinned != live:
        return [(where, f"pinned {pinned!r:.200}, now {live!r:.200}")]
    return []


def route(url: str) -> str:
    return urlsplit(url).path


def pin_name(name: str, url: str, backend: str) -> str:
    return f"{name}.{backend}" if route(url) in PER_BACKEND else name


def explain(found: list[Mismatch], url: str) -> str:
    moved_by_content = CONTENT_VERSIONED.get(route(url), {})
    lines = []
    for where, what in found:
        note = " (any content change moves it: if this one is deliberate, PIN_UPDATE=1)"
        lines.append(f"{where}: {what}" + (note if where in moved_by_content else ""))
    return f"{url} no longer contains its pinned answer:\n" + "\n".join(lines)


def test_pins_are_made_under_the_default_base_url() -> None:
    assert urls.base_url() == PINNED_BASE_URL, "unset BASE_URL, HOST and PORT to compare the pins"


@pytest.mark.parametrize(
    ("name", "url"), PINNED_REQUESTS, ids=[name for name, _ in PINNED_REQUESTS]
)
def test_pinned_answer_is_contained_in_todays(
    client: TestClient, backend: str, name: str, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text
    answer = response.json()
    for field in VOLATILE.get(route(url), {}):
        assert field in answer, f"{field} was removed from {url}"
        del answer[field]
    live = {"request": url, "content_type": response.headers["content-type"], "answer": answer}
    pinned_as = pin_name(name, url, backend)
    if UPDATING and (backend == "sqlite" or pinned_as != name):
        write_pin(pinned_as, live)
    pinned = read_pin(pinned_as)
    assert pinned["request"] == url, f"{pin_path(pinned_as)} pins another request"
    assert pinned["content_type"] == live["content_type"]
    found = mismatches(pinned["answer"], answer)
    assert not found, explain(found, url)


def test_every_json_get_route_has_a_pinned_request(client: TestClient) -> None:
    paths: Json = client.get("/openapi.json").json()["paths"]
    json_routes = {
        path
        for path, operations in paths.items()
        if any(
            media == "application/json" or media.endswith("+json")
            for status, answer in operations.get("get", {}).get("responses", {}).items()
            if status.startswith("2")
            for media in answer.get("content", {})
        )
    }
    patterns = {path: re.compile(re.sub(r"\{[^}]+\}", "[^/]+", path) + "$") for path in paths}

    def template_of(url: str) -> str:
        # /v1/quotes/daily also fits /v1/quotes/{quote_id}: the literal route is the one it asks.
        fits = [path for path, pattern in patterns.items() if pattern.match(route(url))]
        assert fits, f"{url} answers no documented route"
        return min(fits, key=lambda path: path.count("{"))

    pinned_routes = {template_of(url) for _, url in PINNED_REQUESTS}
    assert json_routes - set(UNPINNED) == pinned_routes


def test_every_pin_is_of_a_pinned_request() -> None:
    expected = {IDS_PIN} | {
        pin_name(name, url, backend) for name, url in PINNED_REQUESTS for backend in BACKENDS
    }
    assert len({name for name, _ in PINNED_REQUESTS}) == len(PINNED_REQUESTS)
    orphans = {path.stem for path in PINNED_DIR.glob("*.json")} - expected
    assert not orphans, f"no request pins these any longer; delete them: {sorted(orphans)}"


def test_pins_are_written_in_the_stable_format() -> None:
    unstable = [
        path.name
        for path in sorted(PINNED_DIR.glob("*.json"))
        if path.read_text(encoding="utf-8")
        != json.dumps(read_pin(path.stem), sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    ]
    assert not unstable, f"rewrite these with PIN_UPDATE=1: {unstable}"


@pytest.mark.parametrize(
    ("pinned", "live", "contained"),
    [
        ({"a": 1}, {"a": 1, "added": 2}, True),
        ({"a": 1, "b": 2}, {"a": 1}, False),
        ({"a": {"b": [1, {"c": "x"}]}}, {"a": {"b": [1, {"c": "x", "d": None}]}}, True),
        ([1, 2], [2, 1], False),
        ([1, 2], [1, 2, 3], False),
        ({"n": 1}, {"n": True}, False),
        ({"n": 1}, {"n": 1.0}, False),
        ({"o": None}, {"o": {}}, False),
        ({"o": {}}, {"o": {"new": 1}}, True),
    ],
)
def test_containment(pinned: Any, live: Any, contained: bool) -> None:
    assert (not mismatches(pinned, live)) == contained
