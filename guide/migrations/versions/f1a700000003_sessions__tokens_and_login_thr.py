"""sessions, tokens and login throttling

A session generation per account (sessions can be revoked), invitations that carry what they grant,
and indexes for the login throttle per client and for purging old attempts.

Revision ID: f1a700000003
Revises: f1a700000002
Create Date: 2026-11-30 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f1a700000003"
down_revision = "f1a700000002"
branch_labels = None
depends_on = None

MEMBER_ROLES = ("owner", "editor")
SITE_ROLES = ("partner", "coordinator", "admin")


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("account_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "member_role",
                sa.Enum(*MEMBER_ROLES, name="memberrole", native_enum=False, length=20),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "site_role",
                sa.Enum(*SITE_ROLES, name="siterole", native_enum=False, length=20),
                nullable=True,
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_account_token_organisation_id_organisation"),
            "organisation",
            ["organisation_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=10), server_default="login", nullable=False))
        batch_op.create_index("ix_login_attempt_ip_at", ["ip", "attempted_at"], unique=False)
        batch_op.create_index("ix_login_attempt_at", ["attempted_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_at")
        batch_op.drop_index("ix_login_attempt_ip_at")
        batch_op.drop_column("kind")
    with op.batch_alter_table("account_token", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_account_token_organisation_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_column("site_role")
        batch_op.drop_column("member_role")
        batch_op.drop_column("organisation_id")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
