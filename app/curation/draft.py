"""A report's text as published, read into draft seed records for a curator to review.

The recipe: clean the text (`cleaning`), find its sections and layers (`structure`), read each
layer section's themes and quotes (`body`), turn each attribution into an interview
(`attributions`). Whatever the layout leaves open becomes a `review:` note on the record it
concerns, or on the file when it concerns no record.
"""

from app.curation.attributions import interview, note_look_alikes, slug
from app.curation.body import LayerBody, read_body
from app.curation.cleaning import Cleaned, clean, describe
from app.curation.layout import paragraphs
from app.curation.records import Draft, DraftInterview, DraftQuote, DraftTheme
from app.curation.structure import layer_of, layer_texts, skeleton, span, sub_headings, unplaced
from app.curation.vocabulary import Vocabulary

COVER_EXCERPT = 300  # characters of the cover quoted in the report's review note


def quote_prefix(report_id: str) -> str:
    """The quote id prefix the seeds use: `cgt-insights-2026` quotes are `cgt-2026-qNN`."""
    parts = report_id.split("-")
    return f"{parts[0]}-{parts[-1]}" if len(parts) > 2 else report_id


def draft_report(
    source: str,
    *,
    report_id: str,
    source_name: str,
    vocabulary: Vocabulary,
    prefix: str | None = None,
) -> Draft:
    """The draft of a report's published text, with a review note wherever it cannot decide."""
    cleaned = clean(source)
    found = skeleton(paragraphs(cleaned.text))
    draft = Draft(report_id, source_name, cleaned.text, found.sections, repairs=cleaned.repairs)
    layered = [(s, layer) for s in found.sections if (layer := layer_of(s, vocabulary))]
    subs = sub_headings([s for s in found.sections if not layer_of(s, vocabulary)], found.bodies)
    bodies: list[tuple[str, LayerBody]] = []
    for section, layer in layered:
        body = read_body(found.bodies[section.numeral], section.numeral)
        draft.layers.append(layer_texts(section, layer, body, cleaned.text, subs))
        bodies.append((layer, body))
        for message in body.review:
            draft.note("quotes.yaml", message)
    for message in unplaced(subs):
        draft.note("layers.yaml", message)
    _themes_and_quotes(draft, bodies, cleaned, vocabulary, prefix or quote_prefix(report_id))
    note_look_alikes(draft.interviews)
    _note_report(draft, cleaned, [p.text for p in found.cover])
    return draft


def _themes_and_quotes(
    draft: Draft,
    bodies: list[tuple[str, LayerBody]],
    cleaned: Cleaned,
    vocabulary: Vocabulary,
    prefix: str,
) -> None:
    """The themes in report order, each with its quotes, and the interviews they name.

    Long because a quote gathers its theme, its interview, its repairs and its doubts in turn.
    """
    interviews: dict[str, DraftInterview] = {}
    width = 3 if sum(len(t.quotes) for _, b in bodies for t in b.themes) > 99 else 2
    for layer, body in bodies:
        for block in body.themes:
            if not block.quotes:
                draft.note(
                    "themes.yaml",
                    f"heading {block.title!r} has no quotes under it: a theme, or a part of "
                    "the theme before it? Not drafted",
                )
                continue
            theme = DraftTheme(
                slug(block.title),
                layer,
                len(draft.themes) + 1,
                block.title,
                span(draft.text, block.summary),
                [],
            )
            if theme.summary is None:
                theme.review.append("no summary paragraph between the heading and the first quote")
            draft.themes.append(theme)
            for message in block.review:
                draft.note("quotes.yaml", f"theme {theme.id!r}: {message}")
            for found in block.quotes:
                person = interviews.get(found.attribution)
                if person is None:
                    person = interviews[found.attribution] = interview(
                        found.attribution, vocabulary
                    )
                    draft.interviews.append(person)
                number = len(draft.quotes) + 1
                repairs = [r for r in cleaned.repairs if found.start <= r.start < found.end]
                quote = DraftQuote(
                    id=f"{prefix}-q{number:0{width}d}",
                    position=number,
                    theme=theme.id,
                    interview=person.id,
                    text=draft.text[found.start : found.end],
                    start=found.start,
                    end=found.end,
                    cleaning=describe(repairs),
                )
                if found.paragraphs > 1:
                    quote.review.append(
                        f"printed across {found.paragraphs} paragraphs, taken as one quote from "
                        "the first opening quotation mark to the last closing one"
                    )
                quote.review.extend(
                    f"{d.sequence!r} may be mojibake the repairs could not decode; left as printed"
                    for d in cleaned.doubts
                    if found.start <= d.start < found.end
                )
                draft.quotes.append(quote)


def _note_report(draft: Draft, cleaned: Cleaned, cover: list[str]) -> None:
    """What the layout does not give: the report's title, publisher, date, summary, credit."""
    # The contents' own heading ends the cover; it is no part of it.
    if cover and cover[-1].casefold() in {"table of contents", "contents"}:
        cover = cover[:-1]
    lines = " / ".join(line for text in cover for line in text.splitlines())
    if len(lines) > COVER_EXCERPT:
        lines = lines[: COVER_EXCERPT - 3] + "..."
    draft.note(
        "report.yaml",
        "title, publisher, published_on, summary and credit are not drafted: take them from "
        f"the cover and the publisher (the cover reads: {lines!r})",
    )
    if not draft.sections:
        draft.note("report.yaml", "no table of contents or section headings found")
    inside = [(q.start, q.end) for q in draft.quotes]
    for doubt in cleaned.doubts:
        if not any(start <= doubt.start < end for start, end in inside):
            draft.note(
                "report.yaml",
                f"text.txt offset {doubt.start}: {doubt.sequence!r} may be mojibake the repairs "
                "could not decode; left as printed",
            )
