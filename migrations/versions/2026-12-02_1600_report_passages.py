"""Facts as data: the passages a report's record stores verbatim, and the expert count's flag.

Reviewed by hand. One new table, created empty: `report_passage`, a row per passage that a
report's record stores as one of its fields (its sponsors, its methodology's caveats and how
participants were chosen, the expert count as printed, its conclusion, what another document
says of it), keyed by report, field and position. `source_id` names the report whose full
text prints the passage: the report itself, or another document (the press release prints the
expert count every record repeats). One new column, `report.workshop_expert_count_approximate`:
whether the count is given as approximate.

Nothing is backfilled: the passages are in the seed files only, and the next load writes them
(its data version differs, since it hashes the new table and column).

Revision ID: d5b7e9f1a3c6
Revises: c4d8e2f6a913
Create Date: 2026-12-02 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d5b7e9f1a3c6"
down_revision: str | None = "c4d8e2f6a913"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("workshop_expert_count_approximate", sa.Boolean(), nullable=True)
        )
    op.create_table(
        "report_passage",
        sa.Column("report_id", sa.String(length=120), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_report_passage_report_id_report")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["report.id"], name=op.f("fk_report_passage_source_id_report")
        ),
        sa.PrimaryKeyConstraint("report_id", "field", "position", name=op.f("pk_report_passage")),
    )
    with op.batch_alter_table("report_passage", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_passage_source_id"), ["source_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("report_passage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_passage_source_id"))
    op.drop_table("report_passage")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_column("workshop_expert_count_approximate")
