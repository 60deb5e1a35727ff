"""placeholder (to be filled by its owner)

Revision ID: f1a700000006
Revises: f1a700000005
Create Date: 2026-11-30 11:15:00
"""

revision = "f1a700000006"
down_revision = "f1a700000005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
