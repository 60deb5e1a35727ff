"""print edition: editions, their frozen fiche versions, helplines

Revision ID: c5e7d1a2b3f4
Revises: e4ddf0fe4474
Create Date: 2026-11-23 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import guide.models.meta

revision = "c5e7d1a2b3f4"
down_revision = "e4ddf0fe4474"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "helpline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpline")),
    )
    op.create_table(
        "edition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("page_format", sa.String(length=2), nullable=False),
        sa.Column("grouping", sa.String(length=20), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "brouillon",
                "en_attente",
                "en_cours",
                "terminee",
                "echec",
                name="editionstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("pdf_file", sa.String(length=200), nullable=True),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("data_date", sa.Date(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.Column("generated_at", guide.models.meta.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_edition_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edition")),
    )
    op.create_table(
        "edition_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("fiche_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("chapter", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["edition.id"], name=op.f("fk_edition_item_edition_id_edition"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["fiche_id"], ["fiche.id"], name=op.f("fk_edition_item_fiche_id_fiche"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["fiche_version.id"],
            name=op.f("fk_edition_item_version_id_fiche_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edition_item")),
    )
    with op.batch_alter_table("edition_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_edition_item_edition_id"), ["edition_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_edition_item_fiche_id"), ["fiche_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("edition_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_edition_item_fiche_id"))
        batch_op.drop_index(batch_op.f("ix_edition_item_edition_id"))
    op.drop_table("edition_item")
    op.drop_table("edition")
    op.drop_table("helpline")
