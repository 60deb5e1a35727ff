"""freshness and campaigns: update periods, campaigns, confirmation links, reminders sent, partners'
answers to error reports, urgent changes to look at

Revision ID: f1a700000008
Revises: f1a700000007
Create Date: 2026-11-30 11:15:00
"""

import sqlalchemy as sa
from alembic import op

import guide.models.meta

revision = "f1a700000008"
down_revision = "f1a700000007"
branch_labels = None
depends_on = None

UTC = guide.models.meta.UTCDateTime(timezone=True)


def _org_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id"],
        ["organisation.id"],
        name=op.f(f"fk_{table}_organisation_id_organisation"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    with op.batch_alter_table("thematique", schema=None) as batch_op:
        batch_op.add_column(sa.Column("update_period_months", sa.Integer(), nullable=True))
    with op.batch_alter_table("fiche", schema=None) as batch_op:
        batch_op.add_column(sa.Column("update_period_months", sa.Integer(), nullable=True))

    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("target", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("sent_at", UTC, nullable=True),
        sa.Column("closed_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_campaign_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "campaign_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("emails", sa.JSON(), nullable=False),
        sa.Column("sent_at", UTC, nullable=True),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("last_reminded_at", UTC, nullable=True),
        sa.Column("answered_at", UTC, nullable=True),
        sa.Column("phone_note", sa.Text(), nullable=False),
        sa.Column("phone_noted_at", UTC, nullable=True),
        sa.Column("phone_noted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_campaign_recipient_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        _org_fk("campaign_recipient"),
        sa.ForeignKeyConstraint(
            ["phone_noted_by_id"],
            ["user_account.id"],
            name=op.f("fk_campaign_recipient_phone_noted_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_recipient")),
        sa.UniqueConstraint("campaign_id", "organisation_id", name=op.f("uq_campaign_recipient_campaign_id")),
    )
    with op.batch_alter_table("campaign_recipient", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_recipient_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_campaign_recipient_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "confirmation_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.Column("last_used_at", UTC, nullable=True),
        sa.Column("use_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_confirmation_link_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        _org_fk("confirmation_link"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confirmation_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_confirmation_link_token_hash")),
    )
    with op.batch_alter_table("confirmation_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_confirmation_link_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_confirmation_link_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_confirmation_link_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("fiche_id", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", UTC, nullable=False),
        sa.Column("emails", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_reminder_sent_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["fiche_id"], ["fiche.id"], name=op.f("fk_reminder_sent_fiche_id_fiche"), ondelete="CASCADE"
        ),
        _org_fk("reminder_sent"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_sent")),
        sa.UniqueConstraint("key", name=op.f("uq_reminder_sent_key")),
    )
    with op.batch_alter_table("reminder_sent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_sent_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_sent_fiche_id"), ["fiche_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_reminder_sent_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reminder_sent_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "report_answer",
        sa.Column("report_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["error_report.id"],
            name=op.f("fk_report_answer_report_id_error_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_report_answer_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_report_answer")),
    )
    op.create_table(
        "urgent_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiche_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("seen_at", UTC, nullable=True),
        sa.Column("seen_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_urgent_change_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["fiche_id"], ["fiche.id"], name=op.f("fk_urgent_change_fiche_id_fiche"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["seen_by_id"],
            ["user_account.id"],
            name=op.f("fk_urgent_change_seen_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["fiche_version.id"],
            name=op.f("fk_urgent_change_version_id_fiche_version"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_urgent_change")),
    )
    with op.batch_alter_table("urgent_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_urgent_change_fiche_id"), ["fiche_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_urgent_change_seen_at"), ["seen_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("urgent_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_urgent_change_seen_at"))
        batch_op.drop_index(batch_op.f("ix_urgent_change_fiche_id"))
    op.drop_table("urgent_change")
    op.drop_table("report_answer")
    with op.batch_alter_table("reminder_sent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_sent_sent_at"))
        batch_op.drop_index(batch_op.f("ix_reminder_sent_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_sent_fiche_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_sent_campaign_id"))
    op.drop_table("reminder_sent")
    with op.batch_alter_table("confirmation_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_confirmation_link_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_confirmation_link_expires_at"))
        batch_op.drop_index(batch_op.f("ix_confirmation_link_campaign_id"))
    op.drop_table("confirmation_link")
    with op.batch_alter_table("campaign_recipient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_recipient_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_campaign_recipient_campaign_id"))
    op.drop_table("campaign_recipient")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_sent_at"))
    op.drop_table("campaign")
    with op.batch_alter_table("fiche", schema=None) as batch_op:
        batch_op.drop_column("update_period_months")
    with op.batch_alter_table("thematique", schema=None) as batch_op:
        batch_op.drop_column("update_period_months")
