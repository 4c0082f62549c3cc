"""Quote counts per dimension value, counted by the loader at each load.

An unfiltered facet (how many quotes each layer, theme, stakeholder type... has) counted every
quote on every request: a third of a second on PostgreSQL at a million quotes. The data only
changes when the seeds load, so the loader now counts once into `quote_count`, and this
revision fills it from the quotes already there. `value_id` is '' for quotes with no value
(an attribution that names no organisation).

Reviewed by hand: one new table, no change to the others.

Revision ID: 8b4c2e6f1d37
Revises: 5d1e7c3b8a20
Create Date: 2026-11-25 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8b4c2e6f1d37"
down_revision: str | None = "5d1e7c3b8a20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (dimension, the value's expression, the table it is read from)
COUNTED = (
    ("layer", "layer_id", "quote"),
    ("theme", "theme_id", "quote"),
    ("stakeholder_type", "stakeholder_type_id", "quote"),
    ("organisation_type", "COALESCE(organisation_type_id, '')", "quote"),
    ("interview", "interview_id", "quote"),
    ("tag", "tag_id", "quote_tag"),
)


def upgrade() -> None:
    op.create_table(
        "quote_count",
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("value_id", sa.String(length=120), nullable=False),
        sa.Column("quotes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dimension", "value_id", name=op.f("pk_quote_count")),
    )
    for dimension, value, table in COUNTED:
        op.execute(
            f"INSERT INTO quote_count (dimension, value_id, quotes) "
            f"SELECT '{dimension}', {value}, count(*) FROM {table} GROUP BY {value}"
        )


def downgrade() -> None:
    op.drop_table("quote_count")
