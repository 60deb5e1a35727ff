"""placeholder (to be filled by its owner)

Revision ID: f1a70000000e
Revises: f1a70000000d
Create Date: 2026-11-30 12:00:00
"""

revision = "f1a70000000e"
down_revision = "f1a70000000d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
