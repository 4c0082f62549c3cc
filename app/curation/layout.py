"""The published layout, read block by block: paragraphs, headings, quotes and attribution lines.

A report as published is markdown-like: paragraphs separated by blank lines, a table of
contents of `NUMERAL. TITLE<tab>PAGE` lines, section headings `NUMERAL. TITLE`, sub-headings on
a line of their own, quotes as paragraphs in quotation marks, each followed by its attribution
line (`- Role, Organisation`).
"""

import re
from dataclasses import dataclass

OPENING = '"“'
CLOSING = '"”'
ATTRIBUTION = re.compile(r"^[-–—]\s+(\S.*)$")
SECTION = re.compile(r"^([IVXLC]+)\.\s+(\S.*)$")
TOC_LINE = re.compile(r"^([IVXLC]+)\.\s+(.+?)(?:\t+|\s{2,}|\s*\.{3,}\s*)(\d+)$")
_HEADING_MAX = 200
# A heading is a line of its own that does not end as a sentence or a quotation does.
_NOT_HEADING_END = ".,;" + CLOSING


@dataclass(frozen=True)
class Paragraph:
    """A block of non-blank lines; `text` is `full_text[start:end]`, without edge whitespace."""

    start: int
    end: int
    text: str


def paragraphs(text: str) -> list[Paragraph]:
    """The blocks of the text, split at blank lines (a line of spaces is blank)."""
    found = []
    for match in re.finditer(r"(?:^[ \t]*\S[^\n]*(?:\n|\Z))+", text, re.MULTILINE):
        block = match.group()
        start = match.start() + len(block) - len(block.lstrip())
        stripped = block.strip()
        found.append(Paragraph(start, start + len(stripped), stripped))
    return found


def attribution(paragraph: Paragraph) -> str | None:
    """The attribution a `- Role, Organisation` line prints, or None."""
    match = ATTRIBUTION.match(paragraph.text)
    return match.group(1).strip() if match and "\n" not in paragraph.text else None


def is_heading(paragraph: Paragraph) -> bool:
    text = paragraph.text
    return (
        "\n" not in text
        and len(text) <= _HEADING_MAX
        and (text[0].isupper() or text[0].isdigit())
        and text[-1] not in _NOT_HEADING_END
        and attribution(paragraph) is None
    )


def opens_quote(paragraph: Paragraph) -> bool:
    return paragraph.text[0] in OPENING


def closes_quote(paragraph: Paragraph) -> bool:
    return paragraph.text[-1] in CLOSING


def unterminated(paragraph: Paragraph) -> bool:
    """Whether a paragraph opens a quotation it does not close, as the first paragraph of a
    quote printed across paragraphs does ("balanced" marks are a phrase quoted in a sentence)."""
    text = paragraph.text
    straight_open = text.count('"') % 2 == 1
    curly_open = text.count("“") > text.count("”")
    return opens_quote(paragraph) and (straight_open or curly_open)


def table_of_contents(paragraph: Paragraph) -> list[tuple[str, str, int]] | None:
    """(numeral, title, first page) of each line, if every line is a contents line."""
    lines = paragraph.text.split("\n")
    matches = [TOC_LINE.match(line.strip()) for line in lines]
    if len(lines) < 2 or not all(matches):
        return None
    return [(m.group(1), m.group(2).strip(), int(m.group(3))) for m in matches if m]


def section_heading(paragraph: Paragraph) -> tuple[str, str] | None:
    """(numeral, title) of a `NUMERAL. TITLE` line."""
    match = SECTION.match(paragraph.text)
    return (
        (match.group(1), match.group(2).strip()) if match and "\n" not in paragraph.text else None
    )
