"""sessions, tokens and login throttling

Revision ID: f1a700000003
Revises: f1a700000002
Create Date: 2026-11-30 09:00:00
"""

revision = "f1a700000003"
down_revision = "f1a700000002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
