"""merge the logo/reports, search and print-edition branches

Revision ID: d0e1f2a3b4c5
Revises: a1c0ffee0003, b7d3a5e1c9f2, c5e7d1a2b3f4
Create Date: 2026-11-22 00:40:00
"""

revision = "d0e1f2a3b4c5"
down_revision = ("a1c0ffee0003", "b7d3a5e1c9f2", "c5e7d1a2b3f4")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
