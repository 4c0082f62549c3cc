"""A synthetic corpus in the seed format: many reports, interviews and quotes, for scale tests.

The taxonomy files (layers, stakeholder and organisation types, tags) are the real ones; themes,
reports, interviews and quotes are generated. Every report's full text is its quotes in order,
so the loader locates each quote exactly as it does the real report's. Quotes go to
`quotes.jsonl`, the loader's bulk path. One word, "access", is in 10% of the quotes, so that a
search can match a tenth of the corpus.

Behind `insights bench generate`. It lives in the app, not in bench/, because the Docker image
holds only app/, migrations/ and seeds/, and every command must work there.
"""

import json
import random
import shutil
from pathlib import Path

import yaml

from app.config import PROJECT_ROOT

QUOTES_PER_REPORT = 1000
INTERVIEWS_PER_REPORT = 20
THEMES_PER_LAYER = 10
WORDS = (
    "therapy gene cell patient payer medicaid policy cost value outcome evidence trial "
    "regulator approval pathway manufacturing hospital capacity state federal innovation risk "
    "durable curative financing coverage benefit equity data registry model market"
).split()
DENSE_WORD = "access"  # in one quote out of ten
REAL = ("layers.yaml", "stakeholder_types.yaml", "organisation_types.yaml", "tags.yaml")


def generate(quotes: int, out: Path, seed: int = 20260203) -> None:
    """Write a seed folder of `quotes` quotes to `out` (replaced if it exists).

    Long because it writes every seed file of the folder in turn, each a few lines.
    """
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "texts").mkdir(parents=True)
    for name in REAL:
        shutil.copy(PROJECT_ROOT / "seeds" / name, out / name)
    layers = yaml.safe_load((out / "layers.yaml").read_text())
    layers["report"] = "synthetic-r0001"
    _dump(out / "layers.yaml", layers)
    leaf_types = _leaf_types(yaml.safe_load((out / "stakeholder_types.yaml").read_text()))
    organisations = [
        o["id"]
        for o in yaml.safe_load((out / "organisation_types.yaml").read_text())["organisation_types"]
    ]
    tags = [t["id"] for t in yaml.safe_load((out / "tags.yaml").read_text())["tags"]]
    themes = _themes([layer["id"] for layer in layers["layers"]])
    _dump(out / "themes.yaml", {"notes": "Synthetic.", "themes": themes})

    report_count = max(1, -(-quotes // QUOTES_PER_REPORT))
    reports, interviews = [], []
    with (out / "quotes.jsonl").open("w", encoding="utf-8") as bulk:
        made = 0
        for r in range(1, report_count + 1):
            report_id = f"synthetic-r{r:04d}"
            speakers = [f"{report_id}-i{i:02d}" for i in range(1, INTERVIEWS_PER_REPORT + 1)]
            interviews += [
                {
                    "id": speaker,
                    "report": report_id,
                    "attribution": f"Speaker {i}, Organisation {r}",
                    "role_title": f"Speaker {i}",
                    "organisation_type": rng.choice(organisations),
                    "stakeholder_type": rng.choice(leaf_types),
                }
                for i, speaker in enumerate(speakers, start=1)
            ]
            texts = []
            for position in range(1, min(QUOTES_PER_REPORT, quotes - made) + 1):
                made += 1
                words = rng.choices(WORDS, k=rng.randint(12, 40))
                if made % 10 == 0:
                    words.insert(rng.randrange(len(words)), DENSE_WORD)
                text = f"Quote {made}: " + " ".join(words) + "."
                texts.append(f'"{text}"')
                record = {
                    "id": f"syn-q{made:07d}",
                    "report": report_id,
                    "position": position,
                    "theme": rng.choice(themes)["id"],
                    "interview": rng.choice(speakers),
                    "text": text,
                    "tags": rng.sample(tags, rng.randint(0, 3)),
                }
                bulk.write(json.dumps(record) + "\n")
            (out / "texts" / f"{report_id}.txt").write_text("\n\n".join(texts), "utf-8")
            reports.append(_report(report_id, r))
    _dump(out / "reports.yaml", {"notes": "Synthetic.", "reports": reports})
    _dump(out / "interviews.yaml", {"notes": "Synthetic.", "interviews": interviews})


def _leaf_types(document: dict[str, list[dict[str, str]]]) -> list[str]:
    types = document["stakeholder_types"]
    parents = {t["parent"] for t in types if t.get("parent")}
    return [t["id"] for t in types if t["id"] not in parents]


def _themes(layer_ids: list[str]) -> list[dict[str, object]]:
    return [
        {
            "id": f"syn-theme-{index:03d}",
            "layer": layer,
            "position": index,
            "title": f"Synthetic theme {index}",
            "summary": f"A synthetic theme of the layer {layer}.",
        }
        for index, layer in enumerate(
            (layer for layer in layer_ids for _ in range(THEMES_PER_LAYER)), start=1
        )
    ]


def _report(report_id: str, number: int) -> dict[str, object]:
    numerals = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]
    return {
        "id": report_id,
        "kind": "insights-report",
        "title": f"Synthetic insights report {number}",
        "publisher": "Synthetic publisher",
        "published_on": f"2026-{1 + number % 12:02d}-01",
        "summary": "A synthetic report for scale measurements.",
        "credit": "Synthetic data.",
        "full_text": f"texts/{report_id}.txt",
        "sections": [
            {"numeral": n, "title": f"Section {n}", "page_start": i + 1, "page_end": i + 1}
            for i, n in enumerate(numerals)
        ],
    }


def _dump(path: Path, document: object) -> None:
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
