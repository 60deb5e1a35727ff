"""organisation logo

Revision ID: a1c0ffee0002
Revises: e4ddf0fe4474
Create Date: 2026-11-22 00:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a1c0ffee0002"
down_revision = "e4ddf0fe4474"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("logo")
