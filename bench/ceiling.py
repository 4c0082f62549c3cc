"""The ceiling: the smallest FastAPI app, answering a fixed JSON object the size of one quote."""

from typing import Any

from fastapi import FastAPI

QUOTE: dict[str, Any] = {
    "id": "cgt-2026-q07",
    "text": "x" * 260,
    "attribution": "Executive, Biotech Trade Association",
    "role_title": "Executive",
    "position": 7,
    "length": 260,
    "theme": {"id": "current-policy-discussions", "title": "Current Policy Discussions"},
    "layer": {"id": "tip-of-the-iceberg", "name": "Tip of the Iceberg"},
    "stakeholder_type": {"id": "biotech-industry", "name": "Biotech industry"},
    "organisation_type": {"id": "biotech-trade-association", "name": "Biotech Trade Association"},
    "interview": {"id": "executive-biotech-trade-association"},
    "report": {"id": "cgt-insights-2026", "title": "Signature Seminar Insights Report"},
    "tags": [{"id": "cmmi", "name": "CMMI", "kind": "agency"}],
    "location": {
        "section": {"numeral": "V", "title": "TIP OF THE ICEBERG", "page_start": 9, "page_end": 11},
        "start_offset": 12000,
        "end_offset": 12260,
    },
}

app = FastAPI()


@app.get("/quote")
def quote() -> dict[str, Any]:
    return QUOTE
