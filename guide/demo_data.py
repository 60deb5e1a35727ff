"""Demonstration data for the guide: Clermont-Ferrand's social, health, legal, family and youth services.

Pure data, written for the demo from the City's public documents (``/work/shared/seeds``): the 25 Gisèle
Halimi women's centre and its resident associations, the centres sociaux (Nord, Sud, Mandela at La
Gauthière), the CCAS and the City's social services. :func:`guide.services.demo.load_demo` turns it into
rows through the model and the services.

Read it as a realistic example, not as a reference:

* quartier polygons are SCHEMATIC rectangles placed around each quartier's real location so that they
  tile the city without overlapping; they are not the official QPV or IRIS boundaries;
* addresses come from the seed documents where they give one (25 rue Lucie-et-Raymond-Aubrac,
  22 rue Georges-Clemenceau, rue de la Grande-Combaude, rue Albert-Mallet, 10 rue Philippe-Marcombes);
  the others are approximate (a street or a square, without a number);
* telephone numbers are the City's published ones where the seeds give them (04 73 98 07 81,
  04 73 42 63 63); every other number is in the 04 65 71 xx xx range that ARCEP reserves for fiction,
  and every e-mail address uses the reserved ``.example`` domain, so that nobody real is called or mailed;
* the only SIRET is the commune's (SIREN 216 301 135, derived from INSEE code 63113) with the NIC of a
  main establishment; it passes the Luhn check. Every other SIRET is left empty.

Fiches use the content keys of :func:`guide.services.fiches.create_fiche` (``nom`` is the title); ``lieux``
and ``thematiques`` hold keys of :data:`LIEUX` and slugs of :data:`THEMATIQUES`; ``organisation`` is a key of
:data:`ORGANISATIONS`; ``state`` is the workflow state the loader brings the fiche to.
"""

from __future__ import annotations

from typing import Any

DEMO_PASSWORD = "demo-guide-2026"  # noqa: S105 - documented password of the local demo accounts
DEMO_SOURCE = "demo"

CODE_INSEE_CLERMONT = "63113"
SIRET_VILLE = "21630113500010"


def _rect(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    """A schematic GeoJSON Polygon (lon/lat, counter-clockwise, closed)."""
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


# --- quartiers ---------------------------------------------------------------------------------
# Four schematic rows from south to north; cells of a row share their edges.
QUARTIERS: list[dict[str, Any]] = [
    # south: 45.755 - 45.771
    {
        "code": "QP-FONTAINE-DU-BAC",
        "nom": "La Fontaine-du-Bac",
        "geometry": _rect(3.058, 45.755, 3.080, 45.771),
    },
    {"code": "QU-SALINS", "nom": "Les Salins - La Glacière", "geometry": _rect(3.080, 45.755, 3.094, 45.771)},
    {"code": "QP-SAINT-JACQUES", "nom": "Saint-Jacques", "geometry": _rect(3.094, 45.755, 3.115, 45.771)},
    # centre: 45.771 - 45.786
    {
        "code": "QU-FONTGIEVE",
        "nom": "Fontgiève - Saint-Alyre",
        "geometry": _rect(3.058, 45.771, 3.078, 45.786),
    },
    {
        "code": "QU-CENTRE-JAUDE",
        "nom": "Centre-ville - Jaude",
        "geometry": _rect(3.078, 45.771, 3.094, 45.786),
    },
    {"code": "QU-ESTAING", "nom": "Estaing - République", "geometry": _rect(3.094, 45.771, 3.115, 45.786)},
    # north: 45.786 - 45.801
    {"code": "QP-CHAMPRATEL", "nom": "Champratel", "geometry": _rect(3.062, 45.786, 3.094, 45.801)},
    {"code": "QP-GAUTHIERE", "nom": "La Gauthière", "geometry": _rect(3.094, 45.786, 3.110, 45.801)},
    {"code": "QU-MONTFERRAND", "nom": "Montferrand", "geometry": _rect(3.110, 45.786, 3.132, 45.801)},
    # far north: 45.801 - 45.818
    {
        "code": "QP-CROIX-DE-NEYRAT",
        "nom": "La Croix-de-Neyrat",
        "geometry": _rect(3.070, 45.801, 3.100, 45.818),
    },
    {"code": "QP-VERGNES", "nom": "Les Vergnes", "geometry": _rect(3.100, 45.801, 3.132, 45.818)},
]


# --- thématiques ---------------------------------------------------------------------------------
_THEMATIQUES: list[dict[str, Any]] = [
    {
        "slug": "acces-aux-droits",
        "label": "Accès aux droits et démarches",
        "icon": "droits",
        "di_codes": [
            "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
            "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
            "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-a-la-citoyennete",
        ],
    },
    {
        "slug": "justice",
        "label": "Justice et aide juridique",
        "icon": "justice",
        "di_codes": [
            "difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire",
            "difficultes-administratives-ou-juridiques--connaitre-ses-droits-face-a-une-discrimination",
            "difficultes-administratives-ou-juridiques--beneficier-dune-mesure-daccompagnement-adapte",
        ],
    },
    {
        "slug": "violences-faites-aux-femmes",
        "label": "Violences faites aux femmes",
        "icon": "violences",
        "di_codes": ["famille--surmonter-conflits-separation-violence"],
    },
    {
        "slug": "sante",
        "label": "Santé",
        "icon": "sante",
        "di_codes": ["sante--acces-aux-soins", "sante--sante-mentale", "sante--addictions"],
    },
    {
        "slug": "sante-sexuelle",
        "label": "Santé sexuelle, contraception et IVG",
        "icon": "sante-sexuelle",
        "di_codes": ["sante--sante-sexuelle"],
    },
    {
        "slug": "famille-parentalite",
        "label": "Famille et parentalité",
        "icon": "famille",
        "di_codes": ["famille--soutien-a-la-parentalite-et-a-leducation", "famille--garde-denfants"],
    },
    {
        "slug": "enfance-jeunesse",
        "label": "Enfance et jeunesse",
        "icon": "jeunesse",
        "di_codes": ["famille--soutien-a-la-parentalite-et-a-leducation", "remobilisation--lien-social"],
    },
    {
        "slug": "logement",
        "label": "Logement et hébergement",
        "icon": "logement",
        "di_codes": [
            "logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
            "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",
            "logement-hebergement--se-maintenir-dans-le-logement",
            "logement-hebergement--reduire-les-impayes-de-loyer",
        ],
    },
    {
        "slug": "emploi-insertion",
        "label": "Emploi et insertion",
        "icon": "emploi",
        "di_codes": [
            "choisir-un-metier--identifier-ses-points-forts-et-ses-competences",
            "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation",
            "trouver-un-emploi--repondre-a-des-offres-demploi",
            "se-former--trouver-sa-formation",
            "creer-une-entreprise--definir-son-projet-de-creation-dentreprise",
        ],
    },
    {
        "slug": "apprendre-le-francais",
        "label": "Apprendre le français",
        "icon": "langue",
        "di_codes": ["lecture-ecriture-calcul--maitriser-le-francais"],
    },
    {
        "slug": "numerique",
        "label": "Numérique",
        "icon": "numerique",
        "di_codes": [
            "numerique--acceder-a-des-services-en-ligne",
            "numerique--maitriser-les-fondamentaux-du-numerique",
            "numerique--acquerir-un-equipement",
            "numerique--acceder-a-une-connexion-internet",
        ],
    },
    {
        "slug": "budget",
        "label": "Budget et aides financières",
        "icon": "budget",
        "di_codes": [
            "difficultes-financieres--ameliorer-sa-gestion-budgetaire",
            "difficultes-financieres--prevenir-une-degradation-de-la-situation-financiere",
            "difficultes-financieres--situation-dendettement-surendettement",
        ],
    },
    {
        "slug": "alimentation-aide-materielle",
        "label": "Alimentation et aide matérielle",
        "icon": "alimentation",
        "di_codes": [
            "equipement-et-alimentation--alimentation",
            "equipement-et-alimentation--habillement",
            "equipement-et-alimentation--electromenager",
        ],
    },
    {
        "slug": "culture-sport-loisirs",
        "label": "Culture, sport et loisirs",
        "icon": "loisirs",
        "di_codes": [
            "remobilisation--activites-sportives-et-culturelles",
            "remobilisation--lien-social",
            "remobilisation--bien-etre-confiance-en-soi",
        ],
    },
    {
        "slug": "handicap",
        "label": "Handicap",
        "icon": "handicap",
        "di_codes": [
            "sante--constituer-un-dossier-mdph-invalidite",
            "famille--prise-en-charge-personne-dependante",
        ],
    },
    {
        "slug": "seniors",
        "label": "Seniors et proches aidants",
        "icon": "seniors",
        "di_codes": [
            "famille--prise-en-charge-personne-dependante",
            "famille--soutien-aidants",
            "equipement-et-alimentation--aide-menagere",
        ],
    },
]
THEMATIQUES: list[dict[str, Any]] = [
    {**thematique, "position": rank * 10} for rank, thematique in enumerate(_THEMATIQUES, start=1)
]


# --- lieux -----------------------------------------------------------------------------------------
def _lieu(
    key: str,
    nom: str,
    adresse: str,
    quartier: str,
    latitude: float,
    longitude: float,
    access: tuple[str, str, str, str],
    code_postal: str = "63000",
    complement_adresse: str = "",
) -> dict[str, Any]:
    plain_pied, toilettes, boucle, lsf = access
    return {
        "key": key,
        "nom": nom,
        "adresse": adresse,
        "complement_adresse": complement_adresse,
        "code_postal": code_postal,
        "commune": "Clermont-Ferrand",
        "code_insee": CODE_INSEE_CLERMONT,
        "latitude": latitude,
        "longitude": longitude,
        "quartier": quartier,
        "acces_plain_pied": plain_pied,
        "toilettes_adaptees": toilettes,
        "boucle_magnetique": boucle,
        "langue_des_signes": lsf,
    }


LIEUX: list[dict[str, Any]] = [
    _lieu(
        "25gh",
        "Le 25 Gisèle Halimi",
        "25 rue Lucie-et-Raymond-Aubrac",
        "QU-ESTAING",
        45.7812,
        3.1005,
        ("oui", "oui", "oui", "inconnu"),
        code_postal="63100",
        complement_adresse="Résidence Estaing, bâtiment C",
    ),
    _lieu(
        "lis",
        "Lieu Information Senior (CCAS)",
        "22 rue Georges-Clemenceau",
        "QU-CENTRE-JAUDE",
        45.7755,
        3.0880,
        ("oui", "oui", "non", "non"),
    ),
    _lieu(
        "mediatheque-jaude",
        "Médiathèque de Jaude",
        "Place Louis-Aragon",
        "QU-CENTRE-JAUDE",
        45.7758,
        3.0810,
        ("oui", "oui", "oui", "inconnu"),
    ),
    _lieu(
        "mille-formes",
        "Mille formes",
        "Place Louis-Aragon",
        "QU-CENTRE-JAUDE",
        45.7752,
        3.0820,
        ("oui", "oui", "inconnu", "inconnu"),
    ),
    _lieu(
        "mq-saint-jacques",
        "Maison de quartier de Saint-Jacques (centre social Sud)",
        "Boulevard Claude-Bernard",
        "QP-SAINT-JACQUES",
        45.7640,
        3.0985,
        ("oui", "non", "non", "non"),
    ),
    _lieu(
        "mq-fontaine-du-bac",
        "Maison de quartier de la Fontaine-du-Bac (centre social Sud, France Services)",
        "Place de la Fontaine-du-Bac",
        "QP-FONTAINE-DU-BAC",
        45.7625,
        3.0705,
        ("oui", "oui", "non", "inconnu"),
    ),
    _lieu(
        "centre-sante-fdb",
        "Centre de santé de la Fontaine-du-Bac",
        "Centre commercial de la Fontaine-du-Bac",
        "QP-FONTAINE-DU-BAC",
        45.7633,
        3.0718,
        ("oui", "oui", "inconnu", "non"),
    ),
    _lieu(
        "espace-combaude",
        "Espace Combaude (centre social Mandela)",
        "Rue de la Grande-Combaude",
        "QP-GAUTHIERE",
        45.7948,
        3.0990,
        ("oui", "non", "non", "non"),
    ),
    _lieu(
        "espace-mandela",
        "Espace Nelson-Mandela",
        "Quartier de la Gauthière",
        "QP-GAUTHIERE",
        45.7935,
        3.1015,
        ("oui", "oui", "oui", "inconnu"),
    ),
    _lieu(
        "public-info",
        "Public Info - France Services de la Gauthière",
        "Rue Tourette",
        "QP-GAUTHIERE",
        45.7926,
        3.1042,
        ("oui", "inconnu", "non", "non"),
    ),
    _lieu(
        "mq-champratel",
        "Maison de quartier de Champratel (centre social Nord)",
        "Quartier de Champratel",
        "QP-CHAMPRATEL",
        45.7955,
        3.0850,
        ("non", "non", "non", "non"),
    ),
    _lieu(
        "mq-croix-de-neyrat",
        "Maison de quartier de la Croix-de-Neyrat (centre social Nord)",
        "Quartier de la Croix-de-Neyrat",
        "QP-CROIX-DE-NEYRAT",
        45.8065,
        3.0930,
        ("oui", "oui", "non", "non"),
    ),
    _lieu(
        "mairie-annexe-vergnes",
        "Mairie annexe des Vergnes (France Services)",
        "Quartier du Château-des-Vergnes",
        "QP-VERGNES",
        45.8120,
        3.1120,
        ("oui", "oui", "oui", "non"),
    ),
    _lieu(
        "paej",
        "Point accueil écoute jeunes",
        "Rue Fontgiève",
        "QU-FONTGIEVE",
        45.7800,
        3.0740,
        ("non", "non", "non", "non"),
    ),
    _lieu(
        "esat",
        "ESAT du CCAS - blanchisserie",
        "Rue Albert-Mallet",
        "QU-SALINS",
        45.7672,
        3.0880,
        ("oui", "oui", "inconnu", "inconnu"),
    ),
    _lieu(
        "espace-solidarite-salins",
        "Espace solidarité des Salins",
        "Quartier des Salins",
        "QU-SALINS",
        45.7690,
        3.0858,
        ("oui", "non", "non", "non"),
    ),
]


# --- organisations -------------------------------------------------------------------------------
ORGANISATIONS: list[dict[str, Any]] = [
    {
        "key": "25gh",
        "nom": "Le 25 Gisèle Halimi",
        "sigle": "25GH",
        "description": (
            "Lieu municipal de ressources et de répit pour toutes les femmes et les jeunes filles, coordonné "
            "par la mission Égalité des droits de la Ville. On y est écoutée, informée et orientée ; le "
            "Planning familial, le CIDFF 63 et AVEC France Victimes 63 y sont installés à demeure et une "
            "soixantaine de partenaires y tiennent des permanences ou des ateliers."
        ),
        "siret": SIRET_VILLE,
        "reseau_porteur": "Ville de Clermont-Ferrand - mission Égalité des droits",
        "telephone": "04 65 71 25 00",
        "courriel": "accueil@25gh.example",
        "site_web": "https://clermont-ferrand.fr",
        "direct_publication": False,
        "lieux": ["25gh"],
    },
    {
        "key": "avec63",
        "nom": "AVEC France Victimes 63",
        "sigle": "AVEC 63",
        "description": (
            "Association victimes écoute conseil, membre du réseau France Victimes. Elle accueille, écoute "
            "et accompagne les victimes d'infractions, et tient au 25 Gisèle Halimi un accueil de jour pour "
            "les femmes victimes de violences au sein du couple, avec psychologues et intervenante sociale."
        ),
        "siret": None,
        "reseau_porteur": "France Victimes",
        "telephone": "04 65 71 10 63",
        "courriel": "contact@avec63.example",
        "site_web": "https://www.france-victimes.fr",
        "direct_publication": False,
        "lieux": ["25gh"],
    },
    {
        "key": "planning63",
        "nom": "Planning familial du Puy-de-Dôme",
        "sigle": "Planning familial 63",
        "description": (
            "Association d'éducation populaire pour le droit à la contraception, à l'avortement et à une "
            "sexualité choisie. Son centre de santé à orientation gynécologique (médecins, sages-femmes, "
            "conseillères) est installé au 25 Gisèle Halimi."
        ),
        "siret": None,
        "reseau_porteur": "Mouvement français pour le planning familial",
        "telephone": "04 65 71 20 63",
        "courriel": "contact@planning63.example",
        "site_web": "https://www.planning-familial.org",
        "direct_publication": False,
        "lieux": ["25gh"],
    },
    {
        "key": "cidff63",
        "nom": "Centre d'information sur les droits des femmes et des familles du Puy-de-Dôme",
        "sigle": "CIDFF 63",
        "description": (
            "Juristes et conseillères emploi qui informent gratuitement sur le droit de la famille, les "
            "séparations, le droit des étrangers, et accompagnent les femmes vers l'emploi. Présent en "
            "permanence au 25 Gisèle Halimi et dans les maisons de quartier."
        ),
        "siret": None,
        "reseau_porteur": "Fédération nationale des CIDFF",
        "telephone": "04 65 71 30 63",
        "courriel": "contact@cidff63.example",
        "site_web": "https://www.infofemmes.com",
        "direct_publication": False,
        "lieux": ["25gh", "mq-saint-jacques"],
    },
    {
        "key": "cdad63",
        "nom": "Conseil départemental de l'accès au droit du Puy-de-Dôme",
        "sigle": "CDAD 63",
        "description": (
            "Il organise les points d'accès au droit : consultations gratuites d'avocats, conciliateurs de "
            "justice, permanences pour les victimes de violences intrafamiliales, dans les maisons de "
            "quartier, à la mairie annexe des Vergnes et au 25 Gisèle Halimi."
        ),
        "siret": None,
        "reseau_porteur": "Ministère de la Justice - réseau des CDAD",
        "telephone": "04 65 71 40 63",
        "courriel": "acces-au-droit@cdad63.example",
        "site_web": "https://www.justice.fr",
        "direct_publication": False,
        "lieux": ["25gh", "mq-saint-jacques", "espace-combaude", "mairie-annexe-vergnes"],
    },
    {
        "key": "ccas",
        "nom": "Centre communal d'action sociale de Clermont-Ferrand",
        "sigle": "CCAS",
        "description": (
            "Établissement public de la Ville : aide et soins à domicile, portage de repas, Ehpad et "
            "résidences autonomie, aides sociales facultatives, accompagnement des personnes isolées, "
            "protection juridique des majeurs et ESAT pour les adultes en situation de handicap."
        ),
        "siret": None,
        "reseau_porteur": "Ville de Clermont-Ferrand",
        "telephone": "04 73 98 07 81",
        "courriel": "accueil@ccas-clermont.example",
        "site_web": "https://www.service-domicile-clermont.fr",
        "direct_publication": True,
        "lieux": ["lis", "esat", "25gh", "mq-fontaine-du-bac", "mq-croix-de-neyrat"],
    },
    {
        "key": "cs-sud",
        "nom": "Centre social Sud - Saint-Jacques et Fontaine-du-Bac",
        "sigle": "CS Sud",
        "description": (
            "Centre social municipal, agréé par la CAF, réparti entre les maisons de quartier de "
            "Saint-Jacques et de la Fontaine-du-Bac : accueil et aide aux démarches, numérique, "
            "parentalité, accompagnement scolaire, jeunesse et animations ouvertes à tous. Il anime le "
            "réseau des partenaires du guide du territoire sud."
        ),
        "siret": SIRET_VILLE,
        "reseau_porteur": "Ville de Clermont-Ferrand - direction du Développement social et urbain",
        "telephone": "04 65 71 50 10",
        "courriel": "centre-social-sud@clermont-ferrand.example",
        "site_web": "https://clermont-ferrand.fr",
        "direct_publication": True,
        "lieux": ["mq-saint-jacques", "mq-fontaine-du-bac"],
    },
    {
        "key": "cs-mandela",
        "nom": "Centre social Mandela - La Gauthière",
        "sigle": "CS Mandela",
        "description": (
            "Centre social municipal de la Gauthière, entre l'Espace Nelson-Mandela (salle de spectacle "
            "tournée vers le jeune public) et l'espace Combaude : rendez-vous des parents, accompagnement "
            "scolaire, français pour adultes, ateliers et sorties."
        ),
        "siret": SIRET_VILLE,
        "reseau_porteur": "Ville de Clermont-Ferrand - direction du Développement social et urbain",
        "telephone": "04 65 71 50 20",
        "courriel": "centre-social-mandela@clermont-ferrand.example",
        "site_web": "https://clermont-ferrand.fr",
        "direct_publication": False,
        "lieux": ["espace-combaude", "espace-mandela"],
    },
    {
        "key": "cs-nord",
        "nom": "Centre social Nord - Croix-de-Neyrat, Champratel, Les Vergnes",
        "sigle": "CS Nord",
        "description": (
            "Premier centre social municipal, agréé en 2020, réparti entre les maisons de quartier de la "
            "Croix-de-Neyrat et de Champratel : accueil, accompagnement à la scolarité, lieu d'accueil "
            "enfants-parents, jardins et animations de proximité."
        ),
        "siret": SIRET_VILLE,
        "reseau_porteur": "Ville de Clermont-Ferrand - direction du Développement social et urbain",
        "telephone": "04 65 71 50 30",
        "courriel": "centre-social-nord@clermont-ferrand.example",
        "site_web": "https://clermont-ferrand.fr",
        "direct_publication": False,
        "lieux": ["mq-croix-de-neyrat", "mq-champratel"],
    },
    {
        "key": "france-services",
        "nom": "France Services de la Ville de Clermont-Ferrand",
        "sigle": "France Services",
        "description": (
            "Guichets labellisés France Services à la mairie annexe des Vergnes et à la maison de quartier "
            "de la Fontaine-du-Bac : un même lieu pour les démarches CAF, Assurance maladie, impôts, "
            "retraite, France Travail, titres d'identité."
        ),
        "siret": SIRET_VILLE,
        "reseau_porteur": "Réseau France Services",
        "telephone": "04 73 42 63 63",
        "courriel": "france-services@clermont-ferrand.example",
        "site_web": "https://www.france-services.gouv.fr",
        "direct_publication": False,
        "lieux": ["mairie-annexe-vergnes", "mq-fontaine-du-bac"],
    },
    {
        "key": "public-info",
        "nom": "Public Info Gauthière",
        "sigle": "Public Info",
        "description": (
            "Point d'information en cœur de quartier, labellisé France Services : accueil, orientation, "
            "aide pour écrire un courrier ou remplir un dossier, accès à un ordinateur."
        ),
        "siret": None,
        "reseau_porteur": "Réseau France Services",
        "telephone": "04 65 71 60 10",
        "courriel": "accueil@public-info.example",
        "site_web": "",
        "direct_publication": False,
        "lieux": ["public-info"],
    },
    {
        "key": "pmi",
        "nom": "Protection maternelle et infantile - Conseil départemental du Puy-de-Dôme",
        "sigle": "PMI",
        "description": (
            "Service du Département pour les futurs parents et les enfants de moins de 6 ans : "
            "consultations médicales gratuites, suivi de grossesse par des sages-femmes, puéricultrices, "
            "et une équipe mobile qui va dans les lieux d'hébergement."
        ),
        "siret": None,
        "reseau_porteur": "Conseil départemental du Puy-de-Dôme",
        "telephone": "04 65 71 60 20",
        "courriel": "pmi@puy-de-dome.example",
        "site_web": "https://www.puy-de-dome.fr",
        "direct_publication": False,
        "lieux": ["espace-combaude", "mq-croix-de-neyrat", "25gh"],
    },
    {
        "key": "mission-locale",
        "nom": "Mission locale de Clermont-Ferrand",
        "sigle": "Mission locale",
        "description": (
            "Accompagne les jeunes de 16 à 25 ans sortis de l'école : orientation, formation, emploi, "
            "logement, santé, mobilité. Permanences dans les maisons de quartier."
        ),
        "siret": None,
        "reseau_porteur": "Union nationale des missions locales",
        "telephone": "04 65 71 60 30",
        "courriel": "accueil@mission-locale.example",
        "site_web": "",
        "direct_publication": False,
        "lieux": ["mq-saint-jacques", "mairie-annexe-vergnes"],
    },
    {
        "key": "paej",
        "nom": "Point accueil écoute jeunes de Clermont-Ferrand",
        "sigle": "PAEJ",
        "description": (
            "Psychologues, éducateurs et travailleurs sociaux qui écoutent les 18-25 ans en difficulté "
            "(mal-être, addictions, isolement, violence), sans rendez-vous, gratuitement et en toute "
            "confidentialité."
        ),
        "siret": SIRET_VILLE,
        "reseau_porteur": "Ville de Clermont-Ferrand",
        "telephone": "04 65 71 60 40",
        "courriel": "paej@clermont-ferrand.example",
        "site_web": "",
        "direct_publication": False,
        "lieux": ["paej"],
    },
    {
        "key": "sama",
        "nom": "Services d'accompagnement aux migrants d'Auvergne",
        "sigle": "SAMA",
        "description": (
            "Association qui accompagne les personnes migrantes vers l'autonomie : ateliers "
            "sociolinguistiques et ateliers à visée d'insertion professionnelle, notamment à la maison de "
            "quartier de Saint-Jacques."
        ),
        "siret": None,
        "reseau_porteur": "",
        "telephone": "04 65 71 60 50",
        "courriel": "contact@sama.example",
        "site_web": "",
        "direct_publication": False,
        "lieux": ["mq-saint-jacques"],
    },
    {
        "key": "fit",
        "nom": "FIT Formation Insertion Travail",
        "sigle": "FIT",
        "description": (
            "Organisme de formation : français langue étrangère, français de la vie quotidienne et français "
            "à visée professionnelle, sur prescription, au plus près des quartiers."
        ),
        "siret": None,
        "reseau_porteur": "",
        "telephone": "04 65 71 60 60",
        "courriel": "contact@fit-formation.example",
        "site_web": "",
        "direct_publication": False,
        "lieux": ["mq-fontaine-du-bac"],
    },
    {
        "key": "femmes-solidaires",
        "nom": "Femmes solidaires - comité de Clermont-Ferrand",
        "sigle": "Femmes solidaires",
        "description": (
            "Association féministe d'éducation populaire : cafés-débats sur l'égalité, ateliers de "
            "prévention du cybersexisme pour les adolescents, lectures non genrées pour les enfants."
        ),
        "siret": None,
        "reseau_porteur": "Femmes solidaires",
        "telephone": "04 65 71 60 70",
        "courriel": "clermont@femmes-solidaires.example",
        "site_web": "",
        "direct_publication": False,
        "lieux": ["25gh"],
    },
    {
        "key": "acepp",
        "nom": "ACEPP 63 - Association des collectifs enfants parents professionnels",
        "sigle": "ACEPP 63",
        "description": (
            "Réseau de lieux d'accueil parentaux. Au 25 Gisèle Halimi, elle anime le Bala'bulles, un café "
            "des parents pensé d'abord pour les mères isolées."
        ),
        "siret": None,
        "reseau_porteur": "ACEPP",
        "telephone": "04 65 71 60 80",
        "courriel": "contact@acepp63.example",
        "site_web": "",
        "direct_publication": False,
        "lieux": ["25gh"],
    },
    {
        "key": "caf63",
        "nom": "Caisse d'allocations familiales du Puy-de-Dôme",
        "sigle": "CAF 63",
        "description": (
            "Prestations familiales et sociales, soutien à la parentalité et point conseil budget. "
            "Partenaire des centres sociaux de la Ville."
        ),
        "siret": None,
        "reseau_porteur": "Caisse nationale des allocations familiales",
        "telephone": "04 65 71 60 90",
        "courriel": "parentalite@caf63.example",
        "site_web": "https://www.caf.fr",
        "direct_publication": False,
        "lieux": ["25gh", "mq-saint-jacques"],
    },
    {
        "key": "adil63",
        "nom": "Agence départementale d'information sur le logement du Puy-de-Dôme",
        "sigle": "ADIL 63",
        "description": (
            "Juristes spécialisés qui informent gratuitement locataires et propriétaires : bail, loyer, "
            "charges, impayés, expulsion, logement indécent."
        ),
        "siret": None,
        "reseau_porteur": "ANIL",
        "telephone": "04 65 71 61 00",
        "courriel": "contact@adil63.example",
        "site_web": "https://www.anil.org",
        "direct_publication": False,
        "lieux": ["mq-saint-jacques", "public-info"],
    },
    {
        "key": "mediatheques",
        "nom": "Médiathèques de Clermont Auvergne Métropole",
        "sigle": "Médiathèques",
        "description": (
            "Réseau de lecture publique de la Métropole : prêt de livres, films et jeux, lectures pour les "
            "tout-petits, accompagnement numérique."
        ),
        "siret": None,
        "reseau_porteur": "Clermont Auvergne Métropole",
        "telephone": "04 65 71 61 10",
        "courriel": "mediatheques@clermontmetropole.example",
        "site_web": "",
        "direct_publication": False,
        "lieux": ["mediatheque-jaude"],
    },
    {
        "key": "mille-formes",
        "nom": "Mille formes - centre d'initiation à l'art pour les 0-6 ans",
        "sigle": "Mille formes",
        "description": (
            "Centre d'art municipal pour les tout-petits et leurs familles, gratuit et ouvert à tous."
        ),
        "siret": SIRET_VILLE,
        "reseau_porteur": "Ville de Clermont-Ferrand",
        "telephone": "04 65 71 61 20",
        "courriel": "milleformes@clermont-ferrand.example",
        "site_web": "https://clermont-ferrand.fr",
        "direct_publication": False,
        "lieux": ["mille-formes"],
    },
    {
        "key": "sante-ville",
        "nom": "Direction de la santé publique de la Ville de Clermont-Ferrand",
        "sigle": "DSP",
        "description": (
            "Service municipal : centre de santé de la Fontaine-du-Bac (en partenariat avec le Département), "
            "santé scolaire dans les écoles publiques, prévention et promotion de la santé."
        ),
        "siret": SIRET_VILLE,
        "reseau_porteur": "Ville de Clermont-Ferrand",
        "telephone": "04 73 42 63 63",
        "courriel": "sante-publique@clermont-ferrand.example",
        "site_web": "https://clermont-ferrand.fr",
        "direct_publication": False,
        "lieux": ["centre-sante-fdb"],
    },
    {
        "key": "secours-populaire",
        "nom": "Secours populaire français - fédération du Puy-de-Dôme",
        "sigle": "SPF 63",
        "description": (
            "Association de solidarité : aide alimentaire en libre-service, vêtements, accès aux vacances "
            "et à la culture pour les familles."
        ),
        "siret": None,
        "reseau_porteur": "Secours populaire français",
        "telephone": "04 65 71 61 30",
        "courriel": "contact@spf63.example",
        "site_web": "https://www.secourspopulaire.fr",
        "direct_publication": False,
        "lieux": ["espace-solidarite-salins"],
    },
    {
        "key": "emmaus-connect",
        "nom": "Emmaüs Connect",
        "sigle": "",
        "description": (
            "Association qui lutte contre l'exclusion numérique : équipement et connexion à prix solidaire, "
            "initiation aux outils numériques."
        ),
        "siret": None,
        "reseau_porteur": "Emmaüs France",
        "telephone": "04 65 71 61 40",
        "courriel": "clermont@emmaus-connect.example",
        "site_web": "https://emmaus-connect.org",
        "direct_publication": False,
        "lieux": ["mq-saint-jacques"],
    },
    {
        "key": "rls",
        "nom": "Retraite Loisirs Solidarité",
        "sigle": "RLS",
        "description": (
            "Association partenaire du CCAS qui propose aux seniors conférences, activité physique adaptée, "
            "prêt de livres, visites guidées et projections."
        ),
        "siret": None,
        "reseau_porteur": "",
        "telephone": "04 65 71 61 50",
        "courriel": "contact@rls.example",
        "site_web": "",
        "direct_publication": False,
        "lieux": ["lis"],
    },
]


# --- fiches ------------------------------------------------------------------------------------------
NOEL_2026 = {
    "debut": "2026-12-24",
    "fin": "2027-01-03",
    "message": "Fermé pendant les fêtes de fin d'année, réouverture le lundi 4 janvier.",
}
HIVER_2027 = {
    "debut": "2027-02-06",
    "fin": "2027-02-21",
    "message": "Pas de séance pendant les vacances d'hiver.",
}
ETE_2027 = {
    "debut": "2027-07-05",
    "fin": "2027-08-29",
    "message": "Pause estivale : reprise à la rentrée de septembre.",
}
AOUT_2027 = {
    "debut": "2027-08-02",
    "fin": "2027-08-22",
    "message": "Fermeture annuelle en août.",
}

FICHES: list[dict[str, Any]] = [
    # ---- Le 25 Gisèle Halimi (Ville, mission Égalité des droits) ----
    {
        "key": "25gh-accueil",
        "organisation": "25gh",
        "state": "publie",
        "nom": "Accueil, écoute et orientation des femmes",
        "resume": (
            "Une question sur vos droits, votre santé, vos enfants, ou une situation de violence ? "
            "Venez sans rendez-vous : une chargée d'accueil vous écoute et vous oriente vers la bonne "
            "personne."
        ),
        "description": (
            "Au 25 Gisèle Halimi, toute femme ou jeune fille est reçue avec respect, quelle que soit sa "
            "demande. La chargée d'accueil prend le temps de comprendre le besoin, puis oriente vers les "
            "professionnelles présentes dans le bâtiment (Planning familial, CIDFF, AVEC France Victimes) "
            "ou vers un partenaire extérieur.\n\n"
            "Des documents en facile à lire et à comprendre (FALC) et traduits en plusieurs langues sont "
            "disponibles ; un interprète peut être sollicité."
        ),
        "type_service": "orientation",
        "thematiques": ["acces-aux-droits", "violences-faites-aux-femmes"],
        "publics": ["femmes", "femmes-victimes-de-violences"],
        "publics_precisions": "Toutes les femmes et jeunes filles, avec ou sans enfant.",
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr", "en", "ar"],
        "horaires": "Mo-Fr 09:00-12:30,13:30-17:00; PH off",
        "horaires_precisions": "Le mercredi, accueil jusqu'à 18 h sur rendez-vous.",
        "fermetures": [NOEL_2026],
        "contact_nom": "Chargée d'accueil",
        "telephone": "04 65 71 25 00",
        "courriel": "accueil@25gh.example",
        "lieux": ["25gh"],
    },
    {
        "key": "25gh-repit",
        "organisation": "25gh",
        "state": "publie",
        "nom": "Espace de répit avec coin enfants",
        "resume": (
            "Un salon calme pour souffler un moment, boire un café, lire ou discuter, pendant que les "
            "enfants jouent dans le coin qui leur est réservé."
        ),
        "description": (
            "L'espace de répit est ouvert aux femmes qui ont besoin d'une pause, seules ou avec leurs "
            "enfants. Pas besoin d'avoir une démarche à faire : on peut simplement venir se poser. Un "
            "coin enfants avec jeux et livres est installé à côté."
        ),
        "type_service": "activite",
        "thematiques": ["culture-sport-loisirs", "famille-parentalite"],
        "publics": ["femmes", "parents-isoles"],
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo-Fr 09:00-17:00; PH off",
        "fermetures": [NOEL_2026],
        "lieux": ["25gh"],
    },
    {
        "key": "25gh-cafe-lbt",
        "organisation": "25gh",
        "state": "publie",
        "nom": "Café LBT+ : échanges en mixité choisie",
        "resume": (
            "Un rendez-vous mensuel convivial pour les femmes lesbiennes, bies, trans et leurs questions, "
            "animé avec le réseau LGBTQIA+ de la Ville."
        ),
        "description": (
            "Chaque mois, un thème différent (santé, famille, travail, discriminations) sert de point de "
            "départ à la discussion. Le café est organisé avec les associations du réseau LGBTQIA+ ; la "
            "confidentialité des échanges est de règle."
        ),
        "type_service": "activite",
        "thematiques": ["culture-sport-loisirs", "justice"],
        "publics": ["femmes"],
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Th[2] 18:00-20:00",
        "horaires_precisions": "Le 2e jeudi du mois.",
        "lieux": ["25gh"],
    },
    {
        "key": "25gh-protections",
        "organisation": "25gh",
        "state": "publie",
        "nom": "Protections hygiéniques gratuites et point de collecte",
        "resume": (
            "Serviettes, tampons et protections lavables à disposition gratuitement. Vous pouvez aussi "
            "déposer des dons pour alimenter les boîtes solidaires de la ville."
        ),
        "description": (
            "Dans le cadre de la lutte contre la précarité menstruelle, des protections hygiéniques sont "
            "disponibles librement à l'accueil. Le 25 Gisèle Halimi est aussi un point de collecte : les "
            "dons sont redistribués dans les boîtes solidaires installées en ville."
        ),
        "type_service": "aide-materielle",
        "thematiques": ["alimentation-aide-materielle", "sante"],
        "publics": ["femmes", "etudiants", "personnes-sans-domicile"],
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo-Fr 09:00-12:30,13:30-17:00; PH off",
        "lieux": ["25gh"],
    },
    {
        "key": "25gh-potager",
        "organisation": "25gh",
        "state": "a_valider",
        "nom": "Potager partagé du 25",
        "resume": (
            "Jardiner ensemble dans le petit espace vert du 25 Gisèle Halimi : habitantes et habitants du "
            "quartier bienvenus, débutants compris."
        ),
        "description": (
            "Le potager est ouvert aux usagères et aux habitants du quartier. Outils et graines sont "
            "fournis ; les récoltes sont partagées. Des ateliers de récupération (mobilier de terrasse, "
            "bacs) ont lieu certains samedis."
        ),
        "type_service": "activite",
        "thematiques": ["culture-sport-loisirs", "alimentation-aide-materielle"],
        "publics": ["tous-publics"],
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "We 14:00-17:00; Sa 10:00-12:00",
        "horaires_precisions": "D'avril à octobre.",
        "lieux": ["25gh"],
    },
    {
        "key": "25gh-egalite-toute-lannee",
        "organisation": "25gh",
        "state": "brouillon",
        "nom": "« L'égalité c'est toute l'année » : expositions, débats, spectacles",
        "resume": (
            "Autour du 8 mars, du 17 mai et du 25 novembre, le 25 Gisèle Halimi accueille expositions, "
            "conférences, ciné-débats et petites formes de spectacle."
        ),
        "description": (
            "La programmation est construite avec les associations partenaires. Elle s'adresse à tous les "
            "publics, y compris les scolaires sur demande des établissements."
        ),
        "type_service": "information",
        "thematiques": ["culture-sport-loisirs", "violences-faites-aux-femmes"],
        "publics": ["tous-publics"],
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "",
        "horaires_precisions": "Dates publiées au fil de l'année.",
        "lieux": ["25gh"],
    },
    {
        "key": "25gh-garde-ponctuelle",
        "organisation": "25gh",
        "state": "brouillon",
        "nom": "Garde d'enfants ponctuelle pendant vos rendez-vous",
        "resume": (
            "Vos enfants sont accueillis par une professionnelle pendant que vous êtes en rendez-vous ou "
            "en atelier au 25 Gisèle Halimi."
        ),
        "description": (
            "Un mode de garde simple, sans dossier d'inscription, pour que la garde des enfants ne soit "
            "plus un frein. Réservé aux enfants de 3 mois à 6 ans, sur réservation la veille."
        ),
        "type_service": "accompagnement",
        "thematiques": ["famille-parentalite"],
        "publics": ["parents-isoles", "femmes", "enfants"],
        "age_min": 0,
        "age_max": 6,
        "conditions_acces": ["sur-inscription"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Tu,Th 09:00-12:00",
        "lieux": ["25gh"],
    },
    # ---- AVEC France Victimes 63 ----
    {
        "key": "avec-accueil-de-jour",
        "organisation": "avec63",
        "state": "publie",
        "nom": "Accueil de jour pour les femmes victimes de violences conjugales",
        "resume": (
            "Vous subissez des violences dans votre couple ? Sans rendez-vous, une intervenante sociale "
            "vous écoute, vous aide à préparer un départ en sécurité et vous accompagne dans vos démarches."
        ),
        "description": (
            "L'accueil de jour est un lieu sûr pour parler, sans obligation de porter plainte. L'équipe "
            "aide à préparer le départ du domicile (mise en sécurité, hébergement, papiers), propose une "
            "adresse postale et une boîte mail pour recevoir son courrier en toute discrétion, et "
            "accompagne ensuite dans tous les domaines : logement, droits, emploi.\n\n"
            "En cas de danger immédiat, appelez le 17. Le 3919 (Violences Femmes Info) répond 24 h/24, "
            "gratuitement et anonymement."
        ),
        "type_service": "accompagnement",
        "thematiques": ["violences-faites-aux-femmes", "logement", "acces-aux-droits"],
        "publics": ["femmes-victimes-de-violences", "femmes"],
        "conditions_acces": ["accueil-inconditionnel"],
        "conditions_precisions": "Avec ou sans enfants. Aucune démarche préalable n'est demandée.",
        "frais": "gratuit",
        "langues": ["fr", "en", "es"],
        "horaires": "Mo-Fr 09:00-17:00; PH off",
        "contact_nom": "Intervenante sociale de l'accueil de jour",
        "telephone": "04 65 71 10 63",
        "courriel": "accueil-de-jour@avec63.example",
        "lieux": ["25gh"],
    },
    {
        "key": "avec-psy",
        "organisation": "avec63",
        "state": "publie",
        "nom": "Soutien psychologique des femmes victimes et des enfants co-victimes",
        "resume": (
            "Des entretiens avec une psychologue pour les femmes victimes de violences et pour leurs "
            "enfants, témoins ou victimes eux aussi."
        ),
        "description": (
            "Deux psychologues de l'association reçoivent en entretien individuel. Les enfants exposés aux "
            "violences conjugales peuvent aussi être suivis, avec l'accord du parent protecteur."
        ),
        "type_service": "accompagnement",
        "thematiques": ["violences-faites-aux-femmes", "sante"],
        "publics": ["femmes-victimes-de-violences", "enfants"],
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
        "telephone": "04 65 71 10 63",
        "lieux": ["25gh"],
    },
    {
        "key": "avec-sophrologie",
        "organisation": "avec63",
        "state": "publie",
        "nom": "Atelier sophrologie : reprendre confiance en soi",
        "resume": (
            "Un petit groupe de femmes accompagnées par l'association, pour apprendre à se détendre, mieux "
            "dormir et retrouver confiance en soi."
        ),
        "description": (
            "Cycle de huit séances collectives animées par une sophrologue. Les participantes sont "
            "orientées par l'accueil de jour ou par la psychologue."
        ),
        "type_service": "atelier",
        "thematiques": ["violences-faites-aux-femmes", "sante"],
        "publics": ["femmes-victimes-de-violences"],
        "conditions_acces": ["sur-orientation"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Tu 14:00-15:30",
        "fermetures": [NOEL_2026, HIVER_2027],
        "lieux": ["25gh"],
    },
    {
        "key": "avec-aide-victimes",
        "organisation": "avec63",
        "state": "publie",
        "nom": "Aide aux victimes d'infractions : information et accompagnement",
        "resume": (
            "Victime d'un vol, d'une agression, d'un accident ? Un juriste vous explique vos droits, la "
            "plainte, l'indemnisation, et vous accompagne jusqu'à l'audience."
        ),
        "description": (
            "Accompagnement gratuit et confidentiel de toute victime, qu'elle ait porté plainte ou non. "
            "Le numéro national 116 006 (France Victimes) oriente aussi 7 jours sur 7."
        ),
        "type_service": "accompagnement",
        "thematiques": ["justice"],
        "publics": ["tous-publics"],
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo-Fr 09:00-12:00,13:30-17:00; PH off",
        "lieux": ["25gh"],
    },
    # ---- Planning familial 63 ----
    {
        "key": "pf-centre-sante",
        "organisation": "planning63",
        "state": "publie",
        "nom": "Consultations de gynécologie au centre de santé du Planning familial",
        "resume": (
            "Suivi gynécologique, contraception, frottis, suivi de grossesse : des médecins et "
            "sages-femmes vous reçoivent sans avance de frais."
        ),
        "description": (
            "Le centre de santé du Planning familial réunit gynécologues, sages-femmes, une sexologue et "
            "une kinésithérapeute spécialisée en rééducation du périnée. Les consultations se font sur "
            "rendez-vous ; une conseillère peut aussi vous recevoir pour parler de votre situation."
        ),
        "type_service": "accompagnement",
        "thematiques": ["sante-sexuelle", "sante"],
        "publics": ["femmes", "jeunes"],
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "frais_precisions": (
            "Tiers payant : pas d'avance de frais avec la carte Vitale. "
            "Renseignez-vous si vous n'avez pas de couverture maladie."
        ),
        "langues": ["fr", "en"],
        "horaires": "Mo-Fr 09:00-18:00; Sa 09:00-12:00; PH off",
        "fermetures": [NOEL_2026],
        "telephone": "04 65 71 20 63",
        "courriel": "centre-de-sante@planning63.example",
        "site_web": "https://www.planning-familial.org",
        "lieux": ["25gh"],
    },
    {
        "key": "pf-ivg",
        "organisation": "planning63",
        "state": "publie",
        "nom": "IVG médicamenteuse : information, consultation et suivi",
        "resume": (
            "Vous êtes enceinte et ne souhaitez pas poursuivre la grossesse ? Le Planning familial vous "
            "informe, réalise l'IVG médicamenteuse et assure le suivi, en toute confidentialité."
        ),
        "description": (
            "Un premier entretien permet de faire le point sur votre situation et sur les méthodes "
            "possibles. L'IVG médicamenteuse est réalisée au centre de santé ; une consultation de "
            "contrôle est prévue ensuite. L'IVG est prise en charge à 100 % par l'Assurance maladie. Les "
            "mineures peuvent être reçues sans l'accord de leurs parents, accompagnées d'un adulte de "
            "leur choix.\n\n"
            "Le numéro vert national « sexualités, contraception, IVG » (0 800 08 11 11) répond aussi "
            "anonymement et gratuitement."
        ),
        "type_service": "accompagnement",
        "thematiques": ["sante-sexuelle"],
        "publics": ["femmes", "jeunes"],
        "conditions_acces": ["sur-rendez-vous"],
        "conditions_precisions": "Appelez le plus tôt possible : des créneaux sont réservés chaque jour.",
        "frais": "gratuit",
        "langues": ["fr", "en", "es"],
        "horaires": "Mo-Fr 09:00-17:00; PH off",
        "telephone": "04 65 71 20 63",
        "lieux": ["25gh"],
    },
    {
        "key": "pf-permanence-jeunes",
        "organisation": "planning63",
        "state": "publie",
        "nom": "Permanence sans rendez-vous : contraception, dépistage, sexualité",
        "resume": (
            "Le mercredi après-midi, sans rendez-vous : contraception d'urgence, tests de grossesse, "
            "dépistage des IST, ou simplement des questions sur la sexualité et le couple."
        ),
        "description": (
            "Une conseillère conjugale et familiale et une sage-femme reçoivent sans rendez-vous, "
            "gratuitement et anonymement si vous le souhaitez. Les jeunes sont particulièrement bienvenus."
        ),
        "type_service": "permanence",
        "thematiques": ["sante-sexuelle"],
        "publics": ["jeunes", "tous-publics"],
        "age_min": 12,
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "We 13:30-17:30",
        "lieux": ["25gh"],
    },
    {
        "key": "pf-education-vie-affective",
        "organisation": "planning63",
        "state": "publie",
        "nom": "Séances d'éducation à la vie affective et sexuelle pour les groupes",
        "resume": (
            "Collèges, lycées, centres sociaux, foyers : le Planning familial anime des séances sur le "
            "consentement, les relations filles-garçons, la contraception."
        ),
        "description": (
            "Les séances ont lieu dans vos murs ou au 25 Gisèle Halimi, pour des groupes de jeunes ou "
            "d'adultes. Contenu adapté à l'âge, construit avec la structure qui fait la demande."
        ),
        "type_service": "atelier",
        "thematiques": ["sante-sexuelle", "enfance-jeunesse"],
        "publics": ["jeunes"],
        "publics_precisions": "Groupes constitués, à la demande d'un établissement ou d'une structure.",
        "conditions_acces": ["sur-inscription"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "",
        "horaires_precisions": "Dates à convenir avec l'équipe d'animation.",
        "lieux": ["25gh"],
    },
    {
        "key": "pf-transition",
        "organisation": "planning63",
        "state": "a_valider",
        "nom": "Accueil des personnes en transition de genre",
        "resume": (
            "Consultations et informations pour les personnes trans ou en questionnement, dans un cadre "
            "bienveillant, au centre de santé du Planning familial."
        ),
        "description": (
            "Écoute, information sur les parcours, suivi médical et orientation vers d'autres "
            "professionnels de santé si nécessaire."
        ),
        "type_service": "accompagnement",
        "thematiques": ["sante-sexuelle", "sante"],
        "publics": ["tous-publics"],
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo 14:00-18:00",
        "lieux": ["25gh"],
    },
    # ---- CIDFF 63 ----
    {
        "key": "cidff-juridique",
        "organisation": "cidff63",
        "state": "publie",
        "nom": "Information juridique gratuite : famille, séparation, droits des étrangers",
        "resume": (
            "Divorce, garde des enfants, pension alimentaire, titre de séjour : une juriste vous explique "
            "vos droits et les démarches, gratuitement et en toute confidentialité."
        ),
        "description": (
            "Les juristes du CIDFF informent sur le droit de la famille, le droit du travail, le droit des "
            "étrangers et les violences. Elles ne remplacent pas un avocat, mais aident à comprendre sa "
            "situation et orientent vers les bons professionnels.\n\n"
            "Permanences au 25 Gisèle Halimi et à la maison de quartier de Saint-Jacques."
        ),
        "type_service": "permanence",
        "thematiques": ["justice", "acces-aux-droits"],
        "publics": ["femmes", "familles", "personnes-exilees"],
        "publics_precisions": "Ouvert aux femmes comme aux hommes.",
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "langues": ["fr", "en"],
        "horaires": "Mo,Tu,Th 09:00-12:00,14:00-17:00; PH off",
        "horaires_precisions": "Le mardi à Saint-Jacques, lundi et jeudi au 25 Gisèle Halimi.",
        "fermetures": [NOEL_2026],
        "telephone": "04 65 71 30 63",
        "courriel": "juristes@cidff63.example",
        "lieux": ["25gh", "mq-saint-jacques"],
    },
    {
        "key": "cidff-emploi",
        "organisation": "cidff63",
        "state": "publie",
        "nom": "Accompagnement individuel vers l'emploi des femmes",
        "resume": (
            "Une conseillère vous suit pas à pas pour construire un projet professionnel, lever les freins "
            "(garde d'enfants, mobilité, langue) et retrouver un emploi ou une formation."
        ),
        "description": (
            "Le bureau d'accompagnement individualisé vers l'emploi propose des rendez-vous réguliers, des "
            "ateliers CV et entretien, et des séances de sensibilisation à la création d'entreprise."
        ),
        "type_service": "accompagnement",
        "thematiques": ["emploi-insertion"],
        "publics": ["femmes", "demandeurs-emploi", "residents-qpv-frr"],
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Tu,Th 09:00-12:00,14:00-17:00",
        "lieux": ["25gh", "mq-saint-jacques"],
    },
    {
        "key": "cidff-numerique",
        "organisation": "cidff63",
        "state": "publie",
        "nom": "Ateliers numériques pour les femmes",
        "resume": (
            "Apprendre à utiliser un ordinateur ou un smartphone, créer une adresse mail, faire ses "
            "démarches en ligne : en petit groupe, à son rythme."
        ),
        "description": (
            "Ateliers collectifs de six personnes au plus, et rendez-vous individuels pour les démarches "
            "urgentes. Ordinateurs fournis."
        ),
        "type_service": "atelier",
        "thematiques": ["numerique"],
        "publics": ["femmes"],
        "conditions_acces": ["sur-inscription"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Fr 09:30-11:30",
        "fermetures": [NOEL_2026],
        "lieux": ["25gh"],
    },
    {
        "key": "cidff-veuvage",
        "organisation": "cidff63",
        "state": "a_valider",
        "nom": "Groupe de parole pour les femmes veuves",
        "resume": (
            "Un groupe animé par une psychologue pour partager ce que l'on vit après le décès de son "
            "conjoint, et des rendez-vous individuels pour les démarches."
        ),
        "description": (
            "Le groupe se réunit une fois par mois. Une juriste peut aussi répondre aux questions de "
            "succession et de pension de réversion."
        ),
        "type_service": "atelier",
        "thematiques": ["sante", "seniors"],
        "publics": ["femmes", "seniors"],
        "conditions_acces": ["sur-inscription"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo[1] 14:00-16:00",
        "horaires_precisions": "Le 1er lundi du mois.",
        "lieux": ["25gh"],
    },
    {
        "key": "cidff-art-therapie",
        "organisation": "cidff63",
        "state": "archive",
        "nom": "Ateliers d'art-thérapie (cycle 2025-2026)",
        "resume": (
            "Peinture, collage, écriture : utiliser la création pour exprimer ce qui est difficile à dire. "
            "Cycle terminé ; un nouveau cycle sera annoncé."
        ),
        "description": (
            "Cycle de dix séances animées par une art-thérapeute, sur orientation d'une professionnelle."
        ),
        "type_service": "atelier",
        "thematiques": ["violences-faites-aux-femmes", "culture-sport-loisirs"],
        "publics": ["femmes-victimes-de-violences"],
        "conditions_acces": ["sur-orientation"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Th 14:00-16:00",
        "lieux": ["25gh"],
    },
    # ---- CDAD 63 ----
    {
        "key": "cdad-avocat-25gh",
        "organisation": "cdad63",
        "state": "publie",
        "nom": "Consultation gratuite d'un avocat au 25 Gisèle Halimi",
        "resume": (
            "Un avocat gratuit pour une première consultation : séparation, violences, logement, travail, "
            "dettes. Il vous conseille et vous dit si vous pouvez avoir l'aide juridictionnelle."
        ),
        "description": (
            "Consultation de 20 à 30 minutes avec un avocat du barreau de Clermont-Ferrand. Apportez les "
            "documents utiles (courriers, jugements, contrats). L'avocat ne peut pas suivre votre dossier "
            "ensuite, mais il vous explique comment faire."
        ),
        "type_service": "permanence",
        "thematiques": ["justice", "violences-faites-aux-femmes"],
        "publics": ["tous-publics", "femmes"],
        "conditions_acces": ["sur-rendez-vous"],
        "conditions_precisions": "Rendez-vous à prendre auprès de l'accueil du 25 Gisèle Halimi.",
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "We[1,3] 14:00-17:00",
        "horaires_precisions": "1er et 3e mercredis du mois.",
        "telephone": "04 65 71 25 00",
        "lieux": ["25gh"],
    },
    {
        "key": "cdad-avocat-saint-jacques",
        "organisation": "cdad63",
        "state": "publie",
        "nom": "Permanence d'avocat gratuite à la maison de quartier Saint-Jacques",
        "resume": (
            "Un avocat vous reçoit gratuitement et confidentiellement pour répondre à vos questions de "
            "droit : famille, logement, travail, consommation, litiges."
        ),
        "description": (
            "Permanence mensuelle du point d'accès au droit. Prenez rendez-vous à l'accueil de la maison "
            "de quartier ; un interprète peut être prévu si vous le signalez."
        ),
        "type_service": "permanence",
        "thematiques": ["justice", "acces-aux-droits"],
        "publics": ["tous-publics"],
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Tu[2] 09:00-12:00",
        "horaires_precisions": "Le 2e mardi du mois.",
        "telephone": "04 65 71 50 10",
        "lieux": ["mq-saint-jacques"],
    },
    {
        "key": "cdad-conciliateur",
        "organisation": "cdad63",
        "state": "publie",
        "nom": "Conciliateur de justice : régler un litige à l'amiable",
        "resume": (
            "Problème de voisinage, conflit avec un propriétaire, un artisan ou un commerçant ? Le "
            "conciliateur aide à trouver un accord sans aller au tribunal. Gratuit."
        ),
        "description": (
            "Le conciliateur est un bénévole assermenté. Il reçoit les deux parties et peut rédiger un "
            "constat d'accord qui aura la valeur d'un jugement s'il est homologué."
        ),
        "type_service": "permanence",
        "thematiques": ["justice"],
        "publics": ["tous-publics"],
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Th 09:00-12:00",
        "lieux": ["mairie-annexe-vergnes"],
    },
    {
        "key": "cdad-vif",
        "organisation": "cdad63",
        "state": "publie",
        "nom": "Permanence juridique pour les victimes de violences intrafamiliales",
        "resume": (
            "Avocats et juristes répondent gratuitement aux victimes de violences dans la famille : "
            "plainte, ordonnance de protection, garde des enfants, logement."
        ),
        "description": (
            "Permanence de la plateforme « violences intrafamiliales », en lien avec la chambre du "
            "tribunal dédiée à ces violences. Des visites d'audience peuvent être organisées pour "
            "comprendre le déroulement d'un procès avant d'y aller."
        ),
        "type_service": "permanence",
        "thematiques": ["justice", "violences-faites-aux-femmes"],
        "publics": ["femmes-victimes-de-violences", "familles"],
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo 14:00-17:00; PH off",
        "lieux": ["25gh"],
    },
    {
        "key": "cdad-gauthiere",
        "organisation": "cdad63",
        "state": "a_valider",
        "nom": "Point d'accès au droit à la Gauthière",
        "resume": (
            "Une fois par mois à l'espace Combaude : information juridique gratuite et orientation vers "
            "un avocat, un conciliateur ou un médiateur."
        ),
        "description": "Permanence de juriste, sur rendez-vous auprès de l'accueil du centre social Mandela.",
        "type_service": "permanence",
        "thematiques": ["justice", "acces-aux-droits"],
        "publics": ["tous-publics", "residents-qpv-frr"],
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Fr[4] 14:00-17:00",
        "horaires_precisions": "Le 4e vendredi du mois.",
        "lieux": ["espace-combaude"],
    },
    # ---- CCAS ----
    {
        "key": "ccas-lis",
        "organisation": "ccas",
        "state": "publie",
        "nom": "Lieu Information Senior : bien vieillir à domicile",
        "resume": (
            "Aide à domicile, portage de repas, téléassistance, résidences autonomie, Ehpad : un seul "
            "endroit pour s'informer et être conseillé, pour soi ou pour un proche."
        ),
        "description": (
            "Le Lieu Information Senior du CCAS accueille les personnes âgées et leurs proches. On y monte "
            "les demandes d'aide à domicile, on s'y informe sur les solutions d'hébergement et sur les "
            "activités proposées avec l'association Retraite Loisirs Solidarité."
        ),
        "type_service": "information",
        "thematiques": ["seniors", "handicap"],
        "publics": ["seniors", "aidants"],
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo-Fr 08:30-12:00,13:30-17:00; PH off",
        "telephone": "04 73 98 07 81",
        "site_web": "https://www.service-domicile-clermont.fr",
        "lieux": ["lis"],
    },
    {
        "key": "ccas-aide-domicile",
        "organisation": "ccas",
        "state": "publie",
        "nom": "Aide à domicile : lever, toilette, courses, repas",
        "resume": (
            "Des aides à domicile du CCAS interviennent chez vous tous les jours de l'année pour les "
            "gestes essentiels : lever, toilette, courses, préparation des repas."
        ),
        "description": (
            "Le service d'aide et d'accompagnement à domicile du CCAS se concentre sur les personnes les "
            "plus fragiles, socialement et financièrement. Une évaluation à domicile fixe le plan d'aide. "
            "Le service fonctionne 365 jours par an."
        ),
        "type_service": "accompagnement",
        "thematiques": ["seniors", "handicap"],
        "publics": ["seniors", "personnes-en-situation-de-handicap"],
        "conditions_acces": ["sur-rendez-vous"],
        "conditions_precisions": "Demande à faire au Lieu Information Senior.",
        "frais": "payant",
        "frais_precisions": (
            "Participation selon les ressources ; prise en charge possible par l'APA ou la PCH."
        ),
        "langues": ["fr"],
        "horaires": "Mo-Su 07:00-20:00",
        "horaires_precisions": "Heures d'intervention à domicile, y compris week-ends et jours fériés.",
        "telephone": "04 73 98 07 81",
        "site_web": "https://www.service-domicile-clermont.fr",
        "lieux": ["lis"],
    },
    {
        "key": "ccas-repas",
        "organisation": "ccas",
        "state": "publie",
        "nom": "Portage de repas à domicile",
        "resume": (
            "Des repas équilibrés livrés chez vous, adaptés aux régimes, pour les personnes âgées ou en "
            "situation de handicap qui ne peuvent plus cuisiner."
        ),
        "description": (
            "Livraison en liaison froide, du lundi au vendredi, avec les repas du week-end le vendredi."
        ),
        "type_service": "aide-materielle",
        "thematiques": ["seniors", "alimentation-aide-materielle"],
        "publics": ["seniors", "personnes-en-situation-de-handicap"],
        "conditions_acces": ["sur-inscription"],
        "frais": "payant",
        "frais_precisions": "Tarif selon les ressources.",
        "langues": ["fr"],
        "horaires": "Mo-Fr 08:00-12:00",
        "horaires_precisions": "Horaires de livraison.",
        "telephone": "04 73 98 07 81",
        "lieux": ["lis"],
    },
    {
        "key": "ccas-aides-facultatives",
        "organisation": "ccas",
        "state": "publie",
        "nom": "Aides financières ponctuelles du CCAS",
        "resume": (
            "Facture d'énergie, frais imprévus, difficulté passagère : le CCAS peut accorder une aide "
            "ponctuelle aux Clermontois, après un entretien avec un travailleur social."
        ),
        "description": (
            "Les aides sociales facultatives complètent les aides légales. La demande est instruite lors "
            "d'un entretien : apportez une pièce d'identité, vos justificatifs de ressources et de charges. "
            "Permanences dans les maisons de quartier."
        ),
        "type_service": "aide-financiere",
        "thematiques": ["budget", "acces-aux-droits"],
        "publics": ["beneficiaires-des-minimas-sociaux", "familles", "tous-publics"],
        "publics_precisions": "Personnes domiciliées à Clermont-Ferrand.",
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo-Fr 08:30-12:00,13:30-16:30; PH off",
        "telephone": "04 73 98 07 81",
        "lieux": ["mq-fontaine-du-bac", "mq-croix-de-neyrat"],
    },
    {
        "key": "ccas-personnes-isolees",
        "organisation": "ccas",
        "state": "publie",
        "nom": "Accompagnement social des personnes seules",
        "resume": (
            "Vous vivez seul, sans enfant à charge, et vous avez des difficultés (ressources, logement, "
            "santé, papiers) ? Un travailleur social du CCAS vous accompagne."
        ),
        "description": (
            "L'accompagnement porte sur l'accès aux droits, le budget, le maintien dans le logement et "
            "l'orientation vers les soins. Les familles avec enfants sont suivies par le service social "
            "du Département."
        ),
        "type_service": "accompagnement",
        "thematiques": ["acces-aux-droits", "logement", "budget"],
        "publics": ["tous-publics", "personnes-sans-domicile"],
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo-Fr 08:30-12:00,13:30-16:30; PH off",
        "lieux": ["mq-fontaine-du-bac", "mq-croix-de-neyrat"],
    },
    {
        "key": "ccas-seniors-sante-femmes",
        "organisation": "ccas",
        "state": "a_valider",
        "nom": "Prévention santé des femmes seniors : ménopause, AVC, sommeil",
        "resume": (
            "Des rencontres d'information animées par des professionnels de santé, pour parler entre "
            "femmes de plus de 55 ans de ce qui change avec l'âge."
        ),
        "description": "Une rencontre par mois au 25 Gisèle Halimi, suivie d'un moment convivial.",
        "type_service": "atelier",
        "thematiques": ["seniors", "sante"],
        "publics": ["seniors", "femmes"],
        "age_min": 55,
        "conditions_acces": ["sur-inscription"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Th[1] 14:00-16:00",
        "lieux": ["25gh"],
    },
    {
        "key": "ccas-esat",
        "organisation": "ccas",
        "state": "publie",
        "nom": "ESAT du CCAS : travailler dans un cadre adapté",
        "resume": (
            "Blanchisserie, espaces verts, reliure, conditionnement : l'ESAT du CCAS accueille des adultes "
            "en situation de handicap orientés par la MDPH, avec un accompagnement social."
        ),
        "description": (
            "L'ESAT accueille 83 travailleurs ayant une déficience légère ou des troubles psychiques "
            "stabilisés. Ils sont rémunérés, suivis médicalement et peuvent se former, jusqu'au CAP par "
            "la validation des acquis de l'expérience."
        ),
        "type_service": "accompagnement",
        "thematiques": ["handicap", "emploi-insertion"],
        "publics": ["personnes-en-situation-de-handicap"],
        "age_min": 18,
        "conditions_acces": ["sur-orientation"],
        "conditions_precisions": "Orientation en ESAT par la MDPH obligatoire.",
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo-Fr 08:00-16:00; PH off",
        "fermetures": [AOUT_2027],
        "lieux": ["esat"],
    },
    # ---- Centre social Sud ----
    {
        "key": "sud-accompagnement-scolaire",
        "organisation": "cs-sud",
        "state": "publie",
        "nom": "Accompagnement scolaire du CP au lycée à Saint-Jacques",
        "resume": (
            "Aide aux devoirs, méthode de travail et sorties culturelles pour les élèves du CP à la "
            "terminale, avec un temps d'échange régulier pour les parents."
        ),
        "description": (
            "L'accompagnement scolaire n'est pas l'école après l'école : intervenants et bénévoles aident "
            "à apprendre les leçons, à s'organiser et à reprendre confiance, et proposent des activités "
            "culturelles. Les parents sont invités à suivre la scolarité avec l'équipe (dispositif CLAS "
            "soutenu par la CAF)."
        ),
        "type_service": "activite",
        "thematiques": ["enfance-jeunesse", "famille-parentalite"],
        "publics": ["enfants", "jeunes", "familles"],
        "age_min": 6,
        "age_max": 18,
        "conditions_acces": ["sur-inscription"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo,Tu,Th 16:30-18:30; SH off",
        "horaires_precisions": "Hors vacances scolaires. Lycéens le jeudi.",
        "fermetures": [NOEL_2026],
        "contact_nom": "Référente CLAS",
        "telephone": "04 65 71 50 10",
        "lieux": ["mq-saint-jacques"],
    },
    {
        "key": "sud-cafe-parents",
        "organisation": "cs-sud",
        "state": "publie",
        "nom": "Café des parents",
        "resume": (
            "Un matin par mois, après avoir déposé les enfants à l'école, on se retrouve autour d'un café "
            "pour parler écrans, sommeil, alimentation, école…"
        ),
        "description": (
            "Les thèmes sont choisis par les parents ; certains cafés sont animés par un professionnel. "
            "Ouvert à tous les parents, en particulier ceux du groupe scolaire Jean-Jaurès."
        ),
        "type_service": "activite",
        "thematiques": ["famille-parentalite"],
        "publics": ["familles", "parents-isoles"],
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr", "ar"],
        "horaires": "Fr[1] 08:45-10:30",
        "horaires_precisions": (
            "Le 1er vendredi du mois, en alternance à Saint-Jacques et à la Fontaine-du-Bac."
        ),
        "lieux": ["mq-saint-jacques", "mq-fontaine-du-bac"],
    },
    {
        "key": "sud-elles",
        "organisation": "cs-sud",
        "state": "publie",
        "nom": "« Elles » : un temps de pause entre femmes",
        "resume": (
            "Chaque semaine, un petit groupe de mères et de femmes isolées se retrouve pour souffler, "
            "échanger et prendre du temps pour soi."
        ),
        "description": (
            "Groupe de 10 à 12 participantes. Des professionnels interviennent selon les sujets choisis "
            "(santé, droits, loisirs). Pendant les vacances, des temps parents-enfants sont proposés."
        ),
        "type_service": "activite",
        "thematiques": ["famille-parentalite", "culture-sport-loisirs"],
        "publics": ["femmes", "parents-isoles"],
        "conditions_acces": ["sur-inscription"],
        "conditions_precisions": "Parlez-en à l'accueil ou à votre référente.",
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Tu 09:30-11:30",
        "lieux": ["mq-fontaine-du-bac"],
    },
    {
        "key": "sud-numerique",
        "organisation": "cs-sud",
        "state": "publie",
        "nom": "Espace numérique : ordinateurs, imprimante et aide aux démarches en ligne",
        "resume": (
            "Utiliser un ordinateur, imprimer ou scanner un document, faire une démarche CAF ou France "
            "Travail, écrire son CV : un animateur vous aide."
        ),
        "description": (
            "Accès libre aux ordinateurs et au wifi, accompagnement individuel pour les démarches en "
            "ligne, et initiations collectives (smartphone, messagerie, sécurité)."
        ),
        "type_service": "accompagnement",
        "thematiques": ["numerique", "acces-aux-droits", "emploi-insertion"],
        "publics": ["tous-publics"],
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo-Fr 14:00-17:00; We 09:00-12:00,14:00-17:00; PH off",
        "fermetures": [NOEL_2026],
        "lieux": ["mq-saint-jacques", "mq-fontaine-du-bac"],
    },
    {
        "key": "sud-cp-parents",
        "organisation": "cs-sud",
        "state": "publie",
        "nom": "Le « CP des parents » : comprendre l'école avec son enfant",
        "resume": (
            "Pour les parents d'enfants en CP à la Fontaine-du-Bac : découvrir comment on apprend à lire, "
            "jouer avec son enfant et rencontrer les enseignants."
        ),
        "description": "Séances hebdomadaires avec des jeux et des outils à réutiliser à la maison.",
        "type_service": "atelier",
        "thematiques": ["famille-parentalite", "enfance-jeunesse"],
        "publics": ["familles"],
        "conditions_acces": ["sur-inscription"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Th 08:45-10:00; SH off",
        "lieux": ["mq-fontaine-du-bac"],
    },
    {
        "key": "sud-accueil-jeunes",
        "organisation": "cs-sud",
        "state": "publie",
        "nom": "Accueil libre jeunes du vendredi soir",
        "resume": (
            "Le vendredi soir, les 11-17 ans se retrouvent à la maison de quartier pour jouer, discuter et "
            "monter leurs projets avec les animateurs."
        ),
        "description": (
            "Sans inscription. Les animateurs accompagnent les idées de sorties, de séjours ou d'événements."
        ),
        "type_service": "activite",
        "thematiques": ["enfance-jeunesse", "culture-sport-loisirs"],
        "publics": ["jeunes"],
        "age_min": 11,
        "age_max": 17,
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Fr 18:00-21:00",
        "lieux": ["mq-saint-jacques"],
    },
    {
        "key": "sud-sorties",
        "organisation": "cs-sud",
        "state": "brouillon",
        "nom": "Sorties pour tous : culture, nature et loisirs en famille",
        "resume": (
            "Musée, spectacle, lac, montagne : des sorties à petit prix, choisies avec les habitants, "
            "pour découvrir la région en famille."
        ),
        "description": (
            "Programme affiché chaque trimestre à l'accueil des maisons de quartier. Transport en minibus."
        ),
        "type_service": "activite",
        "thematiques": ["culture-sport-loisirs", "famille-parentalite"],
        "publics": ["familles", "tous-publics"],
        "conditions_acces": ["sur-inscription"],
        "frais": "payant",
        "frais_precisions": "Participation de 2 à 8 € selon le quotient familial.",
        "langues": ["fr"],
        "horaires": "",
        "lieux": ["mq-saint-jacques", "mq-fontaine-du-bac"],
    },
    # ---- Centre social Mandela (La Gauthière) ----
    {
        "key": "mandela-aide-aux-devoirs",
        "organisation": "cs-mandela",
        "state": "publie",
        "nom": "Aide aux devoirs à la Gauthière",
        "resume": (
            "Après l'école, les enfants du CP à la 3e font leurs devoirs avec des animateurs et des "
            "bénévoles, au calme, à l'espace Combaude."
        ),
        "description": (
            "Accompagnement à la scolarité (CLAS) en petits groupes : devoirs, lecture, jeux éducatifs. "
            "Les parents sont reçus chaque trimestre pour faire le point avec l'équipe et, si besoin, "
            "avec les enseignants des écoles Jean-de-la-Fontaine et Charles-Perrault."
        ),
        "type_service": "activite",
        "thematiques": ["enfance-jeunesse", "famille-parentalite"],
        "publics": ["enfants", "jeunes"],
        "age_min": 6,
        "age_max": 15,
        "conditions_acces": ["sur-inscription"],
        "conditions_precisions": "Inscription à l'accueil de l'espace Combaude avec un parent.",
        "frais": "gratuit",
        "langues": ["fr", "ar", "tr"],
        "horaires": "Mo,Tu,Th,Fr 16:30-18:00; SH off",
        "horaires_precisions": "Hors vacances scolaires.",
        "fermetures": [NOEL_2026],
        "contact_nom": "Référent accompagnement scolaire",
        "telephone": "04 65 71 50 20",
        "lieux": ["espace-combaude"],
    },
    {
        "key": "mandela-cours-francais",
        "organisation": "cs-mandela",
        "state": "publie",
        "nom": "Cours de français pour adultes à la Gauthière",
        "resume": (
            "Apprendre ou améliorer son français pour la vie de tous les jours : parler au médecin, à "
            "l'école, faire ses courses, remplir un papier. Débutants bienvenus."
        ),
        "description": (
            "Ateliers d'alphabétisation et de français langue étrangère en petits groupes, par niveau. Un "
            "premier entretien permet de connaître votre niveau ; l'équipe peut aussi vous orienter vers "
            "des cours plus intensifs."
        ),
        "type_service": "formation",
        "thematiques": ["apprendre-le-francais"],
        "publics": ["personnes-exilees", "tous-publics"],
        "age_min": 16,
        "conditions_acces": ["sur-inscription"],
        "frais": "gratuit",
        "langues": ["fr", "ar", "tr"],
        "horaires": "Tu,Th 09:00-11:00; SH off",
        "fermetures": [NOEL_2026],
        "lieux": ["espace-combaude"],
    },
    {
        "key": "mandela-rdv-parents",
        "organisation": "cs-mandela",
        "state": "publie",
        "nom": "Rendez-vous des parents",
        "resume": (
            "Un moment d'échange entre parents chaque jeudi matin, parfois avec un invité : infirmière "
            "scolaire, éducateur, psychologue."
        ),
        "description": "Les enfants de moins de 3 ans peuvent rester avec leur parent dans l'espace jeux.",
        "type_service": "activite",
        "thematiques": ["famille-parentalite"],
        "publics": ["familles", "parents-isoles"],
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr", "ar"],
        "horaires": "Th 09:00-11:00",
        "lieux": ["espace-combaude"],
    },
    {
        "key": "mandela-couture",
        "organisation": "cs-mandela",
        "state": "publie",
        "nom": "Atelier couture et échanges de savoirs",
        "resume": (
            "Retoucher un vêtement, coudre un sac, apprendre la machine : chacun apporte ses idées et "
            "partage ce qu'il sait faire."
        ),
        "description": "Machines et tissus à disposition. Atelier animé par des habitantes bénévoles.",
        "type_service": "atelier",
        "thematiques": ["culture-sport-loisirs"],
        "publics": ["tous-publics"],
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo 14:00-16:30",
        "lieux": ["espace-combaude"],
    },
    {
        "key": "mandela-spectacles",
        "organisation": "cs-mandela",
        "state": "publie",
        "nom": "Spectacles jeune public à l'Espace Nelson-Mandela",
        "resume": (
            "Théâtre, marionnettes, contes, concerts : une programmation pour les enfants et leurs "
            "familles, à tout petit prix."
        ),
        "description": (
            "La salle de l'Espace Nelson-Mandela accueille toute l'année des spectacles pour les enfants, "
            "les écoles et les familles, dont le festival « Le conte en fête »."
        ),
        "type_service": "activite",
        "thematiques": ["culture-sport-loisirs", "enfance-jeunesse"],
        "publics": ["enfants", "familles"],
        "conditions_acces": ["sur-inscription"],
        "frais": "payant",
        "frais_precisions": "De 3 à 6 € ; gratuit pour les moins de 3 ans.",
        "langues": ["fr"],
        "horaires": "We 15:00-16:00; Sa 11:00-12:00",
        "fermetures": [ETE_2027],
        "lieux": ["espace-mandela"],
    },
    {
        "key": "mandela-sport-famille",
        "organisation": "cs-mandela",
        "state": "a_valider",
        "nom": "Sport en famille le samedi matin",
        "resume": (
            "Jeux sportifs, parcours et initiation à de nouvelles activités, à pratiquer avec ses enfants "
            "au gymnase du quartier."
        ),
        "description": "Tenue de sport conseillée. Les enfants doivent être accompagnés d'un adulte.",
        "type_service": "activite",
        "thematiques": ["culture-sport-loisirs", "famille-parentalite"],
        "publics": ["familles", "enfants"],
        "age_min": 4,
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Sa 10:00-12:00; SH off",
        "lieux": ["espace-combaude"],
    },
    # ---- Centre social Nord ----
    {
        "key": "nord-accueil",
        "organisation": "cs-nord",
        "state": "publie",
        "nom": "Accueil et aide aux démarches à la Croix-de-Neyrat",
        "resume": (
            "Un dossier à remplir, un courrier à comprendre, une démarche en ligne : l'équipe de la maison "
            "de quartier vous aide et vous oriente."
        ),
        "description": (
            "Accueil de proximité du centre social Nord. Il donne aussi toutes les informations sur les "
            "activités du quartier et sur les permanences de partenaires (CCAS, PMI, Mission locale)."
        ),
        "type_service": "accompagnement",
        "thematiques": ["acces-aux-droits", "numerique"],
        "publics": ["tous-publics", "residents-qpv-frr"],
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr", "ar", "tr"],
        "horaires": "Mo-Fr 09:00-12:00,13:30-17:30; PH off",
        "fermetures": [NOEL_2026],
        "telephone": "04 65 71 50 30",
        "lieux": ["mq-croix-de-neyrat"],
    },
    {
        "key": "nord-accompagnement-scolaire",
        "organisation": "cs-nord",
        "state": "publie",
        "nom": "Accompagnement à la scolarité à Champratel",
        "resume": (
            "Deux soirs par semaine, aide aux devoirs et activités pour les écoliers et les collégiens de "
            "Champratel."
        ),
        "description": "Petits groupes encadrés par des animateurs et des étudiants bénévoles.",
        "type_service": "activite",
        "thematiques": ["enfance-jeunesse"],
        "publics": ["enfants", "jeunes"],
        "age_min": 6,
        "age_max": 15,
        "conditions_acces": ["sur-inscription"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Tu,Th 16:45-18:15; SH off",
        "lieux": ["mq-champratel"],
    },
    {
        "key": "nord-laep",
        "organisation": "cs-nord",
        "state": "publie",
        "nom": "Lieu d'accueil enfants-parents (0-6 ans)",
        "resume": (
            "Un espace de jeu et de rencontre pour les moins de 6 ans accompagnés d'un parent ou d'un "
            "grand-parent. Sans inscription, anonyme et gratuit."
        ),
        "description": (
            "Deux accueillantes sont présentes pour écouter, sans jugement. L'enfant joue et rencontre "
            "d'autres enfants ; l'adulte échange avec d'autres parents."
        ),
        "type_service": "activite",
        "thematiques": ["famille-parentalite"],
        "publics": ["enfants", "familles", "parents-isoles"],
        "age_min": 0,
        "age_max": 6,
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "We 09:00-11:30",
        "lieux": ["mq-champratel"],
    },
    {
        "key": "nord-jardins",
        "organisation": "cs-nord",
        "state": "brouillon",
        "nom": "Jardins partagés des quartiers nord",
        "resume": "Des parcelles collectives à cultiver ensemble, avec des ateliers compost et semis.",
        "description": "Inscription auprès de l'accueil de la maison de quartier de la Croix-de-Neyrat.",
        "type_service": "activite",
        "thematiques": ["culture-sport-loisirs", "alimentation-aide-materielle"],
        "publics": ["tous-publics"],
        "conditions_acces": ["sur-inscription"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Sa 09:00-12:00",
        "lieux": ["mq-croix-de-neyrat"],
    },
    # ---- France Services (Ville) ----
    {
        "key": "france-services-demarches",
        "organisation": "france-services",
        "state": "publie",
        "nom": "France Services : aide aux démarches CAF, impôts, santé, retraite",
        "resume": (
            "Des agents formés vous aident pour vos démarches auprès de la CAF, de l'Assurance maladie, "
            "des impôts, de France Travail, de la retraite ou pour un titre d'identité."
        ),
        "description": (
            "Apportez vos identifiants, vos courriers et vos justificatifs. Un ordinateur et une "
            "imprimante sont en libre accès. Pour les situations complexes, l'agent prend contact avec "
            "l'organisme concerné."
        ),
        "type_service": "accompagnement",
        "thematiques": ["acces-aux-droits", "numerique"],
        "publics": ["tous-publics"],
        "conditions_acces": ["accueil-inconditionnel", "sur-rendez-vous"],
        "conditions_precisions": "Sans rendez-vous le matin ; sur rendez-vous l'après-midi.",
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo-Fr 08:30-12:00,13:30-17:00; Sa 09:00-12:00; PH off",
        "horaires_precisions": "Le samedi matin aux Vergnes seulement.",
        "fermetures": [NOEL_2026],
        "site_web": "https://www.france-services.gouv.fr",
        "lieux": ["mairie-annexe-vergnes", "mq-fontaine-du-bac"],
    },
    # ---- Public Info ----
    {
        "key": "public-info-accueil",
        "organisation": "public-info",
        "state": "publie",
        "nom": "Public Info : écrivain public et aide aux démarches",
        "resume": (
            "Comprendre un courrier, écrire une lettre, remplir un dossier, prendre un rendez-vous en "
            "ligne : Public Info vous aide, en cœur de quartier à la Gauthière."
        ),
        "description": "Accueil sans rendez-vous ; aide à la rédaction sur rendez-vous le jeudi.",
        "type_service": "accompagnement",
        "thematiques": ["acces-aux-droits", "numerique"],
        "publics": ["tous-publics", "residents-qpv-frr"],
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr", "ar"],
        "horaires": "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
        "lieux": ["public-info"],
    },
    # ---- PMI ----
    {
        "key": "pmi-consultations",
        "organisation": "pmi",
        "state": "publie",
        "nom": "Consultations PMI : suivi médical des enfants de 0 à 6 ans",
        "resume": (
            "Pesée, vaccins, développement, allaitement, sommeil : un médecin et une puéricultrice "
            "suivent gratuitement votre enfant jusqu'à 6 ans."
        ),
        "description": (
            "Consultations de protection maternelle et infantile à l'espace Combaude (Gauthière) et à la "
            "maison de quartier de la Croix-de-Neyrat. Les vaccins obligatoires sont faits sur place. "
            "Apportez le carnet de santé."
        ),
        "type_service": "accompagnement",
        "thematiques": ["sante", "famille-parentalite"],
        "publics": ["enfants", "familles"],
        "age_min": 0,
        "age_max": 6,
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Tu,Fr 09:00-12:00; PH off",
        "horaires_precisions": "Le mardi à la Gauthière, le vendredi à la Croix-de-Neyrat.",
        "telephone": "04 65 71 60 20",
        "site_web": "https://www.puy-de-dome.fr",
        "lieux": ["espace-combaude", "mq-croix-de-neyrat"],
    },
    {
        "key": "pmi-sage-femme",
        "organisation": "pmi",
        "state": "publie",
        "nom": "Suivi de grossesse par une sage-femme de PMI",
        "resume": (
            "Consultations de grossesse, préparation à la naissance et visites à domicile après "
            "l'accouchement, gratuitement."
        ),
        "description": (
            "La sage-femme peut aussi vous aider dans vos démarches (déclaration de grossesse, CAF)."
        ),
        "type_service": "accompagnement",
        "thematiques": ["sante", "famille-parentalite"],
        "publics": ["femmes", "familles"],
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo,Th 09:00-12:00,13:30-16:30",
        "lieux": ["espace-combaude"],
    },
    {
        "key": "pmi-equipe-mobile",
        "organisation": "pmi",
        "state": "a_valider",
        "nom": "Équipe mobile PMI dans les lieux d'hébergement",
        "resume": (
            "Une puéricultrice et une sage-femme se déplacent dans les hébergements d'urgence et au 25 "
            "Gisèle Halimi pour les femmes enceintes et les jeunes enfants."
        ),
        "description": (
            "Permanences dans les structures qui hébergent des femmes migrantes, des personnes sans "
            "domicile ou des victimes de violences, et actions collectives au 25 Gisèle Halimi."
        ),
        "type_service": "accompagnement",
        "thematiques": ["sante", "famille-parentalite"],
        "publics": ["personnes-sans-domicile", "femmes", "enfants"],
        "conditions_acces": ["sur-orientation"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "",
        "horaires_precisions": "Passages organisés avec chaque structure d'hébergement.",
        "lieux": ["25gh"],
    },
    # ---- Mission locale ----
    {
        "key": "mission-locale-permanence",
        "organisation": "mission-locale",
        "state": "publie",
        "nom": "Mission locale : emploi, formation et projets pour les 16-25 ans",
        "resume": (
            "Tu as entre 16 et 25 ans et tu n'es plus à l'école ? Un conseiller t'aide à trouver une "
            "formation, un emploi, un logement, et peut t'ouvrir droit au contrat d'engagement jeune."
        ),
        "description": (
            "Permanences de proximité dans les maisons de quartier. Le conseiller fait le point avec toi, "
            "propose des ateliers et t'accompagne dans la durée."
        ),
        "type_service": "accompagnement",
        "thematiques": ["emploi-insertion", "enfance-jeunesse"],
        "publics": ["jeunes", "demandeurs-emploi"],
        "age_min": 16,
        "age_max": 25,
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "We 09:00-12:00; Th 14:00-17:00",
        "horaires_precisions": "Le mercredi à Saint-Jacques, le jeudi aux Vergnes.",
        "lieux": ["mq-saint-jacques", "mairie-annexe-vergnes"],
    },
    # ---- PAEJ ----
    {
        "key": "paej-ecoute",
        "organisation": "paej",
        "state": "publie",
        "nom": "Point accueil écoute jeunes : parler de ce qui ne va pas",
        "resume": (
            "Mal-être, conflits, addictions, solitude, violences : entre 18 et 25 ans, tu peux venir "
            "parler à un psychologue ou à un éducateur, sans rendez-vous, gratuitement et anonymement."
        ),
        "description": (
            "L'équipe écoute, aide à mettre les problèmes à plat et, si besoin, oriente vers d'autres "
            "professionnels. Les parents inquiets pour leur enfant peuvent aussi être reçus."
        ),
        "type_service": "accompagnement",
        "thematiques": ["sante", "enfance-jeunesse"],
        "publics": ["jeunes", "etudiants"],
        "age_min": 18,
        "age_max": 25,
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr", "en"],
        "horaires": "Mo-Fr 13:30-18:00; Sa 10:00-13:00; PH off",
        "lieux": ["paej"],
    },
    # ---- SAMA ----
    {
        "key": "sama-asl",
        "organisation": "sama",
        "state": "publie",
        "nom": "Ateliers sociolinguistiques : le français du quotidien et de l'emploi",
        "resume": (
            "Deux fois par semaine à Saint-Jacques, des ateliers pour parler, lire et écrire le français "
            "dans les situations de la vie courante et du travail."
        ),
        "description": (
            "Les ateliers s'appuient sur des situations réelles : se présenter, aller à la préfecture, "
            "comprendre une fiche de paie, passer un entretien. Orientation par un travailleur social, "
            "le centre social ou France Travail."
        ),
        "type_service": "atelier",
        "thematiques": ["apprendre-le-francais", "emploi-insertion"],
        "publics": ["personnes-exilees"],
        "age_min": 18,
        "conditions_acces": ["sur-orientation"],
        "frais": "gratuit",
        "langues": ["fr", "ar", "fa", "ps", "ru", "uk"],
        "horaires": "Mo,Th 14:00-16:30; SH off",
        "lieux": ["mq-saint-jacques"],
    },
    # ---- FIT ----
    {
        "key": "fit-fle",
        "organisation": "fit",
        "state": "publie",
        "nom": "Français langue étrangère : cours intensifs à la Fontaine-du-Bac",
        "resume": (
            "Cours de français tous les matins, du niveau débutant au niveau professionnel, pour "
            "préparer un emploi ou une formation."
        ),
        "description": (
            "Positionnement à l'entrée, groupes de niveau, préparation aux certifications. Les cours sont "
            "financés pour les personnes orientées par un prescripteur (France Travail, Mission locale, "
            "OFII, centre social)."
        ),
        "type_service": "formation",
        "thematiques": ["apprendre-le-francais", "emploi-insertion"],
        "publics": ["personnes-exilees", "demandeurs-emploi"],
        "conditions_acces": ["sur-orientation"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo-Fr 09:00-12:00; PH off",
        "fermetures": [AOUT_2027],
        "lieux": ["mq-fontaine-du-bac"],
    },
    # ---- Femmes solidaires ----
    {
        "key": "femmes-solidaires-cybersexisme",
        "organisation": "femmes-solidaires",
        "state": "publie",
        "nom": "Atelier cybersexisme pour les adolescents",
        "resume": (
            "Un jeu interactif pour reconnaître le harcèlement en ligne, les photos partagées sans "
            "accord, les insultes sexistes, et savoir réagir."
        ),
        "description": (
            "Pour les groupes de 11-17 ans : accueils de loisirs, collèges, centres sociaux. Séance de 1 h "
            "30 au 25 Gisèle Halimi ou dans vos locaux."
        ),
        "type_service": "atelier",
        "thematiques": ["violences-faites-aux-femmes", "numerique", "enfance-jeunesse"],
        "publics": ["jeunes"],
        "age_min": 11,
        "age_max": 17,
        "conditions_acces": ["sur-inscription"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "",
        "horaires_precisions": "Sur demande des structures.",
        "lieux": ["25gh"],
    },
    {
        "key": "femmes-solidaires-cafe-debat",
        "organisation": "femmes-solidaires",
        "state": "publie",
        "nom": "Café-débat égalité femmes-hommes",
        "resume": (
            "Une fois par trimestre, un café-débat ouvert à toutes et à tous sur une question d'égalité : "
            "partage des tâches, jeux des enfants, travail, espace public."
        ),
        "description": (
            "Chaque café part d'une courte lecture, d'un extrait de film ou d'un témoignage, puis la parole "
            "circule librement. Entrée libre, boissons offertes."
        ),
        "type_service": "activite",
        "thematiques": ["culture-sport-loisirs"],
        "publics": ["tous-publics"],
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mar,Jun,Sep,Dec Sa[1] 10:00-12:00",
        "horaires_precisions": "Le 1er samedi de mars, juin, septembre et décembre.",
        "lieux": ["25gh"],
    },
    # ---- ACEPP ----
    {
        "key": "acepp-balabulles",
        "organisation": "acepp",
        "state": "publie",
        "nom": "Le Bala'bulles : café des mères",
        "resume": (
            "Un temps de répit entre adultes pour les mères, en particulier celles qui élèvent seules "
            "leurs enfants : on discute, on s'entraide, sans jugement."
        ),
        "description": "Les enfants sont les bienvenus ; un espace de jeu est prévu pour eux.",
        "type_service": "activite",
        "thematiques": ["famille-parentalite"],
        "publics": ["parents-isoles", "femmes"],
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Tu 09:30-11:30",
        "fermetures": [NOEL_2026],
        "lieux": ["25gh"],
    },
    # ---- CAF 63 ----
    {
        "key": "caf-point-conseil-budget",
        "organisation": "caf63",
        "state": "publie",
        "nom": "Point conseil budget : faire le point et éviter le surendettement",
        "resume": (
            "Des fins de mois difficiles, des factures en retard, un crédit de trop ? Une conseillère "
            "vous aide gratuitement à faire le point et à trouver des solutions."
        ),
        "description": (
            "Entretiens confidentiels : bilan du budget, négociation avec les créanciers, aide au dossier "
            "de surendettement si nécessaire."
        ),
        "type_service": "accompagnement",
        "thematiques": ["budget"],
        "publics": ["tous-publics", "familles"],
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "We 09:00-12:00",
        "lieux": ["25gh"],
    },
    {
        "key": "caf-ateliers-parentalite",
        "organisation": "caf63",
        "state": "publie",
        "nom": "Ateliers parentalité : deux heures pour échanger entre parents",
        "resume": (
            "Chaque mois, deux professionnels animent une rencontre sur un thème : colères, écrans, "
            "adolescence, séparation. Gratuit, ouvert à tous les parents."
        ),
        "description": (
            "Les thèmes sont annoncés à l'accueil de la maison de quartier et sur le site de la CAF."
        ),
        "type_service": "atelier",
        "thematiques": ["famille-parentalite"],
        "publics": ["familles", "parents-isoles"],
        "conditions_acces": ["sur-inscription"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Sa[2] 10:00-12:00",
        "site_web": "https://www.caf.fr",
        "lieux": ["mq-saint-jacques"],
    },
    # ---- ADIL 63 ----
    {
        "key": "adil-permanence",
        "organisation": "adil63",
        "state": "publie",
        "nom": "Permanence logement : droits des locataires et des propriétaires",
        "resume": (
            "Bail, dépôt de garantie, charges, loyers impayés, logement insalubre : un juriste répond "
            "gratuitement à vos questions sur le logement."
        ),
        "description": (
            "Permanence de l'ADIL à Saint-Jacques et à Public Info. En cas d'impayés de loyer, venez le "
            "plus tôt possible : des solutions existent avant la procédure d'expulsion."
        ),
        "type_service": "permanence",
        "thematiques": ["logement", "justice"],
        "publics": ["tous-publics"],
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo[1] 14:00-17:00; Fr[3] 09:00-12:00",
        "horaires_precisions": "1er lundi du mois à Saint-Jacques, 3e vendredi à Public Info.",
        "site_web": "https://www.anil.org",
        "lieux": ["mq-saint-jacques", "public-info"],
    },
    # ---- Médiathèques ----
    {
        "key": "mediatheque-bebe-bouquine",
        "organisation": "mediatheques",
        "state": "publie",
        "nom": "Bébé bouquine : histoires et comptines pour les tout-petits",
        "resume": (
            "Le samedi matin, les bibliothécaires lisent des albums et chantent des comptines pour les "
            "moins de 3 ans et leurs parents. Entrée libre."
        ),
        "description": (
            "Un moment doux pour découvrir les livres dès le plus jeune âge. Prêt d'albums sur place."
        ),
        "type_service": "activite",
        "thematiques": ["culture-sport-loisirs", "famille-parentalite"],
        "publics": ["enfants", "familles"],
        "age_min": 0,
        "age_max": 3,
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Sa 10:30-11:15",
        "horaires_precisions": "Hors vacances d'été.",
        "fermetures": [ETE_2027],
        "lieux": ["mediatheque-jaude"],
    },
    {
        "key": "mediatheque-aide-numerique",
        "organisation": "mediatheques",
        "state": "publie",
        "nom": "Aide numérique à la médiathèque de Jaude",
        "resume": (
            "Un bibliothécaire vous aide à utiliser votre téléphone, votre tablette ou un ordinateur de la "
            "médiathèque, pour vos loisirs comme pour vos démarches."
        ),
        "description": "Sans rendez-vous, dans la limite des places. Ordinateurs et wifi gratuits.",
        "type_service": "accompagnement",
        "thematiques": ["numerique"],
        "publics": ["tous-publics", "seniors"],
        "conditions_acces": ["accueil-inconditionnel"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "We 14:00-17:00",
        "lieux": ["mediatheque-jaude"],
    },
    # ---- Mille formes ----
    {
        "key": "mille-formes-ateliers",
        "organisation": "mille-formes",
        "state": "publie",
        "nom": "Ateliers d'éveil artistique pour les 0-6 ans",
        "resume": (
            "Peindre, modeler, manipuler, écouter : Mille formes invite les tout-petits et leurs parents "
            "à explorer l'art. Gratuit et ouvert à tous."
        ),
        "description": (
            "Ateliers en famille le mercredi et le samedi ; accueil des crèches et écoles en semaine."
        ),
        "type_service": "atelier",
        "thematiques": ["culture-sport-loisirs", "enfance-jeunesse"],
        "publics": ["enfants", "familles"],
        "age_min": 0,
        "age_max": 6,
        "conditions_acces": ["sur-inscription"],
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "We,Sa 09:30-12:30,14:00-18:00",
        "fermetures": [NOEL_2026],
        "site_web": "https://clermont-ferrand.fr",
        "lieux": ["mille-formes"],
    },
    # ---- Santé publique (Ville) ----
    {
        "key": "centre-sante-fdb",
        "organisation": "sante-ville",
        "state": "publie",
        "nom": "Centre de santé de la Fontaine-du-Bac : médecins et médiation santé",
        "resume": (
            "Médecins généralistes salariés, sans dépassement d'honoraires et avec tiers payant, et une "
            "médiatrice santé pour vous aider à ouvrir vos droits."
        ),
        "description": (
            "Le centre de santé a été créé par la Ville avec le Département. On peut y déclarer son "
            "médecin traitant. La médiatrice aide à obtenir la complémentaire santé solidaire ou l'aide "
            "médicale de l'État."
        ),
        "type_service": "accompagnement",
        "thematiques": ["sante", "acces-aux-droits"],
        "publics": ["tous-publics", "residents-qpv-frr"],
        "conditions_acces": ["sur-rendez-vous"],
        "frais": "payant",
        "frais_precisions": "Tarifs de secteur 1, tiers payant : pas d'avance de frais.",
        "langues": ["fr", "ar"],
        "horaires": "Mo-Fr 08:30-12:30,13:30-19:00; Sa 09:00-12:00; PH off",
        "lieux": ["centre-sante-fdb"],
    },
    {
        "key": "sante-scolaire",
        "organisation": "sante-ville",
        "state": "publie",
        "nom": "Santé scolaire : bilans de santé dans les écoles publiques",
        "resume": (
            "Les infirmières de la Ville font des bilans de santé (vers 3-4 ans, en CP et en CE2) et "
            "accompagnent l'accueil des enfants ayant des besoins particuliers."
        ),
        "description": (
            "Dix infirmières et une diététicienne interviennent dans les écoles maternelles et élémentaires "
            "publiques : bilans individuels, projets d'accueil individualisés, éducation à la santé "
            "(hygiène, alimentation, écrans, prévention des violences)."
        ),
        "type_service": "accompagnement",
        "thematiques": ["sante", "enfance-jeunesse"],
        "publics": ["enfants", "familles"],
        "age_min": 3,
        "age_max": 11,
        "conditions_acces": ["accueil-inconditionnel"],
        "conditions_precisions": "Dans l'école de votre enfant ; contactez le service pour un rendez-vous.",
        "frais": "gratuit",
        "langues": ["fr"],
        "horaires": "Mo,Tu,Th,Fr 08:30-16:30; SH off",
        "telephone": "04 73 42 63 63",
        "lieux": [],
    },
    # ---- Secours populaire ----
    {
        "key": "secours-populaire-libre-service",
        "organisation": "secours-populaire",
        "state": "publie",
        "nom": "Libre-service solidaire : aide alimentaire",
        "resume": (
            "Un magasin solidaire où l'on choisit soi-même ses produits (épicerie, frais, hygiène) en "
            "payant une petite participation. Sur orientation d'un travailleur social."
        ),
        "description": (
            "Un premier rendez-vous permet d'étudier votre situation. Des vêtements et des sorties "
            "familiales sont aussi proposés."
        ),
        "type_service": "aide-materielle",
        "thematiques": ["alimentation-aide-materielle"],
        "publics": ["beneficiaires-des-minimas-sociaux", "familles", "personnes-en-situation-durgence"],
        "conditions_acces": ["sur-orientation"],
        "frais": "payant",
        "frais_precisions": "Participation symbolique, environ 10 % du prix en magasin.",
        "langues": ["fr"],
        "horaires": "Tu,Th 14:00-17:00; PH off",
        "fermetures": [AOUT_2027],
        "lieux": ["espace-solidarite-salins"],
    },
    # ---- Emmaüs Connect ----
    {
        "key": "emmaus-connect-equipement",
        "organisation": "emmaus-connect",
        "state": "publie",
        "nom": "Téléphone, ordinateur et connexion à prix solidaire",
        "resume": (
            "Smartphones et ordinateurs reconditionnés, recharges et forfaits à petit prix, pour les "
            "personnes orientées par un travailleur social."
        ),
        "description": (
            "Permanence mensuelle à la maison de quartier de Saint-Jacques, avec une initiation à la clé."
        ),
        "type_service": "aide-materielle",
        "thematiques": ["numerique", "alimentation-aide-materielle"],
        "publics": ["beneficiaires-des-minimas-sociaux", "personnes-exilees"],
        "conditions_acces": ["sur-orientation"],
        "frais": "payant",
        "frais_precisions": "Prix solidaires, à partir de quelques euros.",
        "langues": ["fr", "en"],
        "horaires": "Th[3] 14:00-17:00",
        "site_web": "https://emmaus-connect.org",
        "lieux": ["mq-saint-jacques"],
    },
    # ---- Retraite Loisirs Solidarité ----
    {
        "key": "rls-activites",
        "organisation": "rls",
        "state": "publie",
        "nom": "Activités pour les seniors : conférences, gym douce, sorties",
        "resume": (
            "Garder la forme et rencontrer du monde : gym douce, conférences, visites guidées, cinéma, "
            "prêt de livres, avec l'association Retraite Loisirs Solidarité."
        ),
        "description": (
            "Programme trimestriel disponible au Lieu Information Senior. Adhésion annuelle modique."
        ),
        "type_service": "activite",
        "thematiques": ["seniors", "culture-sport-loisirs"],
        "publics": ["seniors"],
        "age_min": 60,
        "conditions_acces": ["sur-inscription"],
        "frais": "payant",
        "frais_precisions": "Adhésion annuelle ; tarif réduit selon les ressources.",
        "langues": ["fr"],
        "horaires": "Mo-Fr 14:00-17:00",
        "fermetures": [AOUT_2027],
        "lieux": ["lis"],
    },
]


# --- demo accounts -----------------------------------------------------------------------------------
USERS: list[dict[str, Any]] = [
    {
        "email": "admin@guide.localhost",
        "name": "Administration du guide",
        "role": "admin",
        "memberships": [],
    },
    {
        "email": "coordination@guide.localhost",
        "name": "Coordination du guide du territoire",
        "role": "coordinator",
        "memberships": [],
    },
    {
        "email": "partenaire@guide.localhost",
        "name": "Équipe du 25 Gisèle Halimi",
        "role": "partner",
        "memberships": [("25gh", "owner"), ("cidff63", "editor"), ("avec63", "editor")],
    },
    {
        "email": "centre-social@guide.localhost",
        "name": "Direction des centres sociaux",
        "role": "partner",
        "memberships": [("cs-sud", "owner"), ("cs-mandela", "owner"), ("cs-nord", "owner")],
    },
    {
        "email": "ccas@guide.localhost",
        "name": "Accueil du CCAS",
        "role": "partner",
        "memberships": [("ccas", "owner"), ("rls", "editor")],
    },
    {
        "email": "planning@guide.localhost",
        "name": "Planning familial 63",
        "role": "partner",
        "memberships": [("planning63", "owner"), ("acepp", "editor")],
    },
    {
        "email": "redaction@guide.localhost",
        "name": "Rédactrice (plusieurs structures)",
        "role": "partner",
        "memberships": [("25gh", "editor"), ("cs-mandela", "editor"), ("mediatheques", "editor")],
    },
]


# Synonym groups for the search (coordinators maintain them in the site; these start the demo).
SYNONYMS = [
    "ivg, interruption volontaire de grossesse, avortement",
    "devoirs, accompagnement scolaire, accompagnement à la scolarité, soutien scolaire",
    "avocat, permanence juridique, conseil juridique, consultation juridique",
    "fle, français langue étrangère, cours de français, apprendre le français, alphabétisation",
    "violences conjugales, violences intrafamiliales, violences dans le couple",
    "pmi, protection maternelle et infantile",
    "ccas, centre communal d'action sociale",
    "caf, caisse d'allocations familiales, allocations familiales",
    "ordinateur, informatique, numérique",
    "psychologue, soutien psychologique, écoute",
    "aide alimentaire, colis alimentaire, épicerie solidaire, banque alimentaire",
    "personnes âgées, seniors, retraités",
    "sdf, sans domicile, sans abri",
    "lsf, langue des signes",
]
