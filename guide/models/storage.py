"""Shared storage: files every app server sees, the task queue's tables and the mail outbox.

Why the database rather than a folder: two app servers on one PostgreSQL then share logos, edition PDFs and
cached PDFs with nothing else to set up (no shared volume, no object store), and the files are in the
database's backup. The files are small (logos of a few tens of kB, a 200-page edition of a few MB, one-page
PDFs of ~100 kB) and read rarely enough (a logo once per visitor thanks to its ETag) that the database
carries them without trouble.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base, utcnow


class StoredFile(Base):
    """A file named like a path (``logos/ab12….png``, ``editions/edition-3-guide.pdf``, ``pdf/fiche-….pdf``);
    ``kind`` is its first segment, ``used_at`` the last read (least recently used cached PDFs go first)."""

    __tablename__ = "stored_file"
    __table_args__ = (Index("ix_stored_file_kind_used_at", "kind", "used_at"),)

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    used_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class MailOutbox(Base):
    """A mail waiting for the worker: written in the transaction of the request that sends it (a request
    rolled back sends nothing), delivered by ``guide-worker`` with retries, kept a while once sent."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_sent_at_next_attempt_at", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    message: Mapped[bytes] = mapped_column(LargeBinary)  # the whole RFC 5322 message, built at send time
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[dt.datetime | None]


# --- the task queue (huey's storage, guide.tasks.DatabaseStorage) -------------------------------------------


class TaskQueue(Base):
    __tablename__ = "task_queue"
    __table_args__ = (Index("ix_task_queue_queue_priority_id", "queue", "priority", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue: Mapped[str] = mapped_column(String(60))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    enqueued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TaskSchedule(Base):
    __tablename__ = "task_schedule"
    __table_args__ = (Index("ix_task_schedule_queue_run_at", "queue", "run_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue: Mapped[str] = mapped_column(String(60))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    run_at: Mapped[float] = mapped_column(Float)  # a POSIX timestamp, as huey gives it


class TaskData(Base):
    """huey's key/value store: results, revocations, locks."""

    __tablename__ = "task_data"

    queue: Mapped[str] = mapped_column(String(60), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TaskCounter(Base):
    __tablename__ = "task_counter"

    queue: Mapped[str] = mapped_column(String(60), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
