"""search misses aggregated, quartier slugs

Revision ID: f1a700000001
Revises: d0e1f2a3b4c5
Create Date: 2026-11-30 09:00:00
"""

revision = "f1a700000001"
down_revision = "d0e1f2a3b4c5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
