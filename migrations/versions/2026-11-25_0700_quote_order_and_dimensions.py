"""Quote report-order numbers and copies of its layer and stakeholder and organisation types.

`quote.seq` numbers the quotes 1, 2, ... in report order (position, then id in byte order, as
the loader sorts them); on SQLite it becomes the rowid of each quote's full-text row, so the
matches of a search come out of the FTS5 index already in report order. `layer_id`,
`stakeholder_type_id` and `organisation_type_id` copy the theme's layer and the interview's
types, so that a page or a count by those dimensions reads one table through a
(column, position, id) index; `quote_tag.position` copies its quote's position, for the same
read by tag through (tag_id, position, quote_id). The single-column indexes on quote's theme_id,
interview_id and report_id and on quote_tag's tag_id go: each is the prefix of a composite
index that serves the same lookups.

Reviewed by hand. The columns are added nullable, filled from the rows already there, then made
NOT NULL with their foreign keys (one table rebuild on SQLite, `migrations/env.py` turning
foreign-key enforcement off around it and checking the keys afterwards). The loader keeps
the copies in step at every load.

Revision ID: 3a8f6b2d9c14
Revises: 7c2d9e41a0b3
Create Date: 2026-11-25 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3a8f6b2d9c14"
down_revision: str | None = "7c2d9e41a0b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SLUG = 120
COPIES = {"layer_id": "layer", "stakeholder_type_id": "stakeholder_type"}
COMPOSITES = ("layer_id", "stakeholder_type_id", "organisation_type_id")
PREFIX_INDEXES = ("theme_id", "interview_id", "report_id")


def upgrade() -> None:
    op.add_column("quote", sa.Column("seq", sa.Integer(), nullable=True))
    for column in (*COPIES, "organisation_type_id"):
        op.add_column("quote", sa.Column(column, sa.String(length=SLUG), nullable=True))
    op.add_column("quote_tag", sa.Column("position", sa.Integer(), nullable=True))
    _fill()
    with op.batch_alter_table("quote_tag", schema=None) as batch_op:
        batch_op.alter_column("position", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(
            "ix_quote_tag_tag_id_position_quote_id", ["tag_id", "position", "quote_id"]
        )
        batch_op.drop_index("ix_quote_tag_tag_id")
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        for column in COPIES:
            batch_op.alter_column(column, existing_type=sa.String(length=SLUG), nullable=False)
        for column, table in (*COPIES.items(), ("organisation_type_id", "organisation_type")):
            batch_op.create_foreign_key(f"fk_quote_{column}_{table}", table, [column], ["id"])
        batch_op.create_index("uq_quote_seq", ["seq"], unique=True)
        for column in COMPOSITES:
            batch_op.create_index(f"ix_quote_{column}_position_id", [column, "position", "id"])
        for column in PREFIX_INDEXES:
            batch_op.drop_index(f"ix_quote_{column}")
    if op.get_bind().dialect.name == "sqlite":
        _renumber_search_rows()


def _fill() -> None:
    op.execute(
        "UPDATE quote SET "
        "layer_id = (SELECT layer_id FROM theme WHERE theme.id = quote.theme_id), "
        "stakeholder_type_id = (SELECT stakeholder_type_id FROM interview "
        "WHERE interview.id = quote.interview_id), "
        "organisation_type_id = (SELECT organisation_type_id FROM interview "
        "WHERE interview.id = quote.interview_id)"
    )
    op.execute(
        "UPDATE quote_tag SET position = "
        "(SELECT position FROM quote WHERE quote.id = quote_tag.quote_id)"
    )
    # Byte order of ids, as the loader's Python sort: PostgreSQL's default collation may differ.
    by_bytes = ' COLLATE "C"' if op.get_bind().dialect.name == "postgresql" else ""
    op.execute(
        "UPDATE quote SET seq = ranked.seq FROM (SELECT id, row_number() OVER "
        f"(ORDER BY position, id{by_bytes}) AS seq FROM quote) AS ranked "
        "WHERE quote.id = ranked.id"
    )


def _renumber_search_rows() -> None:
    # The loader numbers quote rows 1..N before the theme and layer rows, so seq (1..N) never
    # collides with those.
    for table in ("search_fts", "search_fts_prefix"):
        op.execute(f"DELETE FROM {table} WHERE kind = 'quote'")
        op.execute(
            f"INSERT INTO {table} (rowid, kind, object_id, title, body) "
            "SELECT seq, 'quote', id, '', text FROM quote"
        )


def downgrade() -> None:
    with op.batch_alter_table("quote", schema=None) as batch_op:
        for column in PREFIX_INDEXES:
            batch_op.create_index(f"ix_quote_{column}", [column])
        for column in COMPOSITES:
            batch_op.drop_index(f"ix_quote_{column}_position_id")
        batch_op.drop_index("uq_quote_seq")
        for column, table in (*COPIES.items(), ("organisation_type_id", "organisation_type")):
            batch_op.drop_constraint(f"fk_quote_{column}_{table}", type_="foreignkey")
        for column in ("seq", *COPIES, "organisation_type_id"):
            batch_op.drop_column(column)
    with op.batch_alter_table("quote_tag", schema=None) as batch_op:
        batch_op.create_index("ix_quote_tag_tag_id", ["tag_id"])
        batch_op.drop_index("ix_quote_tag_tag_id_position_quote_id")
        batch_op.drop_column("position")
