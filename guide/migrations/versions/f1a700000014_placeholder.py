"""public labels in plain words (public_label: the coordination's wording of a code)

Revision ID: f1a700000014
Revises: f1a700000013
Create Date: 2026-11-30 14:20:00
"""

import sqlalchemy as sa
from alembic import op

from guide.models.meta import UTCDateTime

revision = "f1a700000014"
down_revision = "f1a700000013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "public_label",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_public_label_updated_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_label")),
        sa.UniqueConstraint("kind", "code", name=op.f("uq_public_label_kind")),
    )


def downgrade() -> None:
    op.drop_table("public_label")
