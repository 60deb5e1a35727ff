"""search misses aggregated, quartier slugs

One row per normalised query and day, with a count, instead of one row per search (written in batches off
the request, see search_index.misses). Existing rows are counted into the new ones. Quartier slugs need no
schema change (unique slugs are chosen by guide.services.quartiers).

Revision ID: f1a700000001
Revises: d0e1f2a3b4c5
Create Date: 2026-11-30 09:00:00
"""

import datetime as dt
from collections import Counter

import sqlalchemy as sa
from alembic import op

import guide.models.meta

revision = "f1a700000001"
down_revision = "d0e1f2a3b4c5"
branch_labels = None
depends_on = None

_OLD = sa.table(
    "search_miss",
    sa.column("id", sa.Integer()),
    sa.column("query", sa.String(200)),
    sa.column("at", guide.models.meta.UTCDateTime(timezone=True)),
)
_NEW = sa.table(
    "search_miss",
    sa.column("id", sa.Integer()),
    sa.column("query", sa.String(200)),
    sa.column("day", sa.Date()),
    sa.column("count", sa.Integer()),
)
_DOWNGRADE_MAX_ROWS = 1000  # per query and day: a downgrade does not re-create millions of rows


def _normalise(
    query: str,
) -> str:  # as guide.models.search.normalise_query (kept here: migrations are frozen)
    return " ".join(query.lower().split())[:200].rstrip()


def upgrade() -> None:
    conn = op.get_bind()
    counts: Counter[tuple[str, dt.date]] = Counter()
    for query, at in conn.execute(sa.select(_OLD.c.query, _OLD.c.at)):
        if query and at is not None and _normalise(query):
            counts[_normalise(query), at.astimezone(dt.UTC).date()] += 1
    with op.batch_alter_table("search_miss", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_miss_at"))
    op.drop_table("search_miss")
    op.create_table(
        "search_miss",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_miss")),
        sa.UniqueConstraint("query", "day", name=op.f("uq_search_miss_query")),
    )
    with op.batch_alter_table("search_miss", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_miss_day"), ["day"], unique=False)
    rows = [{"query": q, "day": day, "count": n} for (q, day), n in sorted(counts.items())]
    for start in range(0, len(rows), 1000):
        conn.execute(sa.insert(_NEW), rows[start : start + 1000])


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_NEW.c.query, _NEW.c.day, _NEW.c.count)).all()
    with op.batch_alter_table("search_miss", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_miss_day"))
    op.drop_table("search_miss")
    op.create_table(
        "search_miss",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_miss")),
    )
    with op.batch_alter_table("search_miss", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_miss_at"), ["at"], unique=False)
    old = [
        {"query": query, "at": dt.datetime.combine(day, dt.time(12), dt.UTC)}
        for query, day, count in rows
        for _ in range(min(count, _DOWNGRADE_MAX_ROWS))
    ]
    for start in range(0, len(old), 1000):
        conn.execute(sa.insert(_OLD), old[start : start + 1000])
