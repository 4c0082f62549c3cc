"""The seed files: where they are, and copies of them for a test to change."""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from app.config import PROJECT_ROOT

SEEDS_DIR = PROJECT_ROOT / "seeds"
Doc = dict[str, Any]


def copy_seeds(destination: Path) -> Path:
    """A copy of the seed folder at `destination`, to break or change."""
    return Path(shutil.copytree(SEEDS_DIR, destination))


@contextmanager
def editing(folder: Path, filename: str) -> Iterator[Doc]:
    """One YAML seed file of `folder`, loaded to change in place; written back after the block."""
    path = folder / filename
    document: Doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    yield document
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
