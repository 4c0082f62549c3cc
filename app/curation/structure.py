"""The report's skeleton: its sections, which of them are layers, and each layer's own texts.

The table of contents gives the sections and their first pages; a section whose title names a
layer of the iceberg model (`V. TIP OF THE ICEBERG: ...`) holds that layer's themes and quotes;
the sub-heading elsewhere (the model's own section) that ends as that title does gives the
layer's heading and description.
"""

from dataclasses import dataclass, field

from app.curation.body import LayerBody
from app.curation.layout import Paragraph, is_heading, section_heading, table_of_contents
from app.curation.records import DraftLayer, Section
from app.curation.vocabulary import Vocabulary, layer_key


@dataclass
class Skeleton:
    """The sections, the paragraphs of each by numeral, and the cover (what precedes them)."""

    sections: list[Section]
    bodies: dict[str, list[Paragraph]]
    cover: list[Paragraph]


def _contents(paras: list[Paragraph]) -> tuple[list[Section], int]:
    """The sections the table of contents lists, and its index (-1 without one); a section's
    last page is the page before the next one's first, the last one's is unknown."""
    for index, paragraph in enumerate(paras):
        entries = table_of_contents(paragraph)
        if entries:
            ends = [start - 1 for _, _, start in entries[1:]] + [None]
            sections = [
                Section(numeral, title, start, None if end is None else max(end, start))
                for (numeral, title, start), end in zip(entries, ends, strict=True)
            ]
            return sections, index
    return [], -1


def skeleton(paras: list[Paragraph]) -> Skeleton:
    """The sections in the body: those the contents list, or every upper-case `NUMERAL. TITLE`
    line when there is no table of contents."""
    listed, at = _contents(paras)
    known = {(s.numeral, s.title.casefold()): s for s in listed}
    found = Skeleton([], {}, paras[:at] if at >= 0 else [])
    current = found.cover
    for paragraph in paras[at + 1 :]:
        heading = section_heading(paragraph)
        if heading is None or heading[0] in found.bodies:
            current.append(paragraph)
            continue
        numeral, title = heading
        section = known.get((numeral, title.casefold()))
        if section is None and (listed or not title.isupper()):
            current.append(paragraph)
            continue
        found.sections.append(section or Section(numeral, title, None, None))
        current = found.bodies[numeral] = []
    return found


def layer_of(section: Section, vocabulary: Vocabulary) -> str | None:
    """The layer a section's title names before its colon, if any."""
    return vocabulary.layer_ids.get(layer_key(section.title.partition(":")[0]))


def _after_colon(text: str) -> str:
    return text.partition(":")[2].strip()


@dataclass
class SubHeading:
    """A sub-heading outside the layer sections and the paragraphs under it."""

    paragraph: Paragraph
    section: str
    following: list[Paragraph] = field(default_factory=list)
    placed: bool = False


def sub_headings(sections: list[Section], bodies: dict[str, list[Paragraph]]) -> list[SubHeading]:
    found: list[SubHeading] = []
    for section in sections:
        current: SubHeading | None = None
        for paragraph in bodies[section.numeral]:
            if is_heading(paragraph):
                current = SubHeading(paragraph, section.numeral)
                found.append(current)
            elif current is not None:
                current.following.append(paragraph)
    return found


def span(text: str, paras: list[Paragraph]) -> str | None:
    """The text from the first paragraph's start to the last one's end, as printed."""
    return text[paras[0].start : paras[-1].end] if paras else None


def layer_texts(
    section: Section, layer: str, body: LayerBody, text: str, subs: list[SubHeading]
) -> DraftLayer:
    """A layer's own texts: heading and description from its sub-heading in the model's
    section, introduction from the paragraphs opening its own section."""
    ending = _after_colon(section.title).casefold()
    match = next(
        (s for s in subs if ending and _after_colon(s.paragraph.text).casefold() == ending), None
    )
    review = []
    if match is None:
        review.append(
            f"no sub-heading outside the layer sections ends as {section.title!r} does: "
            "heading and description left for a curator"
        )
        heading, description = _after_colon(section.title) or section.title, None
    else:
        match.placed = True
        heading, description = _after_colon(match.paragraph.text), span(text, match.following)
        if not description:
            review.append(f"sub-heading {match.paragraph.text!r} has no paragraph under it")
    introduction = span(text, body.introduction)
    return DraftLayer(layer, heading, section.numeral, description, introduction, review)


def unplaced(subs: list[SubHeading]) -> list[str]:
    """Notes on the sub-headings of the model's section (the one that gave layer texts) that
    no layer section matched: a layer the vocabulary lacks, or a misprinted heading?"""
    model = {s.section for s in subs if s.placed}
    return [
        f"section {s.section}: sub-heading {s.paragraph.text!r} matches no layer section; "
        "not drafted"
        for s in subs
        if s.section in model and not s.placed
    ]
