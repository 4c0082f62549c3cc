"""The passages a report record stores as facts, each found verbatim in its source's full text.

A report's sponsors, its methodology's caveats and participant selection, its expert count as
printed, its conclusion and what other documents print about it (`described_in`) are copies of
a text, character for character, so the loader holds each to the text it comes from: the
report's own, unless the record names another report as the source. The items of a list must
also stand in the text in the record's order (the sponsors as the acknowledgments list them).
"""

from collections.abc import Iterator

from app.seeding.problems import Problems
from app.seeding.records import ReportRecord
from app.seeding.tables import Row

# (field of the passage rows, where the record holds it, its position, text, named source)
Passage = tuple[str, str, int, str, str | None]


def passage_rows(
    reports: list[ReportRecord],
    full_texts: dict[str, str],
    rows: dict[str, list[Row]],
    problems: Problems,
) -> None:
    """Check every passage of every report record against its source's text; add its rows."""
    known = {report.id for report in reports}
    for index, report in enumerate(reports, start=1):
        search_from: dict[str, int] = {}
        for field, where, position, text, named in _passages(report):
            source = named or report.id
            if field == "described_in" and source == report.id:
                problem: str | None = "a description from elsewhere names another report"
            else:
                problem = _unfound(text, source, known, full_texts, search_from, where)
            if problem:
                problems.add("reports", index, report.id, where, problem)
            rows["report_passage"].append(
                {
                    "report_id": report.id,
                    "field": field,
                    "position": position,
                    "source_id": source,
                    "text": text,
                }
            )


def _passages(report: ReportRecord) -> Iterator[Passage]:
    """Every passage of a record, in the order of its fields."""
    methodology = report.methodology
    lists = (
        ("sponsors", "sponsors", report.sponsors),
        ("caveats", "methodology.caveats", methodology.caveats),
        ("conclusion", "conclusion", report.conclusion),
    )
    for field, where, texts in lists:
        for position, text in enumerate(texts, start=1):
            yield field, where, position, text, None
    singles = (
        ("participant_selection", methodology.participant_selection, None),
        (
            "workshop_expert_count_text",
            methodology.workshop_expert_count_text,
            methodology.workshop_expert_count_source,
        ),
    )
    for field, single, source in singles:
        if single is not None:
            yield field, f"methodology.{field}", 1, single, source
    for position, description in enumerate(report.described_in, start=1):
        yield "described_in", "described_in", position, description.text, description.source


def _unfound(
    text: str,
    source: str,
    known: set[str],
    full_texts: dict[str, str],
    search_from: dict[str, int],
    where: str,
) -> str | None:
    """Why `text` is not where the record says it is, or None when it is found."""
    if source not in known:
        return f"unknown report {source!r} as the source"
    full_text = full_texts.get(source)
    if full_text is None:
        return f"report {source!r} has no full text to find the passage in"
    # The next item of the same list is searched after this one: a list keeps the text's order.
    key = f"{where}@{source}"
    start = full_text.find(text, search_from.get(key, 0))
    if start < 0:
        return f"{_preview(text)} is not found verbatim, in order, in the full text of {source!r}"
    search_from[key] = start + len(text)
    return None


def _preview(text: str, width: int = 60) -> str:
    """The start of a passage, cut at a word, to name it in a message."""
    if len(text) <= width:
        return repr(text)
    return repr(text[:width].rsplit(" ", 1)[0] + " ...")
