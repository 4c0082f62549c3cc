"""The draft's records: the seed records a draft folder holds, each with its `review:` notes.

They mirror the loader's records (`app.seeding.records`) field for field, except that a field
the text does not settle may be None, and a quote carries its offsets into the cleaned text.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.curation.cleaning import Repair


@dataclass(frozen=True)
class Section:
    numeral: str
    title: str
    page_start: int | None
    page_end: int | None


@dataclass
class DraftLayer:
    layer: str
    heading: str
    section: str
    description: str | None
    introduction: str | None
    review: list[str] = field(default_factory=list)


@dataclass
class DraftTheme:
    id: str
    layer: str
    position: int
    title: str
    summary: str | None
    review: list[str] = field(default_factory=list)


@dataclass
class DraftInterview:
    id: str
    attribution: str
    role_title: str
    organisation_type: str | None
    stakeholder_type: str | None
    review: list[str] = field(default_factory=list)


@dataclass
class DraftQuote:
    id: str
    position: int
    theme: str
    interview: str
    text: str
    start: int  # text == Draft.text[start:end]
    end: int
    cleaning: str | None = None
    review: list[str] = field(default_factory=list)


@dataclass
class Draft:
    """Everything a draft folder holds; `review` keeps the notes that belong to no record,
    by the file they are written to."""

    report_id: str
    source: str
    text: str
    sections: list[Section] = field(default_factory=list)
    layers: list[DraftLayer] = field(default_factory=list)
    themes: list[DraftTheme] = field(default_factory=list)
    interviews: list[DraftInterview] = field(default_factory=list)
    quotes: list[DraftQuote] = field(default_factory=list)
    review: dict[str, list[str]] = field(default_factory=dict)
    repairs: list[Repair] = field(default_factory=list)  # where the cleaning changed the text

    def note(self, filename: str, message: str) -> None:
        """A review note that belongs to a file, not to one of its records."""
        self.review.setdefault(filename, []).append(message)

    def review_notes(self) -> list[tuple[str, str]]:
        """(where, note) of every review note, file by file in writing order."""
        notes = [("report.yaml", n) for n in self.review.get("report.yaml", [])]
        records: list[tuple[str, Sequence[DraftLayer | DraftTheme | DraftInterview | DraftQuote]]]
        records = [
            ("layers.yaml", self.layers),
            ("themes.yaml", self.themes),
            ("interviews.yaml", self.interviews),
            ("quotes.yaml", self.quotes),
        ]
        for filename, items in records:
            notes += [(filename, n) for n in self.review.get(filename, [])]
            for item in items:
                name = item.layer if isinstance(item, DraftLayer) else item.id
                notes += [(f"{filename} {name}", n) for n in item.review]
        return notes

    def score(self) -> str:
        """The one-line tally the command prints."""
        notes = len(self.review_notes())
        return (
            f"{len(self.quotes)} quotes, {len(self.interviews)} interviews, "
            f"{len(self.themes)} themes, {len(self.layers)} layers, "
            f"{len(self.sections)} sections; {notes} review note{'s' if notes != 1 else ''}"
        )
