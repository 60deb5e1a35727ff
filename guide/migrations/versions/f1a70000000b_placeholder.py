"""search lexicon: the language and lexicon key of synonym groups, dismissed lexicon groups, and the lexicon
loaded at installation

Revision ID: f1a70000000b
Revises: f1a70000000a
Create Date: 2026-11-30 11:15:00
"""

import sqlalchemy as sa
from alembic import op

import guide.models.meta

revision = "f1a70000000b"
down_revision = "f1a70000000a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("search_synonym", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), server_default="fr", nullable=False))
        batch_op.add_column(sa.Column("lexicon_key", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("lexicon_terms", sa.Text(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_search_synonym_lexicon_key"), ["lexicon_key"])
    op.create_table(
        "search_lexicon_dismissal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lexicon_key", sa.String(length=80), nullable=False),
        sa.Column("dismissed_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_lexicon_dismissal")),
        sa.UniqueConstraint("lexicon_key", name=op.f("uq_search_lexicon_dismissal_lexicon_key")),
    )
    _load_lexicon()


def _load_lexicon() -> None:
    """A fresh guide knows the field's vocabulary: the shipped lexicon, as ``guide-lexicon`` loads it (the
    groups whose expressions are not already a group of the table)."""
    from guide.services.lexicon import load_lexicon, missing_groups

    synonym = sa.table(
        "search_synonym",
        sa.column("terms", sa.Text()),
        sa.column("updated_at", guide.models.meta.UTCDateTime(timezone=True)),
        sa.column("language", sa.String()),
        sa.column("lexicon_key", sa.String()),
        sa.column("lexicon_terms", sa.Text()),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(synonym.c.terms, synonym.c.lexicon_key)).all()
    groups = missing_groups(load_lexicon(), [k for _, k in rows if k], [], [t for t, _ in rows])
    now = guide.models.meta.utcnow()
    if groups:
        op.bulk_insert(
            synonym,
            [
                {
                    "terms": g.terms,
                    "updated_at": now,
                    "language": g.language,
                    "lexicon_key": g.key,
                    "lexicon_terms": g.terms,
                }
                for g in groups
            ],
        )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM search_synonym WHERE lexicon_key IS NOT NULL AND terms = lexicon_terms"))
    op.drop_table("search_lexicon_dismissal")
    with op.batch_alter_table("search_synonym", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_search_synonym_lexicon_key"), type_="unique")
        batch_op.drop_column("lexicon_terms")
        batch_op.drop_column("lexicon_key")
        batch_op.drop_column("language")
