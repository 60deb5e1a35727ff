"""organisation and lieu review

Revision ID: f1a700000002
Revises: f1a700000001
Create Date: 2026-11-30 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import guide.models.meta

revision = "f1a700000002"
down_revision = "f1a700000001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directory_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("lieu_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("previous", sa.JSON(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("a_valider", "publiee", "renvoyee", name="changestate", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("direct", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", guide.models.meta.UTCDateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_directory_change_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lieu_id"], ["lieu.id"], name=op.f("fk_directory_change_lieu_id_lieu"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_directory_change_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["user_account.id"],
            name=op.f("fk_directory_change_reviewer_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_change")),
    )
    with op.batch_alter_table("directory_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_directory_change_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_directory_change_lieu_id"), ["lieu_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_directory_change_state"), ["state"], unique=False)


def downgrade() -> None:
    op.drop_table("directory_change")
