"""error report stamps and digests

Revision ID: f1a700000004
Revises: f1a700000003
Create Date: 2026-11-30 09:00:00
"""

revision = "f1a700000004"
down_revision = "f1a700000003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
