"""référents par thématique (who named them, when) and their contact card

Revision ID: f1a70000000e
Revises: f1a70000000d
Create Date: 2026-11-30 12:00:00
"""

import sqlalchemy as sa
from alembic import op

from guide.models.meta import UTCDateTime

revision = "f1a70000000e"
down_revision = "f1a70000000d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "referent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thematique_id", sa.Integer(), nullable=False),
        sa.Column("named_by_id", sa.Integer(), nullable=True),
        sa.Column("named_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["named_by_id"],
            ["user_account.id"],
            name=op.f("fk_referent_named_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thematique_id"],
            ["thematique.id"],
            name=op.f("fk_referent_thematique_id_thematique"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_referent_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referent")),
        sa.UniqueConstraint("user_id", "thematique_id", name=op.f("uq_referent_user_id")),
    )
    op.create_index(op.f("ix_referent_user_id"), "referent", ["user_id"], unique=False)
    op.create_index(op.f("ix_referent_thematique_id"), "referent", ["thematique_id"], unique=False)
    op.create_table(
        "referent_card",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("fonction", sa.String(length=120), nullable=False),
        sa.Column("telephone", sa.String(length=20), nullable=False),
        sa.Column("courriel", sa.String(length=254), nullable=False),
        sa.Column("disponibilites", sa.Text(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_referent_card_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_referent_card")),
    )


def downgrade() -> None:
    op.drop_table("referent_card")
    op.drop_index(op.f("ix_referent_thematique_id"), table_name="referent")
    op.drop_index(op.f("ix_referent_user_id"), table_name="referent")
    op.drop_table("referent")
