"""A REFI-QDA codebook (.qdc): the layers and their themes, and the tags, for a QDA tool to import
before any text, so that a team codes new material with the report's own scheme.

The layer and theme codes carry the GUIDs of the project export (`app.render.qdpx`), so a
codebook imported first and a project imported later name the same codes. The tags, which the
project does not code, are a second tree: a folder per kind of tag (agencies, issues, ...) over
its tags, each codable, with its description.
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Final

from app.render.qdpx import (
    NOT_XML_CHARACTER,
    ORIGIN,
    XML_DECLARATION,
    QdpxLayer,
    QdpxTheme,
    distinct_names,
    guid,
)

QDC_MEDIA_TYPE: Final = "application/xml"
QDC_NAMESPACE: Final = "urn:QDA-XML:codebook:1.0"
TAGS_NAME: Final = "Tags"
# Each kind of tag as its folder is named, in the order the folders come.
TAG_KINDS: Final = {
    "policy-instrument": "Policy instruments",
    "agency": "Agencies",
    "legislature": "Legislatures",
    "executive": "The executive",
    "condition-therapy": "Conditions and therapies",
    "issue": "Issues",
}


@dataclass(frozen=True)
class QdcTag:
    """A tag: a codable code under its kind's folder."""

    id: str
    name: str
    kind: str
    description: str


@dataclass(frozen=True)
class QdcCodebook:
    """What a codebook holds: the layers and the themes under them, and the tags."""

    layers: list[QdpxLayer]
    themes: list[QdpxTheme]
    tags: list[QdcTag]


def codebook_xml(codebook: QdcCodebook) -> bytes:
    """The .qdc document, valid against Codebook-mrt2019.xsd."""
    _check_characters(codebook)
    root = ET.Element("CodeBook", {"xmlns": QDC_NAMESPACE, "origin": ORIGIN})
    codes = ET.SubElement(root, "Codes")
    names = distinct_names((theme.id, theme.title, theme.report_id) for theme in codebook.themes)
    for layer in codebook.layers:
        folder = _code(codes, guid("layer", layer.id), layer.name, layer.description, codable=False)
        for theme in codebook.themes:
            if theme.layer_id == layer.id:
                _code(folder, guid("code", theme.id), names[theme.id], theme.summary, codable=True)
    if codebook.tags:
        tags = _code(codes, guid("tags", TAGS_NAME), TAGS_NAME, None, codable=False)
        kinds = [kind for kind in TAG_KINDS if any(tag.kind == kind for tag in codebook.tags)]
        kinds += sorted({tag.kind for tag in codebook.tags} - set(TAG_KINDS))
        for kind in kinds:
            folder = _code(tags, guid("tag-kind", kind), TAG_KINDS.get(kind, kind), None, False)
            for tag in codebook.tags:
                if tag.kind == kind:
                    _code(folder, guid("tag", tag.id), tag.name, tag.description, codable=True)
    ET.indent(root)
    return XML_DECLARATION + ET.tostring(root, encoding="unicode").encode("utf-8")


def _check_characters(codebook: QdcCodebook) -> None:
    """Refuse a name or description XML cannot hold (the seeds' validation keeps them out)."""
    values = [(layer.id, layer.name, layer.description) for layer in codebook.layers]
    values += [(theme.id, theme.title, theme.summary) for theme in codebook.themes]
    values += [(tag.id, tag.name, tag.description) for tag in codebook.tags]
    for item_id, *texts in values:
        if any(NOT_XML_CHARACTER.search(text) for text in texts):
            raise ValueError(f"{item_id}: a character XML 1.0 cannot hold")


def _code(
    parent: ET.Element, code_guid: str, name: str, description: str | None, codable: bool
) -> ET.Element:
    code = ET.SubElement(
        parent, "Code", {"guid": code_guid, "name": name, "isCodable": str(codable).lower()}
    )
    if description:
        ET.SubElement(code, "Description").text = description
    return code
