"""Content tests: the seed data must say exactly what the source documents say. It is long because
it parses the truth out of the source documents itself, rather than trusting the seeds.

The truth is parsed from the source texts in ``shared/sources`` (the Insights Report and its press
release), independently of the seed files, and compared with the seeds: a missed, altered,
reordered or misattributed quote fails the suite, and so does a cleaned text that differs from
the documented cleaning rules applied to its source.

The sources live outside the repository, in ``shared/sources`` beside the repository's folder.
Where they are missing the source-dependent tests are skipped, except on CI (``CI=true``), where
they fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

import pytest
import yaml

from tests.helpers.ci import skip_or_fail

Record = dict[str, Any]

REPO_DIR: Final = Path(__file__).resolve().parents[1]
SEEDS_DIR: Final = REPO_DIR / "seeds"
SOURCES_DIR: Final = Path(__file__).resolve().parents[2] / "shared" / "sources"

REPORT_SOURCE: Final = "000_ef058bc275f40ca2.txt"
PRESS_RELEASE_SOURCE: Final = "001_62214ce04177fe60.txt"
REPORT_ID: Final = "cgt-insights-2026"
PRESS_RELEASE_ID: Final = "cgt-press-release-2026"
SEMINAR_REPORT_ID: Final = "cgt-seminar-report-2026"

EXPECTED_QUOTES: Final = 62
EXPECTED_INTERVIEWS: Final = 17
EXPECTED_THEMES: Final = 18
THEME_SECTIONS: Final = ("V", "VI", "VII", "VIII")
LAYER_SUBHEADING_SECTION: Final = "IV"

# Typographic characters, spelled as escapes so that the module stays ASCII.
LEFT_DOUBLE: Final = "\u201c"
RIGHT_DOUBLE: Final = "\u201d"
QUOTE_OPENERS: Final = ('"', LEFT_DOUBLE)
QUOTE_CLOSERS: Final = ('"', RIGHT_DOUBLE)

# Press release mojibake: UTF-8 bytes read through Thai (cp874) and Windows (cp1252) code pages.
# E2 80 xx became "\u0e42\u20ac" (THAI CHARACTER SARA O, EURO SIGN) plus the cp1252 reading of xx.
MOJIBAKE_PREFIX: Final = "\u0e42\u20ac"
MOJIBAKE_REPAIRS: Final[tuple[tuple[str, str], ...]] = (
    (MOJIBAKE_PREFIX + "\u201c", "\u2013"),  # E2 80 93: en dash
    (MOJIBAKE_PREFIX + "\u201d", "\u2014"),  # E2 80 94: em dash
    (MOJIBAKE_PREFIX + "\u0153", LEFT_DOUBLE),  # E2 80 9C: opening double quote
    (MOJIBAKE_PREFIX + "\u2122", "\u2019"),  # E2 80 99: apostrophe
    (MOJIBAKE_PREFIX, RIGHT_DOUBLE),  # E2 80 9D: 0x9D has no cp1252 character, so it vanished
)
PRESS_RELEASE_CUT: Final = "For press inquiries"

SPEAKER_SENTENCE: Final = (
    "said Claire Sheahan, M.Sc., President and CEO of the Alliance for Health Policy"
)

LINK_STUB_RE: Final = re.compile(r"\[([^\]\n]+)\]\(#\)")
SECTION_RE: Final = re.compile(r"(?P<numeral>[IVX]+)\. (?P<title>[^\t\na-z]+)")
TOC_RE: Final = re.compile(r"(?P<numeral>[IVX]+)\. (?P<title>[^\t\na-z]+)\t(?P<page>\d+)")
ATTRIBUTION_RE: Final = re.compile(r"- (?P<attribution>\S[^\n]*)")
EMAIL_RE: Final = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
CONTROL_RE: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
FORBIDDEN_SUBSTRINGS: Final = ("\\$", "](#)", MOJIBAKE_PREFIX)
# Documentation keys that describe the cleaning and so quote the defects on purpose.
DOC_KEYS: Final = frozenset({"notes", "cleaning"})
MAX_HEADING_CHARS: Final = 120

# Section III lists the perspectives the participants represent; each is one top-level type.
PERSPECTIVES: Final = {
    "patient advocates": "patient-advocate",
    "current and former state and federal policymakers": "policymaker",
    "nonprofit organizations": "nonprofit-organisation",
    "physician-researchers": "physician-researcher",
    "public and private payers": "payer",
    "private-sector stakeholders": "private-sector",
}
CHILD_TYPES: Final = {
    "public-payer": "payer",
    "private-payer": "payer",
    "federal-policymaker": "policymaker",
    "state-policymaker": "policymaker",
}


# --------------------------------------------------------------------------------------------
# Seeds
# --------------------------------------------------------------------------------------------


REPORTS_DIR: Final = SEEDS_DIR / "reports"
# The report's own files, in its folder; the shared vocabularies lie at the top of seeds/.
REPORT_FILES: Final = ("themes", "interviews", "quotes")


@cache
def load_seed(relative: str) -> Record:
    data = yaml.safe_load((SEEDS_DIR / relative).read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"seeds/{relative} is not a mapping"
    return data


def records(name: str, key: str | None = None) -> list[Record]:
    """The records of one kind, wherever the seed tree keeps them.

    `reports` are the `report.yaml` of every report folder; `layers` are the model's layers
    with the report's own texts for them merged in, as one record each (the shape the checks
    below were written for).
    """
    if name == "reports":
        folders = sorted(p for p in REPORTS_DIR.iterdir() if p.is_dir())
        return [load_seed(f"reports/{folder.name}/report.yaml")["report"] for folder in folders]
    if name == "layers":
        texts = by_layer(load_seed(f"reports/{REPORT_ID}/layers.yaml")["layers"])
        return [layer | texts[layer["id"]] for layer in load_seed("layers.yaml")["layers"]]
    relative = f"reports/{REPORT_ID}/{name}.yaml" if name in REPORT_FILES else f"{name}.yaml"
    rows = load_seed(relative)[key or name]
    assert isinstance(rows, list), f"seeds/{relative}: {key or name} is not a list"
    return rows


def by_layer(texts: list[Record]) -> dict[str, Record]:
    return {text["layer"]: {k: v for k, v in text.items() if k != "layer"} for text in texts}


def by_id(rows: list[Record]) -> dict[str, Record]:
    return {row["id"]: row for row in rows}


def report_record(report_id: str) -> Record:
    return by_id(records("reports"))[report_id]


def statements() -> list[Record]:
    return [s for report in records("reports") for s in report.get("statements") or []]


def sorted_by_position(rows: list[Record]) -> list[Record]:
    return sorted(rows, key=lambda row: int(row["position"]))


@dataclass(frozen=True)
class QuoteRow:
    """A quote as the comparison sees it: what it says, who said it, and where."""

    text: str
    attribution: str
    theme: str
    section: str


def seed_quote_row(quote: Record) -> QuoteRow:
    interview = by_id(records("interviews"))[quote["interview"]]
    theme = by_id(records("themes"))[quote["theme"]]
    layer = by_id(records("layers"))[theme["layer"]]
    return QuoteRow(quote["text"], interview["attribution"], theme["title"], layer["section"])


def seed_quote_rows() -> list[QuoteRow]:
    return [seed_quote_row(quote) for quote in sorted_by_position(records("quotes"))]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --------------------------------------------------------------------------------------------
# Cleaning rules
# --------------------------------------------------------------------------------------------


def clean_report(source: str) -> str:
    """Unescape dollar signs and drop link-stub markup; nothing else."""
    return LINK_STUB_RE.sub(r"\1", source.replace("\\$", "$"))


def repair_mojibake(text: str) -> str:
    for broken, repaired in MOJIBAKE_REPAIRS:
        text = text.replace(broken, repaired)
    return text


def clean_press_release(source: str) -> str:
    """Repair the mojibake, cut before the press-contact block, end with one newline."""
    lines = repair_mojibake(source).split("\n")
    cuts = [i for i, line in enumerate(lines) if line.startswith(PRESS_RELEASE_CUT)]
    assert len(cuts) == 1, f"expected one line starting {PRESS_RELEASE_CUT!r}, found {len(cuts)}"
    return "\n".join(lines[: cuts[0]]).rstrip() + "\n"


# --------------------------------------------------------------------------------------------
# Source parsing
# --------------------------------------------------------------------------------------------


def split_blocks(text: str) -> list[str]:
    """Paragraphs: runs of non-blank lines (a line of spaces counts as blank)."""
    blocks: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def is_quote(block: str) -> bool:
    return block.startswith(QUOTE_OPENERS)


def attribution_of(block: str) -> str | None:
    match = ATTRIBUTION_RE.fullmatch(block)
    return match["attribution"] if match else None


def is_heading(block: str) -> bool:
    """A short single line that is no quote, no attribution and no sentence."""
    return (
        "\n" not in block
        and len(block) <= MAX_HEADING_CHARS
        and not is_quote(block)
        and attribution_of(block) is None
        and not block.endswith(".")
    )


@dataclass(frozen=True)
class SourceQuote:
    text: str
    attribution: str
    theme: str
    section: str
    paragraph: str

    @property
    def row(self) -> QuoteRow:
        return QuoteRow(self.text, self.attribution, self.theme, self.section)


@dataclass
class SourceTheme:
    title: str
    section: str
    summary: list[str] = field(default_factory=list)


@dataclass
class SourceSubheading:
    label: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class ParsedReport:
    toc: list[tuple[str, str, int]]
    sections: dict[str, str]  # numeral -> title, in order
    blocks: dict[str, list[str]]  # numeral -> the section's paragraphs after its heading
    introductions: dict[str, list[str]] = field(default_factory=dict)
    themes: list[SourceTheme] = field(default_factory=list)
    quotes: list[SourceQuote] = field(default_factory=list)
    subheadings: list[SourceSubheading] = field(default_factory=list)


def parse_report(text: str) -> ParsedReport:
    toc = [
        (m["numeral"], m["title"], int(m["page"]))
        for m in map(TOC_RE.fullmatch, text.split("\n"))
        if m
    ]
    sections: dict[str, str] = {}
    blocks: dict[str, list[str]] = {}
    current: str | None = None
    for block in split_blocks(text):
        heading = SECTION_RE.fullmatch(block)
        if heading:
            current = heading["numeral"]
            assert current not in sections, f"section {current} is printed twice"
            sections[current] = heading["title"]
            blocks[current] = []
        elif current is not None:
            blocks[current].append(block)
    parsed = ParsedReport(toc=toc, sections=sections, blocks=blocks)
    parse_layer_subheadings(parsed)
    for numeral in THEME_SECTIONS:
        parse_theme_section(parsed, numeral)
    return parsed


def parse_layer_subheadings(parsed: ParsedReport) -> None:
    """Section IV: one "Layer: Heading" sub-heading per iceberg layer, each with its paragraph."""
    current: SourceSubheading | None = None
    for block in parsed.blocks[LAYER_SUBHEADING_SECTION]:
        if is_heading(block) and ": " in block:
            label, heading = block.split(": ", 1)
            current = SourceSubheading(label, heading)
            parsed.subheadings.append(current)
        elif current is not None:
            current.paragraphs.append(block)


def parse_theme_section(parsed: ParsedReport, numeral: str) -> None:
    """Sections V-VIII: intro, then per theme a heading, a summary, quote/attribution pairs."""
    blocks = parsed.blocks[numeral]
    intro = parsed.introductions.setdefault(numeral, [])
    theme: SourceTheme | None = None
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else ""
        preceding = blocks[index - 1] if index > 0 else ""
        if is_quote(block):
            attribution = attribution_of(following)
            assert attribution is not None, f"quote without attribution line: {block[:60]!r}"
            assert theme is not None, f"quote before any theme heading: {block[:60]!r}"
            assert "\n" not in block, f"quote spans lines: {block[:60]!r}"
            assert block.endswith(QUOTE_CLOSERS), f"quote not closed: {block[-60:]!r}"
            parsed.quotes.append(SourceQuote(block[1:-1], attribution, theme.title, numeral, block))
        elif attribution_of(block) is not None:
            assert is_quote(preceding), f"attribution without quote: {block!r}"
        elif is_heading(block) and following and not is_quote(following):
            theme = SourceTheme(block, numeral)
            parsed.themes.append(theme)
        elif theme is None:
            intro.append(block)
        else:
            assert not any(q.theme == theme.title for q in parsed.quotes), (
                f"paragraph after the quotes of theme {theme.title!r}: {block[:60]!r}"
            )
            theme.summary.append(block)


def first_appearance_order(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    if not SOURCES_DIR.is_dir():
        skip_or_fail(
            f"source documents not found: {SOURCES_DIR} (expected shared/sources beside the "
            "repository's folder); the seed content cannot be checked against its sources"
        )
    return SOURCES_DIR


@pytest.fixture(scope="session")
def report_source(sources_dir: Path) -> str:
    return (sources_dir / REPORT_SOURCE).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def press_release_source(sources_dir: Path) -> str:
    return (sources_dir / PRESS_RELEASE_SOURCE).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def report_text(report_source: str) -> str:
    return clean_report(report_source)


@pytest.fixture(scope="session")
def press_release_text(press_release_source: str) -> str:
    return clean_press_release(press_release_source)


@pytest.fixture(scope="session")
def parsed(report_text: str) -> ParsedReport:
    return parse_report(report_text)


@pytest.fixture(scope="session")
def source_quotes(parsed: ParsedReport) -> list[SourceQuote]:
    return parsed.quotes


# --------------------------------------------------------------------------------------------
# 1. Cleaned texts
# --------------------------------------------------------------------------------------------


def test_mojibake_table_decodes_the_byte_readings() -> None:
    for broken, repaired in MOJIBAKE_REPAIRS:
        raw = broken[:2].encode("cp874") + broken[2:].encode("cp1252")
        if broken == MOJIBAKE_PREFIX:
            raw += b"\x9d"
        assert raw.decode("utf-8") == repaired, broken


@pytest.mark.parametrize(
    ("report_id", "source_name"),
    [(REPORT_ID, REPORT_SOURCE), (PRESS_RELEASE_ID, PRESS_RELEASE_SOURCE)],
)
def test_cleaned_text_equals_cleaning_rules_applied_to_source(
    report_id: str, source_name: str, sources_dir: Path
) -> None:
    source = (sources_dir / source_name).read_text(encoding="utf-8")
    expected = clean_report(source) if report_id == REPORT_ID else clean_press_release(source)
    full_text = report_record(report_id)["full_text"]
    assert full_text == "text.txt"
    actual = (REPORTS_DIR / report_id / full_text).read_bytes()
    assert actual == expected.encode("utf-8"), f"{report_id}/{full_text} differs from its source"


def test_seminar_report_has_no_full_text() -> None:
    assert report_record(SEMINAR_REPORT_ID)["full_text"] is None


def test_cleaning_removed_every_defect(report_text: str, press_release_text: str) -> None:
    for text in (report_text, press_release_text):
        for forbidden in FORBIDDEN_SUBSTRINGS:
            assert forbidden not in text
    assert not EMAIL_RE.search(press_release_text)


# --------------------------------------------------------------------------------------------
# 2. Quotes
# --------------------------------------------------------------------------------------------


def test_source_has_expected_quote_count(source_quotes: list[SourceQuote]) -> None:
    assert len(source_quotes) == EXPECTED_QUOTES


def test_seed_quote_count() -> None:
    assert len(records("quotes")) == EXPECTED_QUOTES


def test_quote_positions_are_one_to_n() -> None:
    positions = sorted(int(q["position"]) for q in records("quotes"))
    assert positions == list(range(1, len(positions) + 1))


def test_quotes_match_source_in_order(source_quotes: list[SourceQuote]) -> None:
    assert seed_quote_rows() == [q.row for q in source_quotes]


@pytest.mark.parametrize("quote_id", [q["id"] for q in records("quotes")])
def test_quote_matches_source(quote_id: str, source_quotes: list[SourceQuote]) -> None:
    quote = by_id(records("quotes"))[quote_id]
    position = int(quote["position"])
    assert 1 <= position <= len(source_quotes), f"{quote_id}: no quote {position} in the source"
    expected = source_quotes[position - 1]
    actual = seed_quote_row(quote)
    assert actual.text == expected.text, f"{quote_id}: text differs from source quote {position}"
    assert actual.attribution == expected.attribution, f"{quote_id}: misattributed"
    assert actual.theme == expected.theme, f"{quote_id}: wrong theme"
    assert actual.section == expected.section, f"{quote_id}: wrong section"


def test_cleaning_notes_mark_exactly_the_cleaned_quotes(report_source: str) -> None:
    raw = parse_report(report_source).quotes
    cleaned_in_source = {i + 1 for i, q in enumerate(raw) if clean_report(q.text) != q.text}
    noted = {int(q["position"]) for q in records("quotes") if q.get("cleaning")}
    assert noted == cleaned_in_source


# --------------------------------------------------------------------------------------------
# 3. No defect survives in any seed text
# --------------------------------------------------------------------------------------------


def iter_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in DOC_KEYS:
                yield from iter_strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            label = item.get("id", index) if isinstance(item, dict) else index
            yield from iter_strings(item, f"{path}[{label}]")


SEED_FILES: Final = sorted(p.relative_to(SEEDS_DIR).as_posix() for p in SEEDS_DIR.rglob("*.yaml"))
TEXT_FILES: Final = sorted(p.relative_to(SEEDS_DIR).as_posix() for p in SEEDS_DIR.rglob("*.txt"))


def defects(text: str) -> list[str]:
    found = [s for s in FORBIDDEN_SUBSTRINGS if s in text]
    found += [f"e-mail {m.group()!r}" for m in EMAIL_RE.finditer(text)]
    found += [f"control character {m.group()!r}" for m in CONTROL_RE.finditer(text)]
    return found


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_strings_have_no_defects(name: str) -> None:
    data = yaml.safe_load((SEEDS_DIR / name).read_text(encoding="utf-8"))
    problems = {path: found for path, text in iter_strings(data, name) if (found := defects(text))}
    assert problems == {}


@pytest.mark.parametrize("name", TEXT_FILES)
def test_seed_texts_have_no_defects(name: str) -> None:
    assert defects((SEEDS_DIR / name).read_text(encoding="utf-8")) == []


# --------------------------------------------------------------------------------------------
# 4. Interviews
# --------------------------------------------------------------------------------------------


def test_interview_count() -> None:
    interviews = records("interviews")
    assert len(interviews) == EXPECTED_INTERVIEWS
    assert report_record(REPORT_ID)["methodology"]["interview_count"] == EXPECTED_INTERVIEWS


def test_source_states_interview_count(report_text: str) -> None:
    assert f"conducted {EXPECTED_INTERVIEWS} in-depth interviews" in report_text


def test_interviews_are_the_distinct_attributions_in_order(
    source_quotes: list[SourceQuote],
) -> None:
    distinct = first_appearance_order([q.attribution for q in source_quotes])
    assert len(distinct) == EXPECTED_INTERVIEWS
    assert [i["attribution"] for i in records("interviews")] == distinct


@pytest.mark.parametrize("interview_id", [i["id"] for i in records("interviews")])
def test_interview_splits_its_attribution(interview_id: str) -> None:
    interview = by_id(records("interviews"))[interview_id]
    attribution: str = interview["attribution"]
    role, _, organisation = attribution.partition(", ")
    names = {o["id"]: o["name"] for o in records("organisation_types")}
    assert interview["role_title"] == role
    org_id = interview["organisation_type"]
    assert (names[org_id] if org_id is not None else "") == organisation
    assert interview_id == slug(attribution)


# --------------------------------------------------------------------------------------------
# 5. Themes and layers
# --------------------------------------------------------------------------------------------


def test_theme_count() -> None:
    assert len(records("themes")) == EXPECTED_THEMES


def test_theme_positions_are_one_to_n() -> None:
    positions = sorted(int(t["position"]) for t in records("themes"))
    assert positions == list(range(1, EXPECTED_THEMES + 1))


def test_themes_are_the_source_headings_in_order(parsed: ParsedReport) -> None:
    seeds = [
        (t["title"], by_id(records("layers"))[t["layer"]]["section"])
        for t in sorted_by_position(records("themes"))
    ]
    assert seeds == [(t.title, t.section) for t in parsed.themes]


@pytest.mark.parametrize("theme_id", [t["id"] for t in records("themes")])
def test_theme_matches_source(theme_id: str, parsed: ParsedReport, report_text: str) -> None:
    theme = by_id(records("themes"))[theme_id]
    position = int(theme["position"])
    assert 1 <= position <= len(parsed.themes)
    expected = parsed.themes[position - 1]
    assert theme["title"] == expected.title
    assert by_id(records("layers"))[theme["layer"]]["section"] == expected.section
    assert theme["summary"] in report_text
    assert [theme["summary"]] == expected.summary


def test_layers_cover_the_theme_sections_in_depth_order() -> None:
    layers = sorted(records("layers"), key=lambda layer: int(layer["depth"]))
    assert [int(layer["depth"]) for layer in layers] == list(range(1, len(THEME_SECTIONS) + 1))
    assert tuple(layer["section"] for layer in layers) == THEME_SECTIONS


@pytest.mark.parametrize("layer_id", [layer["id"] for layer in records("layers")])
def test_layer_matches_source(layer_id: str, parsed: ParsedReport, report_text: str) -> None:
    layer = by_id(records("layers"))[layer_id]
    assert parsed.sections[layer["section"]] == f"{layer['name']}: {layer['heading']}".upper()
    subheading = parsed.subheadings[int(layer["depth"]) - 1]
    assert subheading.heading == layer["heading"]
    assert layer["description"] in report_text
    assert [layer["description"]] == subheading.paragraphs
    introduction = parsed.introductions[layer["section"]]
    if layer["introduction"] is None:
        assert introduction == []
    else:
        assert layer["introduction"] in report_text
        assert [layer["introduction"]] == introduction


def test_report_sections_match_table_of_contents(parsed: ParsedReport) -> None:
    starts = [page for _, _, page in parsed.toc]
    expected = [
        {"numeral": numeral, "title": title, "page_start": page, "page_end": end}
        for (numeral, title, page), end in zip(
            parsed.toc, [s - 1 for s in starts[1:]] + [None], strict=True
        )
    ]
    assert list(parsed.sections.items()) == [(n, t) for n, t, _ in parsed.toc]
    assert report_record(REPORT_ID)["sections"] == expected


# --------------------------------------------------------------------------------------------
# 6. Reports and press-release statements
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("report_id", "document"),
    [(REPORT_ID, "report"), (PRESS_RELEASE_ID, "press"), (SEMINAR_REPORT_ID, "press")],
)
def test_report_summary_is_verbatim(
    report_id: str, document: str, report_text: str, press_release_text: str
) -> None:
    text = report_text if document == "report" else press_release_text
    assert report_record(report_id)["summary"] in text


def test_statements_are_the_quoted_passages_in_order(press_release_text: str) -> None:
    paragraphs = [p for p in split_blocks(press_release_text) if SPEAKER_SENTENCE in p]
    assert len(paragraphs) == 1
    passages = re.findall(f"{LEFT_DOUBLE}([^{RIGHT_DOUBLE}]*){RIGHT_DOUBLE}", paragraphs[0])
    assert [s["text"] for s in report_record(PRESS_RELEASE_ID)["statements"]] == passages


@pytest.mark.parametrize("statement_id", [s["id"] for s in statements()])
def test_statement_is_verbatim_and_attributed(statement_id: str, press_release_text: str) -> None:
    statement = by_id(statements())[statement_id]
    assert statement["text"] in press_release_text
    said = f"said {statement['speaker_name']}, {statement['speaker_title']}"
    assert said == SPEAKER_SENTENCE
    assert said in press_release_text


# --------------------------------------------------------------------------------------------
# 6b. Facts stored as passages: sponsors, methodology, conclusion, descriptions, counts
# --------------------------------------------------------------------------------------------


def passages(report: Record) -> list[tuple[str, str, str]]:
    """(field, source report id, text) of every passage a report record stores."""
    own, methodology = report["id"], report.get("methodology") or {}
    found = [("sponsors", own, text) for text in report.get("sponsors") or []]
    found += [("caveats", own, text) for text in methodology.get("caveats") or []]
    found += [("conclusion", own, text) for text in report.get("conclusion") or []]
    if methodology.get("participant_selection"):
        found.append(("participant_selection", own, methodology["participant_selection"]))
    if methodology.get("workshop_expert_count_text"):
        source = methodology.get("workshop_expert_count_source") or own
        found.append(
            ("workshop_expert_count_text", source, methodology["workshop_expert_count_text"])
        )
    found += [("described_in", d["source"], d["text"]) for d in report.get("described_in") or []]
    return found


STORED_PASSAGES: Final = [
    (report["id"], field, source, text)
    for report in records("reports")
    for field, source, text in passages(report)
]


@pytest.mark.parametrize(
    ("report_id", "field", "source", "text"),
    STORED_PASSAGES,
    ids=[f"{r}-{f}-{n}" for n, (r, f, _, _) in enumerate(STORED_PASSAGES, start=1)],
)
def test_every_stored_passage_is_verbatim(
    report_id: str,
    field: str,
    source: str,
    text: str,
    report_source: str,
    report_text: str,
    press_release_text: str,
) -> None:
    """In the full text its record stores, and in the source document cleaned by the rules."""
    stored = (REPORTS_DIR / source / report_record(source)["full_text"]).read_text("utf-8")
    assert text in stored, (report_id, field)
    cleaned = {REPORT_ID: report_text, PRESS_RELEASE_ID: press_release_text}[source]
    assert text in cleaned, (report_id, field)
    if source == REPORT_ID:  # nothing the cleaning repairs: as the source file prints it
        assert text in report_source, (report_id, field)


def test_the_sponsors_are_section_is_names_in_order(parsed: ParsedReport) -> None:
    heading, sentence = parsed.blocks["I"]
    assert heading == "Seminar Sponsors and Supporters"
    match = re.fullmatch(
        r"The Alliance for Health Policy recognizes and appreciates (.+) for their support of "
        r"the Signature Seminar program, which makes this work possible\.",
        sentence,
    )
    assert match, sentence
    assert report_record(REPORT_ID)["sponsors"] == re.split(r", (?:and )?", match[1])


def test_the_conclusion_is_section_ix_paragraph_by_paragraph(parsed: ParsedReport) -> None:
    *paragraphs, back_cover = parsed.blocks["IX"]
    assert back_cover == "ALLIANCE\nFOR HEALTH POLICY"
    assert report_record(REPORT_ID)["conclusion"] == paragraphs


def design_and_methods(parsed: ParsedReport) -> str:
    """The paragraph under section III's "Design and Methods"."""
    blocks = parsed.blocks["III"]
    return blocks[blocks.index("Design and Methods") + 1]


def test_participant_selection_and_caveats_are_the_methods_sentences(parsed: ParsedReport) -> None:
    paragraph = design_and_methods(parsed)
    methodology = report_record(REPORT_ID)["methodology"]
    assert paragraph.startswith(methodology["participant_selection"] + " ")
    assert methodology["participant_selection"].startswith("Participants represented")
    assert "Selection prioritized" in methodology["participant_selection"]
    caveats = methodology["caveats"]
    assert caveats[0] == "Findings are qualitative and intended to provide directional insights."
    assert paragraph.endswith(" " + " ".join(caveats))


def test_the_seminar_report_is_described_as_section_iii_does(parsed: ParsedReport) -> None:
    blocks = parsed.blocks["III"]
    outcomes = blocks[blocks.index("Outcomes") + 2]
    [description] = report_record(SEMINAR_REPORT_ID)["described_in"]
    assert description["source"] == REPORT_ID
    assert outcomes.startswith(description["text"] + " ")
    for said in (
        "outcomes report",
        "detailed examples and unattributed quotes",
        "Alliance website",
    ):
        assert said in description["text"]


def test_the_expert_count_is_the_press_release_bodys_approximate_one(
    press_release_text: str,
) -> None:
    # The body's list of the two reports, one line each; the sub-heading says "nearly 45".
    bullet = next(
        line
        for line in press_release_text.split("\n")
        if line.strip().startswith("\u2022 Seminar Report:")
    )
    assert "convening approximately 45 thought leaders" in bullet
    for report in records("reports"):
        methodology = report["methodology"]
        assert methodology["workshop_expert_count"] == 45, report["id"]
        assert methodology["workshop_expert_count_text"] == "approximately 45", report["id"]
        assert methodology["workshop_expert_count_approximate"] is True, report["id"]
        source = methodology.get("workshop_expert_count_source", report["id"])
        assert source == PRESS_RELEASE_ID, report["id"]


# --------------------------------------------------------------------------------------------
# 7. Stakeholder taxonomy
# --------------------------------------------------------------------------------------------


def test_interview_stakeholder_types_exist() -> None:
    types = by_id(records("stakeholder_types"))
    missing = {i["id"]: i["stakeholder_type"] for i in records("interviews")}
    assert {k: v for k, v in missing.items() if v not in types} == {}


def test_stakeholder_parents_are_top_level_types() -> None:
    types = by_id(records("stakeholder_types"))
    for type_id, row in types.items():
        parent = row["parent"]
        assert parent is None or types[parent]["parent"] is None, type_id


def test_top_level_types_are_the_report_perspectives(report_text: str) -> None:
    sentence = next(line for line in report_text.split("\n") if "Participants represented" in line)
    for phrase in PERSPECTIVES:
        assert phrase in sentence
    top = {t["id"] for t in records("stakeholder_types") if t["parent"] is None}
    assert top == set(PERSPECTIVES.values())


@pytest.mark.parametrize(("child", "parent"), sorted(CHILD_TYPES.items()))
def test_stakeholder_type_parent(child: str, parent: str) -> None:
    assert by_id(records("stakeholder_types"))[child]["parent"] == parent


# --------------------------------------------------------------------------------------------
# 8. Identifiers and references
# --------------------------------------------------------------------------------------------


ID_LISTS: Final = [
    ("reports", records("reports")),
    ("statements", statements()),
    ("layers", records("layers")),
    ("themes", records("themes")),
    ("stakeholder_types", records("stakeholder_types")),
    ("organisation_types", records("organisation_types")),
    ("interviews", records("interviews")),
    ("tags", records("tags")),
    ("quotes", records("quotes")),
]


@pytest.mark.parametrize(("name", "rows"), ID_LISTS, ids=[name for name, _ in ID_LISTS])
def test_ids_are_unique(name: str, rows: list[Record]) -> None:
    ids = [row["id"] for row in rows]
    assert sorted({i for i in ids if ids.count(i) > 1}) == [], name


def test_quote_tags_are_defined_and_not_repeated() -> None:
    tags = set(by_id(records("tags")))
    for quote in records("quotes"):
        used: list[str] = quote["tags"]
        assert set(used) <= tags, f"{quote['id']}: undefined tags {set(used) - tags}"
        assert len(used) == len(set(used)), f"{quote['id']}: repeated tag"


def test_references_resolve() -> None:
    layers = by_id(records("layers"))
    themes = by_id(records("themes"))
    interviews = by_id(records("interviews"))
    organisations = by_id(records("organisation_types"))
    reports = by_id(records("reports"))
    assert REPORT_ID in reports
    folders = {p.name for p in REPORTS_DIR.iterdir() if p.is_dir()}
    assert folders == set(reports), "each report folder is named by its report's id"
    assert all(r.get("companion_of") in (None, REPORT_ID) for r in reports.values()), (
        "companions name the insights report"
    )
    assert all(t["layer"] in layers for t in themes.values())
    assert all(
        i["organisation_type"] is None or i["organisation_type"] in organisations
        for i in interviews.values()
    )
    for quote in records("quotes"):
        assert quote["theme"] in themes, quote["id"]
        assert quote["interview"] in interviews, quote["id"]
