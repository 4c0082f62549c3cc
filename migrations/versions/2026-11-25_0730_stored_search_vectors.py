"""Stored search vectors for quotes on PostgreSQL.

The GIN indexes were on `to_tsvector(config, text)`: they find the matches, but ranking them
(`ts_rank`) recomputed the vector of every match from its text, which made a ranked search for
a common word cost seconds at a million quotes. Each vector is now a stored generated column,
`search_vector` (english: stemmed words) and `search_vector_prefix` (simple: prefixes), and
the two indexes, same names, index the columns. SQLite's FTS5 index already stores its terms:
nothing changes there.

Reviewed by hand. `migrations/env.py` keeps these hand-made search objects out of
`alembic check`, since the models do not declare them.

Revision ID: 5d1e7c3b8a20
Revises: 3a8f6b2d9c14
Create Date: 2026-11-25 07:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5d1e7c3b8a20"
down_revision: str | None = "3a8f6b2d9c14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (column, index, text search configuration)
VECTORS = (
    ("search_vector", "ix_quote_text_search", "english"),
    ("search_vector_prefix", "ix_quote_text_search_prefix", "simple"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column, index, config in VECTORS:
        op.execute(
            f"ALTER TABLE quote ADD COLUMN {column} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('{config}', text)) STORED"
        )
        op.execute(f"DROP INDEX {index}")
        op.execute(f"CREATE INDEX {index} ON quote USING gin ({column})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column, index, config in VECTORS:
        op.execute(f"DROP INDEX {index}")
        op.execute(f"ALTER TABLE quote DROP COLUMN {column}")
        op.execute(f"CREATE INDEX {index} ON quote USING gin (to_tsvector('{config}', text))")
