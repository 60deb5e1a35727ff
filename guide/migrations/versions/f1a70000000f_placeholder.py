"""information for professionals only (pro_info: a fiche's, organisation's or lieu's)

Revision ID: f1a70000000f
Revises: f1a70000000e
Create Date: 2026-11-30 12:20:00
"""

import sqlalchemy as sa
from alembic import op

from guide.models.meta import UTCDateTime

revision = "f1a70000000f"
down_revision = "f1a70000000e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pro_info",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiche_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("lieu_id", sa.Integer(), nullable=True),
        sa.Column("ligne_directe", sa.String(length=30), nullable=False),
        sa.Column("referent_nom", sa.String(length=120), nullable=False),
        sa.Column("referent_courriel", sa.String(length=254), nullable=False),
        sa.Column("orientation", sa.Text(), nullable=False),
        sa.Column("documents", sa.Text(), nullable=False),
        sa.Column("remarques", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["fiche_id"], ["fiche.id"], name=op.f("fk_pro_info_fiche_id_fiche"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_pro_info_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lieu_id"], ["lieu.id"], name=op.f("fk_pro_info_lieu_id_lieu"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_pro_info_updated_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pro_info")),
        sa.UniqueConstraint("fiche_id", name=op.f("uq_pro_info_fiche_id")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_pro_info_organisation_id")),
        sa.UniqueConstraint("lieu_id", name=op.f("uq_pro_info_lieu_id")),
    )


def downgrade() -> None:
    op.drop_table("pro_info")
