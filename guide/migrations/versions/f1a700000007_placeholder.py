"""shared storage: stored files, mail outbox, task queue

Files every app server sees (logos, edition PDFs, cached PDFs) live in ``stored_file``; mails wait in
``mail_outbox`` for the worker; ``task_*`` are the task queue's tables (huey on the guide's own database,
``guide.tasks``). The files already on disk under ``var/`` are copied in by ``guide-migrate``
(``guide.storage.import_var_files``), which knows the var folder; a migration does not.

Revision ID: f1a700000007
Revises: f1a700000006
Create Date: 2026-11-30 11:15:00
"""

import sqlalchemy as sa
from alembic import op

import guide.models.meta

revision = "f1a700000007"
down_revision = "f1a700000006"
branch_labels = None
depends_on = None


def _stamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, guide.models.meta.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "stored_file",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        _stamp("created_at"),
        _stamp("used_at"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_stored_file")),
    )
    op.create_index("ix_stored_file_kind_used_at", "stored_file", ["kind", "used_at"], unique=False)
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("message", sa.LargeBinary(), nullable=False),
        _stamp("created_at"),
        _stamp("next_attempt_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        _stamp("sent_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index(
        "ix_mail_outbox_sent_at_next_attempt_at", "mail_outbox", ["sent_at", "next_attempt_at"], unique=False
    )
    op.create_table(
        "task_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=60), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("priority", sa.Float(), nullable=False),
        _stamp("enqueued_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_queue")),
    )
    op.create_index(
        "ix_task_queue_queue_priority_id", "task_queue", ["queue", "priority", "id"], unique=False
    )
    op.create_table(
        "task_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=60), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("run_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_schedule")),
    )
    op.create_index("ix_task_schedule_queue_run_at", "task_schedule", ["queue", "run_at"], unique=False)
    op.create_table(
        "task_data",
        sa.Column("queue", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        _stamp("created_at"),
        sa.PrimaryKeyConstraint("queue", "key", name=op.f("pk_task_data")),
    )
    op.create_table(
        "task_counter",
        sa.Column("queue", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("queue", "key", name=op.f("pk_task_counter")),
    )


def downgrade() -> None:
    op.drop_table("task_counter")
    op.drop_table("task_data")
    op.drop_index("ix_task_schedule_queue_run_at", table_name="task_schedule")
    op.drop_table("task_schedule")
    op.drop_index("ix_task_queue_queue_priority_id", table_name="task_queue")
    op.drop_table("task_queue")
    op.drop_index("ix_mail_outbox_sent_at_next_attempt_at", table_name="mail_outbox")
    op.drop_table("mail_outbox")
    op.drop_index("ix_stored_file_kind_used_at", table_name="stored_file")
    op.drop_table("stored_file")
