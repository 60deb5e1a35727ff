"""placeholder (to be filled by its owner)

Revision ID: f1a700000017
Revises: f1a700000016
Create Date: 2026-11-30 14:20:00
"""

revision = "f1a700000017"
down_revision = "f1a700000016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
