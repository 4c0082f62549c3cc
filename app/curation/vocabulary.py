"""The shared vocabularies a draft is written against: layers, stakeholder and organisation types.

They are read from the top of a seed tree (the same files the loader reads), so that a draft
names the layers and types the tree already has, and notes the ones it lacks.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Vocabulary:
    layer_ids: dict[str, str]  # a layer's name, folded as `layer_key` does, to its id
    stakeholder_types: list[str]
    organisation_ids: dict[str, str]  # an organisation type's name, case-folded, to its id


def layer_key(name: str) -> str:
    """A layer name as both headings print it: "THE FUNDAMENTALS" and "Fundamentals" agree."""
    return " ".join(name.casefold().removeprefix("the ").split())


def _entries(seeds_dir: Path, filename: str) -> list[dict[str, Any]]:
    document = yaml.safe_load((seeds_dir / filename).read_text(encoding="utf-8"))
    entries: list[dict[str, Any]] = document[filename.removesuffix(".yaml")]
    return entries


def read_vocabulary(seeds_dir: Path) -> Vocabulary:
    """The shared vocabularies at the top of the seed tree `seeds_dir`."""
    return Vocabulary(
        layer_ids={layer_key(e["name"]): e["id"] for e in _entries(seeds_dir, "layers.yaml")},
        stakeholder_types=[e["id"] for e in _entries(seeds_dir, "stakeholder_types.yaml")],
        organisation_ids={
            e["name"].casefold(): e["id"] for e in _entries(seeds_dir, "organisation_types.yaml")
        },
    )
