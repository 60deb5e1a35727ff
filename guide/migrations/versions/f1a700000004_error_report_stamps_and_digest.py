"""error report stamps and digests

Each form stamp sends one report (used stamps kept until they expire); coordinators receive the
reports as a digest, at most one per period (one row per digest, keyed by the period).

Revision ID: f1a700000004
Revises: f1a700000003
Create Date: 2026-11-30 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import guide.models.meta

revision = "f1a700000004"
down_revision = "f1a700000003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "error_report_stamp",
        sa.Column("stamp_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("stamp_hash", name=op.f("pk_error_report_stamp")),
    )
    with op.batch_alter_table("error_report_stamp", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_error_report_stamp_expires_at"), ["expires_at"], unique=False)
    op.create_table(
        "error_report_digest",
        sa.Column("period", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sent_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_error_report_digest")),
    )
    with op.batch_alter_table("error_report_digest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_error_report_digest_sent_at"), ["sent_at"], unique=False)
    with op.batch_alter_table("error_report", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("notified_at", guide.models.meta.UTCDateTime(timezone=True), nullable=True)
        )
    # reports made before the digest existed were mailed one by one already
    op.execute("UPDATE error_report SET notified_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("error_report", schema=None) as batch_op:
        batch_op.drop_column("notified_at")
    with op.batch_alter_table("error_report_digest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_error_report_digest_sent_at"))
    op.drop_table("error_report_digest")
    with op.batch_alter_table("error_report_stamp", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_error_report_stamp_expires_at"))
    op.drop_table("error_report_stamp")
