"""Facet counts under a search, counted in the process from one array per dimension.

Counting a common word's matches by stakeholder type in SQL looks each match up in `quote`:
at a million quotes a tenth of them match, and each facet cost some 140 ms on SQLite, over the
request's budget with a few facets. The matches themselves come off the full-text index in a
few milliseconds. So each load stores, per dimension that is a column of `quote` with few
values (layer, stakeholder type, organisation type, report), an array from a quote's `seq` to
a small code of its value: 4 bytes a quote, one row of `quote_code` (written with the counts,
`app.seeding.counts`), which the process reads once per data version. A facet under a search
is then the matches' seqs, from the index, counted through the array.

It serves the searches that only a search and filters on those dimensions narrow (including
or leaving out); any other filter (a theme, an interview, a tag, a length) is counted in SQL
(`app.queries.dimensions.count_by`).
"""

import json
import sys
from array import array
from collections import Counter
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import FTS_PREFIX_TABLE, FTS_TABLE
from app.queries.fulltext import fts5_expression, split_terms
from app.queries.quotes import CompiledFilters
from app.queries.snapshot import snapshot
from app.queries.tables import quote_code

# The dimensions counted through arrays: a column of `quote` each, with a few dozen values (or
# one per report), so a code fits an array of unsigned ints.
CODED_DIMENSIONS = ("layer", "stakeholder_type", "organisation_type", "report")
# Where a session keeps the matches of the searches it counted.
SESSION_KEY = "coded_counts.matches"


@dataclass(frozen=True)
class Codes:
    """One dimension's value of every quote: `values[codes[seq]]`."""

    codes: "array[int]"  # a string: array is generic only to type checkers before 3.12
    values: list[Any]


def counts_apply(session: Session, filters: CompiledFilters, dimension: str) -> bool:
    """Whether `dimension` under `filters` is counted here: SQLite, a search that collects
    its matches, and no filter outside the coded dimensions (whose arrays are stored)."""
    return (
        session.get_bind().dialect.name == "sqlite"
        and bool(filters.terms)
        and not filters.text_per_quote
        and filters.tagged is None
        and not filters.narrowed
        and all(
            name in CODED_DIMENSIONS and _codes(session, name) is not None
            for name in (dimension, *filters.ordered_values, *filters.excluded)
        )
    )


def coded_counts(
    session: Session, filters: CompiledFilters, dimension: str
) -> dict[tuple[Any, ...], int]:
    """The matching quotes per value of `dimension`, keyed as `count_by` keys them."""
    counted = _stored(session, dimension)
    seqs = _matching_seqs(session, filters, last=len(counted.codes) - 1)
    tally = Counter(map(counted.codes.__getitem__, seqs))
    return {(counted.values[code],): n for code, n in tally.items()}


def _matching_seqs(session: Session, filters: CompiledFilters, last: int) -> list[int]:
    """The seqs of the quotes meeting the search and the coded filters. Read and narrowed once
    per session and filters: a request's facets share them, and none changes them."""
    key = (
        SESSION_KEY,
        tuple(filters.terms),
        tuple((name, tuple(ids)) for name, ids in filters.ordered_values.items()),
        tuple((name, tuple(ids)) for name, ids in filters.excluded.items()),
    )
    kept: list[int] | None = session.info.get(key)
    if kept is None:
        kept = session.info[key] = _narrowed(
            session, filters, _read_matching_seqs(session, filters, last)
        )
    return kept


def _narrowed(session: Session, filters: CompiledFilters, seqs: list[int]) -> list[int]:
    """`seqs` less those the coded filters leave out (a value named, or not named)."""
    for name, wanted, keeps in (
        *((name, ids, True) for name, ids in filters.ordered_values.items()),
        *((name, ids, False) for name, ids in filters.excluded.items()),
    ):
        kept, named = _stored(session, name), set(wanted)
        allowed = {code for code, value in enumerate(kept.values) if (value in named) is keeps}
        seqs = [seq for seq in seqs if kept.codes[seq] in allowed]
    return seqs


def _read_matching_seqs(session: Session, filters: CompiledFilters, last: int) -> list[int]:
    # On the DB-API cursor: SQLAlchemy's result rows cost more than the index read itself at a
    # hundred thousand matches (0.5 µs a row). The MATCH text is bound, as everywhere.
    words, prefixes = split_terms(filters.terms)
    found: list[list[int]] = []
    with closing(session.connection().connection.cursor()) as cursor:
        for table, terms in ((FTS_TABLE, words), (FTS_PREFIX_TABLE, prefixes)):
            if terms:
                sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid <= ?"
                rows = cursor.execute(sql, (fts5_expression(terms), last))
                found.append(list(map(itemgetter(0), rows)))
    return list(set(found[0]).intersection(*found[1:])) if len(found) > 1 else found[0]


def _stored(session: Session, dimension: str) -> Codes:
    codes = _codes(session, dimension)
    assert codes is not None, "counts_apply() checks that every array is stored"
    return codes


def _codes(session: Session, dimension: str) -> Codes | None:
    """The version's array of `dimension` (read once per version), None if none is stored."""
    return snapshot(session).memo(("codes", dimension), lambda: _read_codes(session, dimension))


def _read_codes(session: Session, dimension: str) -> Codes | None:
    stored = session.execute(
        select(quote_code.c.value_ids, quote_code.c.codes).where(
            quote_code.c.dimension == dimension
        )
    ).first()
    return decode_codes(stored.value_ids, stored.codes) if stored else None


def ordered_values(values: Iterable[Any]) -> list[Any]:
    """A dimension's distinct values in code order: sorted, no value first, so that the same
    quotes always give the same bytes."""
    return sorted(set(values), key=lambda value: (value is not None, value))


def new_codes(last_seq: int) -> "array[int]":
    """An array of codes for seqs 0 to `last_seq` (0 is no quote's)."""
    return array("I", [0]) * (last_seq + 1)


def pack_codes(codes: "array[int]") -> bytes:
    """`quote_code.codes`: the codes as unsigned 32-bit little-endian integers."""
    if sys.byteorder == "big":
        codes = array("I", codes)
        codes.byteswap()
    return codes.tobytes()


def decode_codes(value_ids: str, stored: bytes) -> Codes:
    codes = array("I")
    codes.frombytes(stored)
    if sys.byteorder == "big":
        codes.byteswap()
    return Codes(codes, json.loads(value_ids))
