"""Stored search vectors for themes on PostgreSQL, as quotes have.

A ranked search vectorised every theme's title and summary on the fly: a few dozen themes when
this was one report, 40,000 at a thousand reports, where it cost some 300 ms for any word, even
one that a single quote has. Each theme now stores `search_vector` (english) and
`search_vector_prefix` (simple) of its title and summary, as generated columns with a GIN index
each, and the search reads them (`app.queries.search`). SQLite's FTS5 table already holds the
themes: nothing changes there.

Reviewed by hand. `migrations/env.py` keeps these hand-made search objects out of
`alembic check`, since the models do not declare them.

Revision ID: f2b4d6e8a1c3
Revises: e7a1c3d5f902
Create Date: 2026-12-03 09:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "f2b4d6e8a1c3"
down_revision: str | None = "e7a1c3d5f902"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (column, index, text search configuration): the document is the one the search always used.
VECTORS = (
    ("search_vector", "ix_theme_text_search", "english"),
    ("search_vector_prefix", "ix_theme_text_search_prefix", "simple"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column, index, config in VECTORS:
        op.execute(
            f"ALTER TABLE theme ADD COLUMN {column} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('{config}', title || ' ' || summary)) STORED"
        )
        op.execute(f"CREATE INDEX {index} ON theme USING gin ({column})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column, index, _ in VECTORS:
        op.execute(f"DROP INDEX {index}")
        op.execute(f"ALTER TABLE theme DROP COLUMN {column}")
