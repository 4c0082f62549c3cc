"""The change history as an Atom 1.0 feed: one entry per change set (load), newest first.

Built with the quote feeds' own `Feed` and Atom writer (`app.render.feeds`), so both read the
same. An entry lists the first changes of its set and links to the whole list; its id is that
list's URL, and its date the load time, so a reader sees a new entry exactly when a load
changes something.
"""

from datetime import UTC, datetime

from app import schemas, urls
from app.render.feeds import Feed, FeedItem, xml_feed

MAX_SETS = 50
MAX_CHANGES = 100  # listed per entry; the entry links to the rest
FEED_PATH = "/feeds/changes.atom"
PUBLISHER = "Insights API"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def change_feed(sets: list[tuple[schemas.ChangeSet, schemas.Page[schemas.Change]]]) -> bytes:
    """The Atom document of the newest change sets, each with the first page of its changes."""
    self_url = urls.feed(FEED_PATH)
    feed = Feed(
        id=self_url,
        title=f"{PUBLISHER}: what changed",
        subtitle="What each load of the data added, removed and changed, newest first "
        f"(at most {MAX_SETS} loads).",
        self_url=self_url,
        home_url=urls.home(),
        updated=max((item.loaded_at for item, _ in sets), default=_EPOCH),
        publisher=PUBLISHER,
        rights=PUBLISHER,
        items=[_entry(item, changes) for item, changes in sets],
    )
    return xml_feed(feed, rss=False)


def _entry(item: schemas.ChangeSet, changes: schemas.Page[schemas.Change]) -> FeedItem:
    lines = [_line(change) for change in changes.items]
    if changes.next_cursor is not None:
        lines.append(f"... and more: {item.changes_url}")
    return FeedItem(
        id=item.changes_url,
        url=item.changes_url,
        title=f"Data version {item.data_version[:12]}: {summary(item.counts)}",
        author=PUBLISHER,
        categories=tuple(counts.type for counts in item.counts),
        text="\n".join(lines),
        published=item.loaded_at,
    )


def summary(counts: list[schemas.TypeCounts]) -> str:
    """`1 quote changed, 2 tags added`: each type's counts, in the set's order."""
    parts = [
        f"{n} {tally.type.replace('_', ' ')}{'' if n == 1 else 's'} {action}"
        for tally in counts
        for action, n in (
            ("added", tally.added),
            ("removed", tally.removed),
            ("changed", tally.changed),
        )
        if n
    ]
    return ", ".join(parts) or "nothing"


def _line(change: schemas.Change) -> str:
    fields = f": {', '.join(change.fields)}" if change.fields else ""
    where = f" {change.url}" if change.url else ""
    return f"{change.type} {change.id} {change.action}{fields}{where}"
