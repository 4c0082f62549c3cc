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

import pytest
from fastapi.testclient import TestClient

from app import urls
from tests.helpers.databases import BACKENDS
from tests.helpers.pins import (
    CONTENT_VERSIONED,
    IDS_PIN,
    PINNED_BASE_URL,
    PINNED_DIR,
    PINNED_REQUESTS,
    UNPINNED,
    UPDATING,
    Mismatch,
    live_answer,
    mismatches,
    pin_name,
    pin_path,
    read_pin,
    route,
    write_pin,
)

Json = dict[str, Any]


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
    live = live_answer(client, url)
    answer = live["answer"]
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
