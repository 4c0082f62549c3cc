"""A synthetic corpus in the seed format: many reports, interviews and quotes, for scale tests.

The shared vocabularies (layers, stakeholder and organisation types, tags) are the real ones,
copied; each report is generated into its own folder, `reports/<report-id>/`, as a real one is:
its record, its full text, its own texts for the four layers, its own themes, its interviews
and its quotes. Every report's full text is its quotes in order, so the loader locates each
quote exactly as it does the real report's. Quotes go to the folder's `quotes.jsonl`, the
loader's bulk path. One word, "access", is in 10% of the quotes, so that a search can match a
tenth of the corpus. The same seed writes byte-identical files.

Behind `insights bench generate`. It lives in the app, not in bench/, because the Docker image
holds only app/, migrations/ and seeds/, and every command must work there.
"""

import json
import random
import shutil
from pathlib import Path

import yaml

from app.config import PROJECT_ROOT
from app.seeding.records import REPORTS_DIR

QUOTES_PER_REPORT = 1000  # when the number of reports is not given
INTERVIEWS_PER_REPORT = 20
THEMES_PER_LAYER = 10
WORDS = (
    "therapy gene cell patient payer medicaid policy cost value outcome evidence trial "
    "regulator approval pathway manufacturing hospital capacity state federal innovation risk "
    "durable curative financing coverage benefit equity data registry model market"
).split()
DENSE_WORD = "access"  # in one quote out of ten
SHARED = ("layers.yaml", "stakeholder_types.yaml", "organisation_types.yaml", "tags.yaml")
NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
FIRST_LAYER_SECTION = 4  # the layers' own sections are V, VI, ...: NUMERALS[4:]


def generate(quotes: int, out: Path, seed: int = 20260203, reports: int | None = None) -> None:
    """Write a seed tree of `quotes` quotes to `out` (replaced if it exists).

    The quotes fill reports of QUOTES_PER_REPORT in turn, or are shared out evenly among
    `reports` reports when it is given (each gets at least one quote). Long because it writes
    every file of the tree in turn, each a few lines.
    """
    if quotes < 1 or (reports is not None and not 1 <= reports <= quotes):
        raise ValueError(f"cannot write {quotes} quotes in {reports} reports")
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in SHARED:
        shutil.copy(PROJECT_ROOT / "seeds" / name, out / name)
    layers = [layer["id"] for layer in _read(out / "layers.yaml")["layers"]]
    leaf_types = _leaf_types(_read(out / "stakeholder_types.yaml"))
    organisations = [o["id"] for o in _read(out / "organisation_types.yaml")["organisation_types"]]
    tags = [t["id"] for t in _read(out / "tags.yaml")["tags"]]
    made = 0
    for r, size in enumerate(_sizes(quotes, reports), start=1):
        report_id = f"synthetic-r{r:04d}"
        folder = out / REPORTS_DIR / report_id
        folder.mkdir(parents=True)
        _dump(folder / "report.yaml", {"notes": "Synthetic.", "report": _report(report_id, r)})
        _dump(folder / "layers.yaml", {"notes": "Synthetic.", "layers": _layer_texts(layers, r)})
        themes = [theme["id"] for theme in _themes(folder, report_id, layers)]
        speakers = _interviews(folder, report_id, r, rng, organisations, leaf_types)
        texts, lines = [], []
        for position in range(1, size + 1):
            made += 1
            words = rng.choices(WORDS, k=rng.randint(12, 40))
            if made % 10 == 0:
                words.insert(rng.randrange(len(words)), DENSE_WORD)
            text = f"Quote {made}: " + " ".join(words) + "."
            texts.append(f'"{text}"')
            record = {
                "id": f"syn-q{made:07d}",
                # Optional in a folder; given, the loader need not copy each record to add it.
                "report": report_id,
                "position": position,
                "theme": rng.choice(themes),
                "interview": rng.choice(speakers),
                "text": text,
                "tags": rng.sample(tags, rng.randint(0, 3)),
            }
            lines.append(json.dumps(record) + "\n")
        (folder / "quotes.jsonl").write_text("".join(lines), "utf-8")
        (folder / "text.txt").write_text("\n\n".join(texts), "utf-8")


def _sizes(quotes: int, reports: int | None) -> list[int]:
    """How many quotes each report holds, in report order."""
    if reports is None:
        full, rest = divmod(quotes, QUOTES_PER_REPORT)
        return [QUOTES_PER_REPORT] * full + ([rest] if rest else [])
    share, rest = divmod(quotes, reports)
    return [share + (1 if r < rest else 0) for r in range(reports)]


def _leaf_types(document: dict[str, list[dict[str, str]]]) -> list[str]:
    types = document["stakeholder_types"]
    parents = {t["parent"] for t in types if t.get("parent")}
    return [t["id"] for t in types if t["id"] not in parents]


def _report(report_id: str, number: int) -> dict[str, object]:
    return {
        "id": report_id,
        "kind": "insights-report",
        "title": f"Synthetic insights report {number}",
        "publisher": "Synthetic publisher",
        "published_on": f"2026-{1 + number % 12:02d}-01",
        "summary": "A synthetic report for scale measurements.",
        "credit": "Synthetic data.",
        "full_text": "text.txt",
        "sections": [
            {"numeral": n, "title": f"Section {n}", "page_start": i + 1, "page_end": i + 1}
            for i, n in enumerate(NUMERALS)
        ],
    }


def _layer_texts(layers: list[str], number: int) -> list[dict[str, object]]:
    """The report's own texts for each layer, each layer in its own section (V, VI, ...)."""
    return [
        {
            "layer": layer,
            "heading": f"Synthetic heading {i} of report {number}",
            "section": NUMERALS[FIRST_LAYER_SECTION + i - 1],
            "description": f"The layer {layer} as synthetic report {number} describes it.",
            "introduction": f"Synthetic report {number} introduces the layer {layer}.",
        }
        for i, layer in enumerate(layers, start=1)
    ]


def _themes(folder: Path, report_id: str, layers: list[str]) -> list[dict[str, object]]:
    """Write the report's themes, THEMES_PER_LAYER in each layer; ids unique across reports."""
    themes: list[dict[str, object]] = [
        {
            "id": f"syn-{report_id.removeprefix('synthetic-')}-t{position:02d}",
            "layer": layer,
            "position": position,
            "title": f"Synthetic theme {position}",
            "summary": f"A synthetic theme of the layer {layer}.",
        }
        for position, layer in enumerate(
            (layer for layer in layers for _ in range(THEMES_PER_LAYER)), start=1
        )
    ]
    _dump(folder / "themes.yaml", {"notes": "Synthetic.", "themes": themes})
    return themes


def _interviews(
    folder: Path,
    report_id: str,
    number: int,
    rng: random.Random,
    organisations: list[str],
    leaf_types: list[str],
) -> list[str]:
    """Write the report's interviews; their ids."""
    speakers = [f"{report_id}-i{i:02d}" for i in range(1, INTERVIEWS_PER_REPORT + 1)]
    interviews = [
        {
            "id": speaker,
            "attribution": f"Speaker {i}, Organisation {number}",
            "role_title": f"Speaker {i}",
            "organisation_type": rng.choice(organisations),
            "stakeholder_type": rng.choice(leaf_types),
        }
        for i, speaker in enumerate(speakers, start=1)
    ]
    _dump(folder / "interviews.yaml", {"notes": "Synthetic.", "interviews": interviews})
    return speakers


def _read(path: Path) -> dict[str, list[dict[str, str]]]:
    document: dict[str, list[dict[str, str]]] = yaml.load(path.read_text("utf-8"), yaml.CSafeLoader)
    return document


def _dump(path: Path, document: object) -> None:
    text = yaml.dump(document, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
    path.write_text(text, "utf-8")
