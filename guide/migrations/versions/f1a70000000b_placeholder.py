"""placeholder (to be filled by its owner)

Revision ID: f1a70000000b
Revises: f1a70000000a
Create Date: 2026-11-30 11:15:00
"""

revision = "f1a70000000b"
down_revision = "f1a70000000a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
