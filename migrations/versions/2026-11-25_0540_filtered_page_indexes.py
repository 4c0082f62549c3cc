"""Composite indexes for filtered pages in report order.

A page of quotes filtered by theme, interview (and so stakeholder type) or report, in report
order, reads its rows off (filter column, position, id) in order and stops after the page.
Reviewed by hand: plain CREATE INDEX on both dialects; the downgrade drops exactly these.

Revision ID: 7c2d9e41a0b3
Revises: 1f5bee32617c
Create Date: 2026-11-25 05:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7c2d9e41a0b3"
down_revision: str | None = "1f5bee32617c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_quote_theme_id_position_id": ["theme_id", "position", "id"],
    "ix_quote_interview_id_position_id": ["interview_id", "position", "id"],
    "ix_quote_report_id_position_id": ["report_id", "position", "id"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "quote", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="quote")
