"""The files under tests/pinned/: where they live, how they are written, when they are rewritten.

One writer, so a regenerated pin differs from the committed one only where the answer changed:
sorted keys, one-space indent, text as UTF-8 (the report's typography stays readable in a diff).
"""

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

PINNED_DIR = Path(__file__).parent.parent / "pinned"
# PIN_UPDATE=1 rewrites the pins from this run instead of only comparing against them.
UPDATING = os.environ.get("PIN_UPDATE") == "1"
# The pins hold absolute links (feeds, oEmbed, Link headers) as the default settings build them.
PINNED_BASE_URL = "http://127.0.0.1:8000"
# The pin of every id today's API names (tests/test_stable_ids.py).
IDS_PIN = "ids"


def pin_path(name: str) -> Path:
    return PINNED_DIR / f"{name}.json"


def read_pin(name: str) -> Any:
    return json.loads(pin_path(name).read_text(encoding="utf-8"))


def write_pin(name: str, value: Any) -> None:
    text = json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    PINNED_DIR.mkdir(exist_ok=True)
    pin_path(name).write_text(text, encoding="utf-8")


Mismatch = tuple[str, str]  # (where in the answer, what differs)

PERMALINK_OF_Q01 = "http%3A%2F%2F127.0.0.1%3A8000%2Fquotes%2Fcgt-2026-q01"
# The first sentence of a quote as printed (cgt-2026-q07), and a paraphrase of it, percent-
# encoded.
VERIFIED_WHOLE = (
    "I%20do%20think%20that%20the%20CMMI%20demo%20gives%20us%20a%20great%20opportunity%20to%20"
    "learn%20some%20things."
)
VERIFIED_PARAPHRASE = "I%20think%20the%20CMMI%20demo%20is%20a%20good%20chance%20to%20learn."
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
    ("quote-q01-in-context", "/v1/quotes/cgt-2026-q01/context"),
    ("quote-q62-in-context", "/v1/quotes/cgt-2026-q62/context?paragraphs=3"),  # the last
    ("quote-q31", "/v1/quotes/cgt-2026-q31"),
    ("quote-q62", "/v1/quotes/cgt-2026-q62"),
    ("daily-quote", "/v1/quotes/daily?date=2026-02-03"),
    ("verify-an-excerpt", "/v1/quotes/verify?text=" + VERIFIED_WHOLE),
    ("verify-a-paraphrase", "/v1/quotes/verify?text=" + VERIFIED_PARAPHRASE),
    ("daily-quote-of-a-theme", "/v1/quotes/daily?date=2026-02-03&theme=fda-pathways"),
    ("search-patient", "/v1/search?q=patient&limit=5"),
    ("search-patient-page-2", "/v1/search?q=patient&limit=5&cursor=5"),
    ("search-phrase", "/v1/search?q=%22value-based%20purchasing%22"),
    ("search-prefix", "/v1/search?q=regulat%2A"),
    ("search-iceberg", "/v1/search?q=iceberg"),
    ("crosstab-theme-by-layer", "/v1/stats/crosstab?rows=theme&cols=layer"),
    ("cooccurrence-of-tags", "/v1/stats/cooccurrence?dimension=tag"),
    (
        "cooccurrence-of-stakeholder-types-outside-the-tip",
        "/v1/stats/cooccurrence?dimension=stakeholder_type&not_layer=tip-of-the-iceberg",
    ),
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
    ("citation-of-quote-q01", "/v1/quotes/cgt-2026-q01/citation"),
    ("citation-of-quote-q62", "/v1/quotes/cgt-2026-q62/citation"),  # pages 17-19
    ("citation-of-report-cgt-insights-2026", "/v1/reports/cgt-insights-2026/citation"),
]

# JSON GET routes with no pinned request, and why.
UNPINNED = {
    "/v1/quotes/random": "a random pick: the same request has many right answers",
    "/v1/quotes/sample": "random picks, as /v1/quotes/random; tests/test_api_quotes.py asserts "
    "what any right answer holds",
    "/v1/changes": "the history of this database's own loads: every item names its load time; "
    "tests/test_changes.py asserts whole answers",
    "/v1/change-sets": "the same history, by load (see /v1/changes)",
}

# Route -> top-level fields left out of its pins (the field must still be there), and why.
ACCESSED = "the day the citation is made (today, UTC): moves every day"
VOLATILE: dict[str, dict[str, str]] = {
    "/v1/meta": {"loaded_at": "the time of the last load: moves on every reseed of the same data"},
    "/v1/quotes/cgt-2026-q01/citation": {"accessed": ACCESSED},
    "/v1/quotes/cgt-2026-q62/citation": {"accessed": ACCESSED},
    "/v1/reports/cgt-insights-2026/citation": {"accessed": ACCESSED},
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


def live_answer(client: TestClient, url: str) -> dict[str, Any]:
    """The answer to `url` as a pin holds it: request, media type and body without VOLATILE
    fields."""
    response = client.get(url)
    assert response.status_code == 200, response.text
    answer = response.json()
    for field in VOLATILE.get(route(url), {}):
        assert field in answer, f"{field} was removed from {url}"
        del answer[field]
    return {"request": url, "content_type": response.headers["content-type"], "answer": answer}
