"""fiche version: « En mots simples » (easy-to-read French summary, issue 12)

Revision ID: f1a700000013
Revises: f1a700000012
Create Date: 2026-11-30 14:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f1a700000013"
down_revision = "f1a700000012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fiche_version", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("mots_simples", sa.String(length=600), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("fiche_version", schema=None) as batch_op:
        batch_op.drop_column("mots_simples")
