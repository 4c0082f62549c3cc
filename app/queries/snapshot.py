"""What a load leaves unchanged until the next, kept per process: the small vocabularies, the
stakeholder-type tree, and the quotes already built, for the data version a request reads.

A cold page of quotes used to spend more on knowing its filters' ids (a query per dimension,
a recursive query for the sub-types of a stakeholder type) and on building its 20 quotes (two
queries and some hundred pydantic models) than on finding them. None of that changes between
two loads, and every load changes the data version (a content hash: `app.seeding`), so a
request reads the version, one indexed row, and takes the rest from the snapshot of that
version. A new version replaces the snapshot; nothing else ever invalidates it.

Only vocabularies whose size does not grow with the corpus are kept whole: layers, stakeholder
and organisation types, tags, reports. Themes and interviews, a few per report, are checked by
query. The quotes are an LRU bounded by QUOTE_CACHE_QUOTES.

A reseed that commits between a request's version read and its next query can give that one
request a quote built from the version it read, beside ids of the new one: the same window as a
request that began a moment before the reseed.
"""

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from app import schemas
from app.config import get_settings
from app.queries.tables import DIMENSION_TABLES, dataset_state, stakeholder_type

# The dimensions whose every id the snapshot holds (a few dozen values, or one per report).
KEPT_DIMENSIONS = ("layer", "stakeholder_type", "organisation_type", "tag", "report")
T = TypeVar("T")
# Where a request's session keeps the snapshot it read, so that it reads the version once.
SESSION_KEY = "snapshot"


@dataclass
class Snapshot:
    """One data version's vocabularies and built quotes."""

    version: str | None
    ids: dict[str, frozenset[str]]
    # Each stakeholder type with all of its sub-types, at any depth (sorted).
    subtypes: dict[str, list[str]]
    max_quotes: int
    quotes: OrderedDict[str, schemas.Quote] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Answers derived from the kept vocabularies alone (their values in order, their counts
    # over all quotes): a fixed set of keys, so it stays as small as they are.
    derived: dict[Hashable, Any] = field(default_factory=dict)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, computed once for this version (`key` names what it is)."""
        if key not in self.derived:
            self.derived[key] = compute()
        value: T = self.derived[key]
        return value

    def quotes_by_id(
        self, ids: Iterable[str], build: Callable[[list[str]], list[schemas.Quote]]
    ) -> dict[str, schemas.Quote]:
        """The quotes of `ids` that exist, the ones not kept yet built by `build` (and kept)."""
        found: dict[str, schemas.Quote] = {}
        missing: list[str] = []
        with self.lock:
            for quote_id in ids:
                kept = self.quotes.get(quote_id)
                if kept is None:
                    missing.append(quote_id)
                else:
                    self.quotes.move_to_end(quote_id)
                    found[quote_id] = kept
        if not missing:
            return found
        built = {quote.id: quote for quote in build(missing)}
        found.update(built)
        if self.max_quotes:
            with self.lock:
                self.quotes.update(built)
                while len(self.quotes) > self.max_quotes:
                    self.quotes.popitem(last=False)
        return found


def read_data_version(connection: Connection | Session) -> str | None:
    """The content hash of what the seeds last loaded; None before the first load.

    The one read of the stored version (the loader computes it: `app.seeding`), on a session or
    on a bare connection, as the response cache's probe has.
    """
    version = connection.execute(select(dataset_state.c.data_version)).scalar()
    return str(version) if version else None


# The current snapshot of each engine (a test process has many, one per database).
_current: weakref.WeakKeyDictionary[Engine, Snapshot] = weakref.WeakKeyDictionary()


def snapshot(session: Session) -> Snapshot:
    """The snapshot of the data version this session reads (read once per session)."""
    kept = session.info.get(SESSION_KEY)
    if isinstance(kept, Snapshot):
        return kept
    current_version = read_data_version(session)
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    current = _current.get(engine)
    if current is None or current.version != current_version:
        current = _current[engine] = _read_snapshot(session, current_version)
    session.info[SESSION_KEY] = current
    return current


def _read_snapshot(session: Session, version: str | None) -> Snapshot:
    ids = {
        name: frozenset(session.execute(select(DIMENSION_TABLES[name].c.id)).scalars())
        for name in KEPT_DIMENSIONS
    }
    parents = session.execute(select(stakeholder_type.c.id, stakeholder_type.c.parent_id)).all()
    children: dict[str, list[str]] = {type_id: [] for type_id, _ in parents}
    for type_id, parent_id in parents:
        if parent_id is not None:
            children[parent_id].append(type_id)

    def below(type_id: str) -> list[str]:
        return [type_id, *(sub for child in children[type_id] for sub in below(child))]

    subtypes = {type_id: sorted(below(type_id)) for type_id in children}
    return Snapshot(version, ids, subtypes, get_settings().quote_cache_quotes)
