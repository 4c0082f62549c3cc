"""The stored count of untagged quotes, for the tag dimension's "Untagged" value.

Facets and cross-tabs on `tag` now count a quote with no tag under a value of its own (`null`,
"Untagged"), as organisation type counts a quote whose attribution names none. The loader counts
it into `quote_count` with the other tags (value_id ''); this revision adds that row to a
database loaded before, so its unfiltered tag facet has it without a reload (a reload that
changes nothing writes nothing).

Reviewed by hand: one row, in an existing table.

Revision ID: a9c1e3f5b7d2
Revises: f2b4d6e8a1c3
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a9c1e3f5b7d2"
down_revision: str | None = "f2b4d6e8a1c3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Unless a loader that already counts them wrote the row.
    op.execute(
        "INSERT INTO quote_count (dimension, value_id, quotes) "
        "SELECT 'tag', '', untagged.n FROM (SELECT count(*) AS n FROM quote WHERE NOT EXISTS "
        "(SELECT 1 FROM quote_tag WHERE quote_tag.quote_id = quote.id)) AS untagged "
        "WHERE untagged.n > 0 AND NOT EXISTS "
        "(SELECT 1 FROM quote_count WHERE dimension = 'tag' AND value_id = '')"
    )


def downgrade() -> None:
    op.execute("DELETE FROM quote_count WHERE dimension = 'tag' AND value_id = ''")
