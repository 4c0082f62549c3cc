"""What changed: each load records the objects it added, removed and changed.

Reviewed by hand. Two new tables, created empty: `change_set`, one row per load that changed
something (numbered in load order, since a data version can come back when a correction is
reverted), and `change`, one row per object, numbered so that `id` descending is the order the
change list reads (the newest set first). Each filter of the list (change set, object type,
object id) has an index ending in `id`, so a page reads its rows off the index in order.

Nothing is backfilled: the history of a database upgraded here starts with its next load that
changes something, whose previous version is the one loaded now.

Revision ID: c4d8e2f6a913
Revises: 9e2a4c6b8d10
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4d8e2f6a913"
down_revision: str | None = "9e2a4c6b8d10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The indexes of `change`: (name, columns), one per filter of the change list.
CHANGE_INDEXES = (
    ("ix_change_change_set_id_id", ["change_set_id", "id"]),
    ("ix_change_object_type_id", ["object_type", "id"]),
    ("ix_change_object_id_id", ["object_id", "id"]),
)


def upgrade() -> None:
    op.create_table(
        "change_set",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data_version", sa.String(length=64), nullable=False),
        sa.Column("previous_version", sa.String(length=64), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_set")),
    )
    op.create_table(
        "change",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("change_set_id", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("fields", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_set_id"], ["change_set.id"], name=op.f("fk_change_change_set_id_change_set")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change")),
    )
    for name, columns in CHANGE_INDEXES:
        op.create_index(name, "change", columns, unique=False)


def downgrade() -> None:
    for name, _ in reversed(CHANGE_INDEXES):
        op.drop_index(name, table_name="change")
    op.drop_table("change")
    op.drop_table("change_set")
