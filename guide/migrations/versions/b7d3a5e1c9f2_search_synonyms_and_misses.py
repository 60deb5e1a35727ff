"""search synonyms and misses

Revision ID: b7d3a5e1c9f2
Revises: e4ddf0fe4474
Create Date: 2026-11-22 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import guide.models.meta

revision = "b7d3a5e1c9f2"
down_revision = "e4ddf0fe4474"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_synonym",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("updated_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_synonym")),
    )
    op.create_table(
        "search_miss",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_miss")),
    )
    with op.batch_alter_table("search_miss", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_miss_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("search_miss", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_miss_at"))
    op.drop_table("search_miss")
    op.drop_table("search_synonym")
