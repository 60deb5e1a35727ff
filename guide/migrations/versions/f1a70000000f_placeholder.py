"""placeholder (to be filled by its owner)

Revision ID: f1a70000000f
Revises: f1a70000000e
Create Date: 2026-11-30 12:20:00
"""

revision = "f1a70000000f"
down_revision = "f1a70000000e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
