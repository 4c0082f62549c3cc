"""The repairs the seeds document, applied to a report's text as published.

Three, and nothing else, so that every other character stays the source's: an escaped dollar
(`\\$`) loses its backslash, a link stub (`[words](#)`) keeps its words, and mojibake (UTF-8 read
through Windows-1252 or the Thai code page, `â€™` or `โ€™` for `’`) is decoded back where the
bytes prove it. A sequence that looks like mojibake but is not whole UTF-8 of punctuation or a
Latin letter (`โ€` with its third byte lost) is left as printed and reported as a doubt, for a
curator to judge.
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


# The code pages UTF-8 is seen misread through: Windows-1252 (`â€™`) and Thai Windows-874
# (`โ€™`), as the press release's seeds document. The bytes a code page leaves undefined come
# through as the C1 controls of the same number, as Latin-1 reads them.
_CODE_PAGES = ("cp1252", "cp874")


def _misread_bytes() -> dict[str, int]:
    found: dict[str, int] = {}
    for byte in range(0x80, 0x100):
        for code_page in _CODE_PAGES:
            try:
                found.setdefault(bytes([byte]).decode(code_page), byte)
            except UnicodeDecodeError:
                if byte <= 0x9F:
                    found.setdefault(chr(byte), byte)
    return found


_BYTE_OF = _misread_bytes()


def _class_of(low: int, high: int) -> str:
    chars = sorted(c for c, byte in _BYTE_OF.items() if low <= byte <= high)
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
    raw = [_BYTE_OF.get(c) for c in sequence]
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
