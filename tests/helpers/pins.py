"""The files under tests/pinned/: where they live, how they are written, when they are rewritten.

One writer, so a regenerated pin differs from the committed one only where the answer changed:
sorted keys, one-space indent, text as UTF-8 (the report's typography stays readable in a diff).
"""

import json
import os
from pathlib import Path
from typing import Any

PINNED_DIR = Path(__file__).parent.parent / "pinned"
# PIN_UPDATE=1 rewrites the pins from this run instead of only comparing against them.
UPDATING = os.environ.get("PIN_UPDATE") == "1"
# The pins hold absolute links (feeds, oEmbed, Link headers) as the default settings build them.
PINNED_BASE_URL = "http://127.0.0.1:8000"
# The pin of every id today's API names (tests/test_stable_ids.py).
IDS_PIN = "ids"


def pin_path(name: str) -> Path:
    return PINNED_DIR / f"{name}.json"


def read_pin(name: str) -> Any:
    return json.loads(pin_path(name).read_text(encoding="utf-8"))


def write_pin(name: str, value: Any) -> None:
    text = json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    PINNED_DIR.mkdir(exist_ok=True)
    pin_path(name).write_text(text, encoding="utf-8")
