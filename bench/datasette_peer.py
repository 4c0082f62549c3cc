"""Datasette over the same quotes, as a peer: one denormalised table with an FTS5 index."""

import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from app.queries.quotes import quote_select

COLUMNS = [
    "id",
    "position",
    "text",
    "attribution",
    "stakeholder_type",
    "organisation_type",
    "interview",
    "theme",
    "layer",
    "report",
]


def build_database(engine: Engine, path: Path) -> None:
    """Copy the seeded quotes into `path`, as Datasette users would publish them."""
    with engine.connect() as connection:
        rows = connection.execute(quote_select()).all()
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE quotes (id TEXT PRIMARY KEY, position INTEGER, text TEXT, "
        "attribution TEXT, stakeholder_type TEXT, organisation_type TEXT, interview TEXT, "
        "theme TEXT, layer TEXT, report TEXT)"
    )
    db.executemany(
        f"INSERT INTO quotes VALUES ({', '.join('?' * len(COLUMNS))})",
        [
            (
                r.id,
                r.position,
                r.text,
                r.attribution,
                r.stakeholder_type_id,
                r.organisation_type_id,
                r.interview_id,
                r.theme_id,
                r.layer_id,
                r.report_id,
            )
            for r in rows
        ],
    )
    for column in ("stakeholder_type", "layer", "theme", "position"):
        db.execute(f"CREATE INDEX ix_quotes_{column} ON quotes ({column})")
    db.execute(
        "CREATE VIRTUAL TABLE quotes_fts USING fts5(text, content='quotes', content_rowid='rowid')"
    )
    db.execute("INSERT INTO quotes_fts (rowid, text) SELECT rowid, text FROM quotes")
    db.commit()
    db.close()
