"""A draft as seed files: the text of each file of a `reports/<id>/` folder, in the loader's shapes.

Each YAML file opens with a comment saying it is a draft. A record the draft could not settle
carries a `review:` list, and notes on no record sit in a top-level `review:` list: the loader
refuses both, so nothing undecided loads by mistake. A quote's offsets into text.txt are a
comment above it, because the loader derives them itself (finding each quote, in order, in the
full text) and accepts no offset field.
"""

from collections import Counter
from typing import Any

import yaml

from app.curation.cleaning import Repair
from app.curation.records import Draft, DraftInterview, DraftLayer, DraftQuote, DraftTheme

FILES = (
    "report.yaml",
    "text.txt",
    "layers.yaml",
    "themes.yaml",
    "interviews.yaml",
    "quotes.yaml",
)


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=10**6)


def _header(draft: Draft) -> str:
    return (
        f"# DRAFT written by `insights draft` from {draft.source} for report {draft.report_id}.\n"
        "# Every `review:` note marks what the draft could not decide: settle it, then delete\n"
        "# the note (the loader refuses a file that still holds one). Once this file is edited,\n"
        "# a second `insights draft` leaves it alone unless given --force (see .draft.json).\n\n"
    )


def _with_review(record: dict[str, Any], review: list[str]) -> dict[str, Any]:
    return record | {"review": review} if review else record


def _document(draft: Draft, filename: str, key: str, records: Any, notes: str) -> str:
    document: dict[str, Any] = {"notes": notes, key: records}
    if draft.review.get(filename):
        document["review"] = draft.review[filename]
    return _header(draft) + _dump(document)


def _repairs_said(repairs: list[Repair]) -> str:
    counts = Counter(repair.kind for repair in repairs)
    said = [
        f"{counts['dollar']} escaped dollar sign(s) unescaped",
        f"{counts['link']} link stub(s) kept as their words",
        f"{counts['mojibake']} mojibake sequence(s) decoded",
    ]
    return "; ".join(said)


def report_yaml(draft: Draft) -> str:
    report = {
        "id": draft.report_id,
        "kind": "insights-report",
        "title": None,
        "publisher": None,
        "published_on": None,
        "summary": None,
        "credit": None,
        "full_text": "text.txt",
        "sections": [
            {
                "numeral": s.numeral,
                "title": s.title,
                "page_start": s.page_start,
                "page_end": s.page_end,
            }
            for s in draft.sections
        ],
        "statements": [],
    }
    notes = (
        "full_text is text.txt beside this file: the source with the documented repairs only "
        f"({_repairs_said(draft.repairs)}). Page ranges: the table of contents gives each "
        "section's first page; a section's last page is taken as the page before the next "
        "section's first, and the last section's is left empty."
    )
    return _document(draft, "report.yaml", "report", report, notes)


def _layer(layer: DraftLayer) -> dict[str, Any]:
    record = {
        "layer": layer.layer,
        "heading": layer.heading,
        "section": layer.section,
        "description": layer.description,
        "introduction": layer.introduction,
    }
    return _with_review(record, layer.review)


def layers_yaml(draft: Draft) -> str:
    notes = (
        "Each description is the paragraph(s) under the layer's sub-heading outside the layer "
        "sections; heading is that sub-heading's text after its colon; introduction is the "
        "text opening the layer's own section before its first theme (null if none)."
    )
    records = [_layer(layer) for layer in draft.layers]
    return _document(draft, "layers.yaml", "layers", records, notes)


def _theme(theme: DraftTheme) -> dict[str, Any]:
    record = {
        "id": theme.id,
        "layer": theme.layer,
        "position": theme.position,
        "title": theme.title,
        "summary": theme.summary,
    }
    return _with_review(record, theme.review)


def themes_yaml(draft: Draft) -> str:
    notes = (
        "Themes in report order: title is the sub-heading exactly as printed, id its slug; "
        "summary is the text between the sub-heading and its first quote."
    )
    records = [_theme(theme) for theme in draft.themes]
    return _document(draft, "themes.yaml", "themes", records, notes)


def _interview(person: DraftInterview) -> dict[str, Any]:
    record = {
        "id": person.id,
        "attribution": person.attribution,
        "role_title": person.role_title,
        "organisation_type": person.organisation_type,
        "stakeholder_type": person.stakeholder_type,
    }
    return _with_review(record, person.review)


def interviews_yaml(draft: Draft) -> str:
    notes = (
        "One interview per distinct attribution line, in order of first appearance; id is the "
        "attribution's slug; role_title is the part before the first comma and "
        "organisation_type the part after it (null where there is no comma); stakeholder_type "
        "follows the attribution's words (app/curation/attributions.py)."
    )
    records = [_interview(person) for person in draft.interviews]
    return _document(draft, "interviews.yaml", "interviews", records, notes)


def _quote(quote: DraftQuote) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": quote.id,
        "position": quote.position,
        "theme": quote.theme,
        "interview": quote.interview,
        "text": quote.text,
        "tags": [],
    }
    if quote.cleaning:
        record["cleaning"] = quote.cleaning
    return _with_review(record, quote.review)


def quotes_yaml(draft: Draft) -> str:
    notes = (
        "text is the quote paragraph without its outer quotation marks, everything else kept "
        "exactly; interview is the slug of the attribution line printed after the quote; tags "
        "are for a curator to assign. The comment above each quote gives its offsets in "
        "text.txt (the loader finds them again itself)."
    )
    document: dict[str, Any] = {"notes": notes}
    if draft.review.get("quotes.yaml"):
        document["review"] = draft.review["quotes.yaml"]
    body = _dump(document) + "quotes:" + ("\n" if draft.quotes else " []\n")
    for quote in draft.quotes:
        body += f"# text.txt[{quote.start}:{quote.end}]\n" + _dump([_quote(quote)])
    return _header(draft) + body


def documents(draft: Draft) -> dict[str, str]:
    """The text of every file of the draft folder, by file name, in FILES order."""
    return {
        "report.yaml": report_yaml(draft),
        "text.txt": draft.text,
        "layers.yaml": layers_yaml(draft),
        "themes.yaml": themes_yaml(draft),
        "interviews.yaml": interviews_yaml(draft),
        "quotes.yaml": quotes_yaml(draft),
    }
