"""professionals' directory (professional_card, its thématiques and lieux)

Revision ID: f1a700000011
Revises: f1a700000010
Create Date: 2026-11-30 14:20:00
"""

import sqlalchemy as sa
from alembic import op

from guide.models.meta import UTCDateTime

revision = "f1a700000011"
down_revision = "f1a700000010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "professional_card",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("fonction", sa.String(length=120), nullable=False),
        sa.Column("missions", sa.Text(), nullable=False),
        sa.Column("telephone", sa.String(length=20), nullable=False),
        sa.Column("courriel", sa.String(length=254), nullable=False),
        sa.Column("presence", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("sort_name", sa.String(length=120), nullable=False),
        sa.Column("listed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_professional_card_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_professional_card")),
    )
    op.create_table(
        "professional_thematique",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thematique_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["professional_card.user_id"],
            name=op.f("fk_professional_thematique_user_id_professional_card"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thematique_id"],
            ["thematique.id"],
            name=op.f("fk_professional_thematique_thematique_id_thematique"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "thematique_id", name=op.f("pk_professional_thematique")),
    )
    op.create_table(
        "professional_lieu",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lieu_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["professional_card.user_id"],
            name=op.f("fk_professional_lieu_user_id_professional_card"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lieu_id"], ["lieu.id"], name=op.f("fk_professional_lieu_lieu_id_lieu"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "lieu_id", name=op.f("pk_professional_lieu")),
    )


def downgrade() -> None:
    op.drop_table("professional_lieu")
    op.drop_table("professional_thematique")
    op.drop_table("professional_card")
