"""shared selections: an agent's list of fiches and notes behind a short link

Revision ID: f1a70000000a
Revises: f1a700000009
Create Date: 2026-11-30 11:15:00
"""

import sqlalchemy as sa
from alembic import op

import guide.models.meta

revision = "f1a70000000a"
down_revision = "f1a700000009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_selection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=24), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("created_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shared_selection")),
        sa.UniqueConstraint("token", name=op.f("uq_shared_selection_token")),
    )
    op.create_index(op.f("ix_shared_selection_digest"), "shared_selection", ["digest"], unique=False)
    op.create_index(op.f("ix_shared_selection_expires_at"), "shared_selection", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_shared_selection_expires_at"), table_name="shared_selection")
    op.drop_index(op.f("ix_shared_selection_digest"), table_name="shared_selection")
    op.drop_table("shared_selection")
