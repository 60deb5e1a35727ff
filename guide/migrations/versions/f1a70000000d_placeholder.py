"""placeholder (to be filled by its owner)

Revision ID: f1a70000000d
Revises: f1a70000000c
Create Date: 2026-11-30 11:15:00
"""

revision = "f1a70000000d"
down_revision = "f1a70000000c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
