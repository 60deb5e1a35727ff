"""import sources, quartier aliases and the guide's taxonomy

Two tables for the imports (``source_record``: each imported data·inclusion row as it came, the values the
import last wrote, the source's update date; ``quartier_alias``: other names of quartiers) and the guide's
taxonomy — its thématiques mapped to every data·inclusion v1 thématique code — so that a fresh guide files
imported services without the demo. The taxonomy is written only into an empty ``thematique`` table: a
guide whose coordination already keeps its own is left alone (and the demo loader, which skips existing
slugs, stays idempotent). This list is frozen here: later changes of the taxonomy are the coordination's,
not this migration's.

Revision ID: f1a700000006
Revises: f1a700000005
Create Date: 2026-11-30 11:15:00
"""

import sqlalchemy as sa
from alembic import op

import guide.models.meta

revision = "f1a700000006"
down_revision = "f1a700000005"
branch_labels = None
depends_on = None

TAXONOMY: list[tuple[str, str, str, int, list[str]]] = [
    (
        "acces-aux-droits",
        "Accès aux droits et démarches",
        "droits",
        10,
        [
            "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
            "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
            "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-a-la-citoyennete",
        ],
    ),
    (
        "justice",
        "Justice et aide juridique",
        "justice",
        20,
        [
            "difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire",
            "difficultes-administratives-ou-juridiques--connaitre-ses-droits-face-a-une-discrimination",
            "difficultes-administratives-ou-juridiques--beneficier-dune-mesure-daccompagnement-adapte",
        ],
    ),
    (
        "violences-faites-aux-femmes",
        "Violences faites aux femmes",
        "violences",
        30,
        [
            "famille--surmonter-conflits-separation-violence",
        ],
    ),
    (
        "sante",
        "Santé",
        "sante",
        40,
        [
            "sante--acces-aux-soins",
            "sante--sante-mentale",
            "sante--addictions",
        ],
    ),
    (
        "sante-sexuelle",
        "Santé sexuelle, contraception et IVG",
        "sante-sexuelle",
        50,
        [
            "sante--sante-sexuelle",
        ],
    ),
    (
        "famille-parentalite",
        "Famille et parentalité",
        "famille",
        60,
        [
            "famille--soutien-a-la-parentalite-et-a-leducation",
            "famille--garde-denfants",
        ],
    ),
    (
        "enfance-jeunesse",
        "Enfance et jeunesse",
        "jeunesse",
        70,
        [
            "famille--soutien-a-la-parentalite-et-a-leducation",
            "remobilisation--lien-social",
        ],
    ),
    (
        "logement",
        "Logement et hébergement",
        "logement",
        80,
        [
            "logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
            "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",
            "logement-hebergement--se-maintenir-dans-le-logement",
            "logement-hebergement--reduire-les-impayes-de-loyer",
            "logement-hebergement--acheter-un-logement",
            "logement-hebergement--changer-de-logement",
            "logement-hebergement--louer-un-logement",
        ],
    ),
    (
        "emploi-insertion",
        "Emploi et insertion",
        "emploi",
        90,
        [
            "choisir-un-metier--identifier-ses-points-forts-et-ses-competences",
            "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation",
            "trouver-un-emploi--repondre-a-des-offres-demploi",
            "se-former--trouver-sa-formation",
            "creer-une-entreprise--definir-son-projet-de-creation-dentreprise",
            "choisir-un-metier--confirmer-son-choix-de-metier",
            "choisir-un-metier--connaitre-les-opportunites-demploi",
            "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
            "creer-une-entreprise--developper-son-entreprise",
            "creer-une-entreprise--structurer-son-projet-de-creation-dentreprise",
            "preparer-sa-candidature--developper-son-reseau",
            "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
            "preparer-sa-candidature--valoriser-ses-competences",
            "se-former--monter-son-dossier-de-formation",
            "souvrir-a-linternational--connaitre-les-opportunites-demploi-a-letranger",
            "souvrir-a-linternational--sinformer-sur-les-aides-pour-travailler-a-letranger",
            "souvrir-a-linternational--sorganiser-suite-a-son-retour-en-france",
            "trouver-un-emploi--convaincre-un-recruteur-en-entretien",
            "trouver-un-emploi--faire-des-candidatures-spontanees",
            "trouver-un-emploi--maintien-dans-lemploi",
            "trouver-un-emploi--suivre-ses-candidatures-et-relancer-les-employeurs",
        ],
    ),
    (
        "apprendre-le-francais",
        "Apprendre le français",
        "langue",
        100,
        [
            "lecture-ecriture-calcul--maitriser-le-francais",
            "lecture-ecriture-calcul--maitriser-le-calcul",
        ],
    ),
    (
        "numerique",
        "Numérique",
        "numerique",
        110,
        [
            "numerique--acceder-a-des-services-en-ligne",
            "numerique--maitriser-les-fondamentaux-du-numerique",
            "numerique--acquerir-un-equipement",
            "numerique--acceder-a-une-connexion-internet",
        ],
    ),
    (
        "budget",
        "Budget et aides financières",
        "budget",
        120,
        [
            "difficultes-financieres--ameliorer-sa-gestion-budgetaire",
            "difficultes-financieres--prevenir-une-degradation-de-la-situation-financiere",
            "difficultes-financieres--situation-dendettement-surendettement",
            "difficultes-financieres--acquerir-une-autonomie-budgetaire",
            "difficultes-financieres--mettre-en-place-une-mesure-de-protection-financiere",
        ],
    ),
    (
        "alimentation-aide-materielle",
        "Alimentation et aide matérielle",
        "alimentation",
        130,
        [
            "equipement-et-alimentation--alimentation",
            "equipement-et-alimentation--habillement",
            "equipement-et-alimentation--electromenager",
        ],
    ),
    (
        "culture-sport-loisirs",
        "Culture, sport et loisirs",
        "loisirs",
        140,
        [
            "remobilisation--activites-sportives-et-culturelles",
            "remobilisation--lien-social",
            "remobilisation--bien-etre-confiance-en-soi",
            "remobilisation--benevolat-action-citoyenne",
        ],
    ),
    (
        "handicap",
        "Handicap",
        "handicap",
        150,
        [
            "sante--constituer-un-dossier-mdph-invalidite",
            "famille--prise-en-charge-personne-dependante",
        ],
    ),
    (
        "seniors",
        "Seniors et proches aidants",
        "seniors",
        160,
        [
            "famille--prise-en-charge-personne-dependante",
            "famille--soutien-aidants",
            "equipement-et-alimentation--aide-menagere",
        ],
    ),
    (
        "mobilite",
        "Mobilité et transports",
        "autre",
        170,
        [
            "mobilite--acceder-a-un-vehicule",
            "mobilite--entretenir-reparer-son-vehicule",
            "mobilite--etre-accompagne-dans-son-parcours-mobilite",
            "mobilite--financer-ma-mobilite",
            "mobilite--preparer-un-permis",
            "mobilite--mobilite-douce-partagee-collective",
        ],
    ),
]


def upgrade() -> None:
    op.create_table(
        "source_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("fiche_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("imported", sa.JSON(), nullable=False),
        sa.Column("date_maj", sa.Date(), nullable=True),
        sa.Column("lien_source", sa.String(length=500), nullable=False),
        sa.Column("accessibilite_lieu", sa.String(length=500), nullable=False),
        sa.Column("thematiques", sa.JSON(), nullable=False),
        sa.Column("publics", sa.JSON(), nullable=False),
        sa.Column("modes_accueil", sa.JSON(), nullable=False),
        sa.Column("zone_eligibilite", sa.JSON(), nullable=False),
        sa.Column("mobilisable_par", sa.JSON(), nullable=False),
        sa.Column("first_imported_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_imported_at", guide.models.meta.UTCDateTime(timezone=True), nullable=False),
        sa.Column("missing_since", guide.models.meta.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_source_record_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["fiche_id"], ["fiche.id"], name=op.f("fk_source_record_fiche_id_fiche"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_record")),
        sa.UniqueConstraint("kind", "source", "source_id", name=op.f("uq_source_record_kind")),
    )
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_source_record_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_source_record_fiche_id"), ["fiche_id"], unique=False)
    op.create_table(
        "quartier_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quartier_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["quartier_id"],
            ["quartier.id"],
            name=op.f("fk_quartier_alias_quartier_id_quartier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quartier_alias")),
        sa.UniqueConstraint("key", name=op.f("uq_quartier_alias_key")),
    )
    with op.batch_alter_table("quartier_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quartier_alias_quartier_id"), ["quartier_id"], unique=False)

    thematique = sa.table(
        "thematique",
        sa.column("slug", sa.String),
        sa.column("label", sa.String),
        sa.column("icon", sa.String),
        sa.column("position", sa.Integer),
        sa.column("di_codes", sa.JSON),
    )
    connection = op.get_bind()
    if connection.execute(sa.select(sa.func.count()).select_from(thematique)).scalar():
        return  # the coordination keeps its own taxonomy
    op.bulk_insert(
        thematique,
        [
            {"slug": slug, "label": label, "icon": icon, "position": position, "di_codes": codes}
            for slug, label, icon, position, codes in TAXONOMY
        ],
    )


def downgrade() -> None:
    # The taxonomy stays: fiches may be filed under it.
    op.drop_table("quartier_alias")
    op.drop_table("source_record")
