"""freshness: update periods per thématique and per fiche

Revision ID: f1a700000008
Revises: f1a700000007
Create Date: 2026-11-30 11:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f1a700000008"
down_revision = "f1a700000007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("thematique", schema=None) as batch_op:
        batch_op.add_column(sa.Column("update_period_months", sa.Integer(), nullable=True))
    with op.batch_alter_table("fiche", schema=None) as batch_op:
        batch_op.add_column(sa.Column("update_period_months", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fiche", schema=None) as batch_op:
        batch_op.drop_column("update_period_months")
    with op.batch_alter_table("thematique", schema=None) as batch_op:
        batch_op.drop_column("update_period_months")
