"""Many reports: a report's own layer texts and its themes belong to it; companions name theirs.

Reviewed by hand. The iceberg model's layers stay shared (id, depth, name, issue kind); what a
report prints for a layer (heading, description, introduction, the section that covers it)
moves to `report_layer`, one row per report and layer. Each theme gets the report it belongs
to, and its position is unique within that report instead of across the database. A press
release or seminar report names the report it accompanies (`companion_of`).

Quotes in report order are read by `seq` (the newest report first, each report's quotes by
position), so the composite page indexes key on it instead of the position within a report,
and a quote-tag row carries its quote's `seq` in `position`. With one report the two numbers
are the same, so no cursor changes.

Every row and id is kept. The data moves as the old schema implies it: a layer's texts belong
to the report of its section, a theme to the report of its layer's section, and a companion
document (a press release or a seminar report) to the one insights report, where there is
exactly one; the next seed load rewrites them from the seed folders anyway.

Revision ID: 9e2a4c6b8d10
Revises: 8b4c2e6f1d37
Create Date: 2026-12-02 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9e2a4c6b8d10"
down_revision: str | None = "8b4c2e6f1d37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The page indexes of `quote`: (name suffix, column) of each dimension keyed on report order.
PAGE_INDEXES = (
    ("theme_id", "theme_id"),
    ("interview_id", "interview_id"),
    ("report_id", "report_id"),
    ("layer_id", "layer_id"),
    ("stakeholder_type_id", "stakeholder_type_id"),
    ("organisation_type_id", "organisation_type_id"),
)


def _page_indexes(old: str, new: str) -> None:
    """Key the page indexes on `new` instead of `old` (position or seq)."""
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.drop_index(f"ix_quote_{old}_id")
        batch_op.create_index(f"ix_quote_{new}_id", [new, "id"], unique=False)
        for suffix, column in PAGE_INDEXES:
            batch_op.drop_index(f"ix_quote_{suffix}_{old}_id")
            batch_op.create_index(f"ix_quote_{suffix}_{new}_id", [column, new, "id"], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("companion_of", sa.String(length=120), nullable=True))
        batch_op.create_index(batch_op.f("ix_report_companion_of"), ["companion_of"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_report_companion_of_report"), "report", ["companion_of"], ["id"]
        )
    op.execute(
        "UPDATE report SET companion_of = (SELECT id FROM report AS main "
        "WHERE main.kind = 'insights-report') "
        "WHERE kind IN ('press-release', 'seminar-report') "
        "AND (SELECT count(*) FROM report AS main WHERE main.kind = 'insights-report') = 1"
    )

    op.create_table(
        "report_layer",
        sa.Column("report_id", sa.String(length=120), nullable=False),
        sa.Column("layer_id", sa.String(length=120), nullable=False),
        sa.Column("heading", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=True),
        sa.Column("section_id", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["layer_id"], ["layer.id"], name=op.f("fk_report_layer_layer_id_layer")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_report_layer_report_id_report")
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["report_section.id"],
            name=op.f("fk_report_layer_section_id_report_section"),
        ),
        sa.PrimaryKeyConstraint("report_id", "layer_id", name=op.f("pk_report_layer")),
    )
    with op.batch_alter_table("report_layer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_layer_layer_id"), ["layer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_report_layer_section_id"), ["section_id"], unique=False
        )
    op.execute(
        "INSERT INTO report_layer "
        "(report_id, layer_id, heading, description, introduction, section_id) "
        "SELECT report_section.report_id, layer.id, layer.heading, layer.description, "
        "layer.introduction, layer.section_id "
        "FROM layer JOIN report_section ON report_section.id = layer.section_id"
    )

    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_id", sa.String(length=120), nullable=True))
    op.execute(
        "UPDATE theme SET report_id = (SELECT report_section.report_id FROM layer "
        "JOIN report_section ON report_section.id = layer.section_id "
        "WHERE layer.id = theme.layer_id)"
    )
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.alter_column("report_id", existing_type=sa.String(length=120), nullable=False)
        batch_op.drop_constraint(batch_op.f("uq_theme_position"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_theme_report_id_position"), ["report_id", "position"]
        )
        batch_op.create_index(batch_op.f("ix_theme_report_id"), ["report_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_theme_report_id_report"), "report", ["report_id"], ["id"]
        )

    _page_indexes("position", "seq")
    op.execute("UPDATE quote_tag SET position = (SELECT seq FROM quote WHERE quote.id = quote_id)")

    # `report` is a dimension of facets and cross-tabs now: its stored counts, as a load makes.
    op.execute(
        "INSERT INTO quote_count (dimension, value_id, quotes) "
        "SELECT 'report', report_id, count(*) FROM quote GROUP BY report_id"
    )

    with op.batch_alter_table("layer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_layer_section_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_layer_section_id_report_section"), type_="foreignkey"
        )
        batch_op.drop_column("section_id")
        batch_op.drop_column("introduction")
        batch_op.drop_column("description")
        batch_op.drop_column("heading")


def downgrade() -> None:
    # Back to one set of texts per layer: those of the newest report that has them (then by
    # id), as the API showed them at the layer's top level.
    with op.batch_alter_table("layer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heading", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("introduction", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("section_id", sa.String(length=120), nullable=True))
    newest = (
        "(SELECT report_layer.{column} FROM report_layer "
        "JOIN report ON report.id = report_layer.report_id "
        "WHERE report_layer.layer_id = layer.id "
        "ORDER BY report.published_on DESC, report.id LIMIT 1)"
    )
    op.execute(
        "UPDATE layer SET "
        + ", ".join(
            f"{column} = {newest.format(column=column)}"
            for column in ("heading", "description", "introduction", "section_id")
        )
    )
    with op.batch_alter_table("layer", schema=None) as batch_op:
        batch_op.alter_column("heading", existing_type=sa.String(length=300), nullable=False)
        batch_op.alter_column("description", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("section_id", existing_type=sa.String(length=120), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_layer_section_id_report_section"),
            "report_section",
            ["section_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_layer_section_id"), ["section_id"], unique=False)

    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_theme_report_id_report"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_theme_report_id"))
        batch_op.drop_constraint(batch_op.f("uq_theme_report_id_position"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_theme_position"), ["position"])
        batch_op.drop_column("report_id")

    with op.batch_alter_table("report_layer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_layer_section_id"))
        batch_op.drop_index(batch_op.f("ix_report_layer_layer_id"))
    op.drop_table("report_layer")

    op.execute("DELETE FROM quote_count WHERE dimension = 'report'")
    op.execute(
        "UPDATE quote_tag SET position = (SELECT position FROM quote WHERE quote.id = quote_id)"
    )
    _page_indexes("seq", "position")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_report_companion_of_report"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_report_companion_of"))
        batch_op.drop_column("companion_of")
