"""fiche translations (fiche_translation: a working copy and a reviewed text per fiche and language)

Revision ID: f1a700000012
Revises: f1a700000011
Create Date: 2026-11-30 14:20:00
"""

import sqlalchemy as sa
from alembic import op

from guide.models.meta import UTCDateTime

revision = "f1a700000012"
down_revision = "f1a700000011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fiche_translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiche_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("nom", sa.String(length=150), nullable=False),
        sa.Column("resume", sa.String(length=280), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "brouillon",
                "a_relire",
                "publiee",
                "renvoyee",
                name="translationstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("based_on_version", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("published_nom", sa.String(length=150), nullable=True),
        sa.Column("published_resume", sa.String(length=280), nullable=True),
        sa.Column("published_conditions", sa.Text(), nullable=True),
        sa.Column("published_based_on", sa.Integer(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["fiche_id"], ["fiche.id"], name=op.f("fk_fiche_translation_fiche_id_fiche"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_fiche_translation_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["user_account.id"],
            name=op.f("fk_fiche_translation_reviewed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fiche_translation")),
        sa.UniqueConstraint("fiche_id", "language", name=op.f("uq_fiche_translation_fiche_id")),
    )
    op.create_index(op.f("ix_fiche_translation_fiche_id"), "fiche_translation", ["fiche_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_fiche_translation_fiche_id"), table_name="fiche_translation")
    op.drop_table("fiche_translation")
