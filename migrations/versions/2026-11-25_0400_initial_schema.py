"""Initial schema: reports, sections, layers, themes, stakeholders, interviews, quotes, tags.
It is long because it is the whole first schema, written out table by table for review.

Reviewed by hand. Besides the tables it creates the search index per dialect: FTS5 tables of
quotes, themes and layers on SQLite, GIN expression indexes on PostgreSQL. `migrations/env.py`
keeps both out of `alembic check`, since the models do not declare them.

Revision ID: 1f5bee32617c
Revises:
Create Date: 2026-11-25 03:58:07.060707
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1f5bee32617c"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dataset_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data_version", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_state")),
    )
    op.create_table(
        "organisation_type",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_type")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_type_name")),
    )
    op.create_table(
        "report",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("publisher", sa.String(length=200), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("credit", sa.Text(), nullable=False),
        sa.Column("full_text", sa.Text(), nullable=True),
        sa.Column("interview_count", sa.Integer(), nullable=True),
        sa.Column("interview_period", sa.String(length=200), nullable=True),
        sa.Column("interview_minutes", sa.Integer(), nullable=True),
        sa.Column("interview_mode", sa.String(length=200), nullable=True),
        sa.Column("interview_format", sa.String(length=200), nullable=True),
        sa.Column("workshop_count", sa.Integer(), nullable=True),
        sa.Column("workshop_expert_count", sa.Integer(), nullable=True),
        sa.Column("workshop_period", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
    )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_published_on"), ["published_on"], unique=False)

    op.create_table(
        "stakeholder_type",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("parent_id", sa.String(length=120), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["stakeholder_type.id"],
            name=op.f("fk_stakeholder_type_parent_id_stakeholder_type"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stakeholder_type")),
        sa.UniqueConstraint("position", name=op.f("uq_stakeholder_type_position")),
    )
    with op.batch_alter_table("stakeholder_type", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stakeholder_type_parent_id"), ["parent_id"], unique=False
        )

    op.create_table(
        "tag",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
    )
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tag_kind"), ["kind"], unique=False)

    op.create_table(
        "interview",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("report_id", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("attribution", sa.String(length=300), nullable=False),
        sa.Column("role_title", sa.String(length=200), nullable=False),
        sa.Column("organisation_type_id", sa.String(length=120), nullable=True),
        sa.Column("stakeholder_type_id", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_type_id"],
            ["organisation_type.id"],
            name=op.f("fk_interview_organisation_type_id_organisation_type"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_interview_report_id_report")
        ),
        sa.ForeignKeyConstraint(
            ["stakeholder_type_id"],
            ["stakeholder_type.id"],
            name=op.f("fk_interview_stakeholder_type_id_stakeholder_type"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview")),
        sa.UniqueConstraint(
            "report_id", "attribution", name=op.f("uq_interview_report_id_attribution")
        ),
    )
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interview_organisation_type_id"), ["organisation_type_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_interview_report_id"), ["report_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_interview_stakeholder_type_id"), ["stakeholder_type_id"], unique=False
        )

    op.create_table(
        "report_section",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("report_id", sa.String(length=120), nullable=False),
        sa.Column("numeral", sa.String(length=10), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("page_start", sa.Integer(), nullable=True),
        sa.Column("page_end", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_report_section_report_id_report")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_section")),
        sa.UniqueConstraint(
            "report_id", "numeral", name=op.f("uq_report_section_report_id_numeral")
        ),
    )
    with op.batch_alter_table("report_section", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_section_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "statement",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("report_id", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("speaker_name", sa.String(length=200), nullable=False),
        sa.Column("speaker_title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_statement_report_id_report")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement")),
    )
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statement_report_id"), ["report_id"], unique=False)

    op.create_table(
        "layer",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("heading", sa.String(length=300), nullable=False),
        sa.Column("issue_kind", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=True),
        sa.Column("section_id", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["section_id"], ["report_section.id"], name=op.f("fk_layer_section_id_report_section")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_layer")),
        sa.UniqueConstraint("depth", name=op.f("uq_layer_depth")),
    )
    with op.batch_alter_table("layer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_layer_section_id"), ["section_id"], unique=False)

    op.create_table(
        "theme",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("layer_id", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["layer_id"], ["layer.id"], name=op.f("fk_theme_layer_id_layer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme")),
        sa.UniqueConstraint("position", name=op.f("uq_theme_position")),
    )
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_theme_layer_id"), ["layer_id"], unique=False)

    op.create_table(
        "quote",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("report_id", sa.String(length=120), nullable=False),
        sa.Column("section_id", sa.String(length=120), nullable=False),
        sa.Column("theme_id", sa.String(length=120), nullable=False),
        sa.Column("interview_id", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"], ["interview.id"], name=op.f("fk_quote_interview_id_interview")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_quote_report_id_report")
        ),
        sa.ForeignKeyConstraint(
            ["section_id"], ["report_section.id"], name=op.f("fk_quote_section_id_report_section")
        ),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], name=op.f("fk_quote_theme_id_theme")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote")),
        sa.UniqueConstraint("report_id", "position", name=op.f("uq_quote_report_id_position")),
    )
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quote_interview_id"), ["interview_id"], unique=False)
        batch_op.create_index("ix_quote_length_id", ["length", "id"], unique=False)
        batch_op.create_index("ix_quote_position_id", ["position", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quote_report_id"), ["report_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quote_section_id"), ["section_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quote_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "quote_tag",
        sa.Column("quote_id", sa.String(length=120), nullable=False),
        sa.Column("tag_id", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["quote.id"], name=op.f("fk_quote_tag_quote_id_quote")
        ),
        sa.ForeignKeyConstraint(["tag_id"], ["tag.id"], name=op.f("fk_quote_tag_tag_id_tag")),
        sa.PrimaryKeyConstraint("quote_id", "tag_id", name=op.f("pk_quote_tag")),
    )
    with op.batch_alter_table("quote_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quote_tag_tag_id"), ["tag_id"], unique=False)

    _create_search_index()


# Words are matched stemmed (porter / english) and prefixes unstemmed (unicode61 / simple), so
# that `regulat*` finds "regulate", whose stem "regul" it is not a prefix of.
def _create_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, tokenizer in (
            ("search_fts", "porter unicode61 remove_diacritics 2"),
            ("search_fts_prefix", "unicode61 remove_diacritics 2"),
        ):
            op.execute(
                f"CREATE VIRTUAL TABLE {table} USING fts5("
                f"kind UNINDEXED, object_id UNINDEXED, title, body, tokenize = '{tokenizer}')"
            )
    else:
        for index, config in (
            ("ix_quote_text_search", "english"),
            ("ix_quote_text_search_prefix", "simple"),
        ):
            op.execute(f"CREATE INDEX {index} ON quote USING gin (to_tsvector('{config}', text))")


def _drop_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts_prefix")
        op.execute("DROP TABLE search_fts")
    else:
        op.execute("DROP INDEX ix_quote_text_search_prefix")
        op.execute("DROP INDEX ix_quote_text_search")


def downgrade() -> None:
    _drop_search_index()
    with op.batch_alter_table("quote_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quote_tag_tag_id"))

    op.drop_table("quote_tag")
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quote_theme_id"))
        batch_op.drop_index(batch_op.f("ix_quote_section_id"))
        batch_op.drop_index(batch_op.f("ix_quote_report_id"))
        batch_op.drop_index("ix_quote_position_id")
        batch_op.drop_index("ix_quote_length_id")
        batch_op.drop_index(batch_op.f("ix_quote_interview_id"))

    op.drop_table("quote")
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_theme_layer_id"))

    op.drop_table("theme")
    with op.batch_alter_table("layer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_layer_section_id"))

    op.drop_table("layer")
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_report_id"))

    op.drop_table("statement")
    with op.batch_alter_table("report_section", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_section_report_id"))

    op.drop_table("report_section")
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_stakeholder_type_id"))
        batch_op.drop_index(batch_op.f("ix_interview_report_id"))
        batch_op.drop_index(batch_op.f("ix_interview_organisation_type_id"))

    op.drop_table("interview")
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tag_kind"))

    op.drop_table("tag")
    with op.batch_alter_table("stakeholder_type", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stakeholder_type_parent_id"))

    op.drop_table("stakeholder_type")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_published_on"))
        batch_op.drop_index(batch_op.f("ix_report_kind"))

    op.drop_table("report")
    op.drop_table("organisation_type")
    op.drop_table("dataset_state")
