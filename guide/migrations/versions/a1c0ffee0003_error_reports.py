"""error reports from residents

Revision ID: a1c0ffee0003
Revises: a1c0ffee0002
Create Date: 2026-11-22 00:20:00
"""

import sqlalchemy as sa
from alembic import op

import guide.models.meta

revision = "a1c0ffee0003"
down_revision = "a1c0ffee0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "error_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiche_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=254), nullable=False),
        sa.Column("ip_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.Column("handled_at", guide.models.meta.UTCDateTime(timezone=True), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["fiche_id"], ["fiche.id"], name=op.f("fk_error_report_fiche_id_fiche"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["handled_by_id"],
            ["user_account.id"],
            name=op.f("fk_error_report_handled_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_error_report")),
    )
    with op.batch_alter_table("error_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_error_report_fiche_id"), ["fiche_id"], unique=False)
        batch_op.create_index("ix_error_report_ip_hash_created_at", ["ip_hash", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_table("error_report")
