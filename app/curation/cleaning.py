"""The repairs the seeds document, applied to a report's text as published.

Three, and nothing else, so that every other character stays the source's: an escaped dollar
(`\\$`) loses its backslash, a link stub (`[words](#)`) keeps its words, and mojibake (UTF-8 read
as Windows-1252, e.g. `â€™` for `’`) is decoded back where the bytes prove it. A sequence that
looks like mojibake but does not decode to punctuation or a Latin letter is left as printed and
reported as a doubt, for a curator to judge.
"""

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Repair:
    """One change: `original` in the source became `cleaned[start:end]`."""

    kind: str  # "dollar", "link", "mojibake"
    start: int
    end: int
    original: str


@dataclass(frozen=True)
class Doubt:
    """A sequence left as printed that may be mojibake, at `start` in the cleaned text."""

    start: int
    sequence: str


@dataclass(frozen=True)
class Cleaned:
    text: str
    repairs: list[Repair]
    doubts: list[Doubt]


def _byte_of(char: str) -> int | None:
    """The byte a Windows-1252 decoder read as `char`; the five bytes cp1252 leaves undefined
    come through as the C1 controls of the same number, as Latin-1 reads them."""
    try:
        return char.encode("cp1252")[0]
    except UnicodeEncodeError:
        return ord(char) if 0x80 <= ord(char) <= 0x9F else None


def _class_of(low: int, high: int) -> str:
    chars = []
    for byte in range(low, high + 1):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "[" + "".join(re.escape(c) for c in chars) + "]"


_CONT = _class_of(0x80, 0xBF)
# A UTF-8 lead byte and as many continuation bytes as it announces; fewer is a doubt.
_MOJIBAKE = (
    f"{_class_of(0xC2, 0xDF)}{_CONT}|{_class_of(0xE0, 0xEF)}{_CONT}{{1,2}}"
    f"|{_class_of(0xF0, 0xF4)}{_CONT}{{1,3}}"
)
_REPAIRS = re.compile(rf"(?P<dollar>\\\$)|\[(?P<link>[^\]\n]+)\]\(#\)|(?P<mojibake>{_MOJIBAKE})")
# What mojibake in an English report decodes to: punctuation, symbols, spaces, and letters of
# the Latin blocks (up to U+024F); anything else is more likely text that only looks misread.
_PLAUSIBLE = ("P", "S", "Z")
_LATIN_END = 0x250


def _plausible(char: str) -> bool:
    category = unicodedata.category(char)[0]
    return ord(char) >= 0xA0 and (
        category in _PLAUSIBLE or (category == "L" and ord(char) < _LATIN_END)
    )


def _decoded(sequence: str) -> str | None:
    """The text `sequence` was before it was misread, if its bytes are whole, valid UTF-8 of
    plausible characters; None otherwise."""
    raw = [_byte_of(c) for c in sequence]
    if any(b is None for b in raw):
        return None
    try:
        text = bytes(b for b in raw if b is not None).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if all(_plausible(c) for c in text):
        return text
    return None


def clean(source: str) -> Cleaned:
    """The source with the documented repairs, where each repair landed, and the doubts."""
    parts: list[str] = []
    repairs: list[Repair] = []
    doubts: list[Doubt] = []
    length = last = 0
    for match in _REPAIRS.finditer(source):
        before = source[last : match.start()]
        parts.append(before)
        length += len(before)
        original = match.group()
        if match.group("dollar"):
            kind, replacement = "dollar", "$"
        elif match.group("link") is not None:
            kind, replacement = "link", match.group("link")
        else:
            decoded = _decoded(original)
            if decoded is None:
                doubts.append(Doubt(length, original))
            kind, replacement = "mojibake", decoded or original
        if replacement != original:
            repairs.append(Repair(kind, length, length + len(replacement), original))
        parts.append(replacement)
        length += len(replacement)
        last = match.end()
    parts.append(source[last:])
    return Cleaned("".join(parts), repairs, doubts)


_WHAT = {
    "dollar": "source escapes the dollar signs (\\$); stored unescaped",
    "link": "source prints a link stub ([words](#)); stored as its words",
    "mojibake": "source has mojibake ({originals}); decoded to the characters meant",
}


def describe(repairs: list[Repair]) -> str | None:
    """A quote's `cleaning` note, in the seeds' wording, for the repairs inside it."""
    kinds = list(dict.fromkeys(repair.kind for repair in repairs))
    notes = []
    for kind in kinds:
        originals = ", ".join(
            dict.fromkeys(repr(r.original) for r in repairs if r.kind == "mojibake")
        )
        notes.append(_WHAT[kind].format(originals=originals))
    return "; ".join(notes) or None
