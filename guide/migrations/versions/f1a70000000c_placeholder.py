"""usage counters (indicators): daily and monthly counts, nothing personal

Revision ID: f1a70000000c
Revises: f1a70000000b
Create Date: 2026-11-30 11:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f1a70000000c"
down_revision = "f1a70000000b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_daily",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_daily")),
        sa.UniqueConstraint("kind", "key", "day", name=op.f("uq_usage_daily_kind")),
    )
    op.create_index(op.f("ix_usage_daily_day"), "usage_daily", ["day"], unique=False)
    op.create_table(
        "usage_monthly",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_monthly")),
        sa.UniqueConstraint("kind", "key", "month", name=op.f("uq_usage_monthly_kind")),
    )
    op.create_index(op.f("ix_usage_monthly_month"), "usage_monthly", ["month"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_usage_monthly_month"), table_name="usage_monthly")
    op.drop_table("usage_monthly")
    op.drop_index(op.f("ix_usage_daily_day"), table_name="usage_daily")
    op.drop_table("usage_daily")
