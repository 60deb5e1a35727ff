"""agenda events (the shared agenda: events, their thématiques and history)

Revision ID: f1a700000010
Revises: f1a70000000f
Create Date: 2026-11-30 14:20:00
"""

import sqlalchemy as sa
from alembic import op

import guide.models.meta

revision = "f1a700000010"
down_revision = "f1a70000000f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agenda_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("fiche_id", sa.Integer(), nullable=True),
        sa.Column("lieu_id", sa.Integer(), nullable=True),
        sa.Column("adresse", sa.String(length=300), nullable=False),
        sa.Column("en_ligne", sa.Boolean(), nullable=False),
        sa.Column("titre", sa.String(length=150), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "atelier",
                "reunion-information",
                "permanence-exceptionnelle",
                "evenement",
                "formation",
                "sortie",
                "conference",
                name="eventkind",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("publics", sa.JSON(), nullable=False),
        sa.Column("gratuit", sa.Boolean(), nullable=False),
        sa.Column("tarif", sa.String(length=200), nullable=False),
        sa.Column(
            "inscription",
            sa.Enum("aucune", "conseillee", "obligatoire", name="registration", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("inscription_modalites", sa.String(length=300), nullable=False),
        sa.Column("starts_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rrule", sa.String(length=200), nullable=True),
        sa.Column("cancelled", sa.JSON(), nullable=False),
        sa.Column("last_ends_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "brouillon", "a_valider", "publie", "archive", name="state", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("review_comment", sa.Text(), nullable=False),
        sa.Column("created_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state_changed_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", guide.models.meta.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_agenda_event_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["fiche_id"], ["fiche.id"], name=op.f("fk_agenda_event_fiche_id_fiche"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["lieu_id"], ["lieu.id"], name=op.f("fk_agenda_event_lieu_id_lieu"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_agenda_event_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_agenda_event_updated_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_event")),
    )
    with op.batch_alter_table("agenda_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_event_fiche_id"), ["fiche_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_event_lieu_id"), ["lieu_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_agenda_event_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_agenda_event_state"), ["state"], unique=False)
        batch_op.create_index("ix_agenda_event_state_last_ends_at", ["state", "last_ends_at"], unique=False)

    op.create_table(
        "agenda_event_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column(
            "from_state",
            sa.Enum(
                "brouillon", "a_valider", "publie", "archive", name="state", native_enum=False, length=20
            ),
            nullable=True,
        ),
        sa.Column(
            "to_state",
            sa.Enum(
                "brouillon", "a_valider", "publie", "archive", name="state", native_enum=False, length=20
            ),
            nullable=True,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_agenda_event_history_actor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["agenda_event.id"],
            name=op.f("fk_agenda_event_history_event_id_agenda_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_event_history")),
    )
    with op.batch_alter_table("agenda_event_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_event_history_event_id"), ["event_id"], unique=False)

    op.create_table(
        "agenda_event_thematique",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("thematique_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["agenda_event.id"],
            name=op.f("fk_agenda_event_thematique_event_id_agenda_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thematique_id"],
            ["thematique.id"],
            name=op.f("fk_agenda_event_thematique_thematique_id_thematique"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("event_id", "thematique_id", name=op.f("pk_agenda_event_thematique")),
    )


def downgrade() -> None:
    op.drop_table("agenda_event_thematique")
    op.drop_table("agenda_event_history")
    op.drop_table("agenda_event")
