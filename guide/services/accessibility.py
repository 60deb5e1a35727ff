"""The facts of the accessibility statement (« Déclaration d'accessibilité », RGAA 4.1), issue 12.

French public services must publish one (loi n° 2005-102, art. 47; décret n° 2019-768): conformity state,
non-accessible content, exemptions, when and how the statement was made, contact and legal recourse. The
guide has not had a full audit of the 106 RGAA criteria: the statement says so, and its rate is computed on
the criteria checked by hand (:data:`CRITERIA`), each with how it was checked — most of them by a test of the
suite (tests/browser/test_keyboard.py, tests/browser/test_public.py's axe runs, tests/functional).

Texts are :class:`pyramid.i18n.TranslationString` (domain ``guide``): the page translates them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pyramid.i18n import TranslationString, TranslationStringFactory

_ = TranslationStringFactory("guide")

CONFORME = "conforme"
NON_CONFORME = "non_conforme"
NON_APPLICABLE = "non_applicable"
RESULT_LABELS = {
    CONFORME: _("Conforme"),
    NON_CONFORME: _("Non conforme"),
    NON_APPLICABLE: _("Non applicable"),
}


@dataclass(frozen=True)
class Criterion:
    number: str  # the RGAA 4.1 criterion, « 10.7 »
    title: TranslationString
    how: TranslationString  # how it was checked
    result: str  # CONFORME, NON_CONFORME or NON_APPLICABLE
    note: TranslationString | None = None

    @property
    def result_label(self) -> TranslationString:
        return RESULT_LABELS[self.result]


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "1.1",
        _("Chaque image porteuse d'information a une alternative textuelle"),
        _("Règles axe-core « image-alt » et « svg-img-alt » sur les pages publiques, lecture des gabarits."),
        CONFORME,
    ),
    Criterion(
        "3.2",
        _("Le contraste entre le texte et son fond est suffisant"),
        _("Règle axe-core « color-contrast » sur les pages publiques, sur ordinateur et sur téléphone."),
        CONFORME,
    ),
    Criterion(
        "4.1",
        _("Les médias temporels (vidéo, son) ont une transcription"),
        _("Le guide ne publie ni vidéo ni son."),
        NON_APPLICABLE,
    ),
    Criterion(
        "6.1",
        _("Chaque lien est explicite"),
        _(
            "Lecture de la liste des liens de l'accueil, des résultats et d'une fiche : chaque lien de "
            "fiche porte son titre ; règle axe-core « link-name »."
        ),
        CONFORME,
    ),
    Criterion(
        "7.3",
        _("Chaque script est contrôlable par le clavier"),
        _(
            "Parcours au seul clavier (Tab, Maj+Tab, Entrée, Espace) : recherche, résultat, fiche, ajout "
            "à la sélection, sélection, version à imprimer (test automatisé dans un vrai navigateur)."
        ),
        CONFORME,
    ),
    Criterion(
        "8.3",
        _("La langue par défaut est présente"),
        _("Attribut lang de l'élément html vérifié sur chaque page publique."),
        CONFORME,
    ),
    Criterion(
        "8.6",
        _("Le titre de chaque page est pertinent"),
        _("Lecture des titres (onglet) des pages publiques : nom de la page puis nom du site."),
        CONFORME,
    ),
    Criterion(
        "8.7",
        _("Chaque changement de langue est indiqué"),
        _(
            "Lecture des fiches : les passages dans une autre langue saisis par les partenaires ne sont pas "
            "balisés."
        ),
        NON_CONFORME,
        _("Les textes des fiches sont saisis en texte libre, sans moyen d'indiquer une autre langue."),
    ),
    Criterion(
        "10.4",
        _("Le texte reste lisible quand sa taille est portée à 200 %"),
        _(
            "Taille du texte à 200 % dans Chromium sur l'accueil, les résultats, une fiche, une structure, "
            "un quartier, la sélection : aucun titre coupé, aucun défilement horizontal (test automatisé)."
        ),
        CONFORME,
    ),
    Criterion(
        "10.7",
        _("Le focus est visible sur chaque élément qui le reçoit"),
        _(
            "Parcours au clavier : un contour visible sur chaque lien, bouton et champ atteint (test "
            "automatisé qui lit le style calculé)."
        ),
        CONFORME,
    ),
    Criterion(
        "10.11",
        _("Le contenu se lit sans défilement horizontal à 320 pixels de large"),
        _(
            "Pages publiques affichées à 320 pixels de large (test automatisé : largeur du document, "
            "titres non coupés)."
        ),
        CONFORME,
    ),
    Criterion(
        "11.1",
        _("Chaque champ de formulaire a une étiquette"),
        _("Règle axe-core « label » ; lecture des formulaires de recherche, de signalement et de sélection."),
        CONFORME,
    ),
    Criterion(
        "11.10",
        _("Les erreurs de saisie sont signalées à côté du champ"),
        _(
            "Envoi de formulaires incomplets ou erronés (signalement d'une erreur, connexion) : message en "
            "français à côté du champ, saisie conservée (tests fonctionnels)."
        ),
        CONFORME,
    ),
    Criterion(
        "12.7",
        _("Un lien d'évitement mène au contenu principal"),
        _(
            "Premier appui sur Tab : le lien « Aller au contenu » apparaît ; Entrée place le focus sur le "
            "contenu (test automatisé)."
        ),
        CONFORME,
    ),
    Criterion(
        "12.8",
        _("L'ordre de tabulation est cohérent"),
        _("Parcours au clavier de l'accueil à la version à imprimer de la sélection (test automatisé)."),
        CONFORME,
    ),
    Criterion(
        "13.1",
        _("L'utilisateur contrôle chaque limite de temps ou rechargement"),
        _(
            "Lecture des pages : la page « Votre PDF est en préparation » se recharge seule après quelques "
            "secondes."
        ),
        NON_CONFORME,
        _("La page d'attente d'un PDF se recharge seule, sans moyen de l'arrêter."),
    ),
)


@dataclass(frozen=True)
class Statement:
    established: dt.date  # when the statement was made (the date of the checks)
    chromium: str
    axe_core: str
    pages: tuple[TranslationString, ...]


STATEMENT = Statement(
    established=dt.date(2026, 11, 30),
    chromium="Chromium 156 (Debian 12)",
    axe_core="axe-core 4.12",
    pages=(
        _("Accueil"),
        _("Résultats de recherche (« avocat »)"),
        _("Une fiche"),
        _("Une structure"),
        _("Un quartier"),
        _("La sélection et sa version à imprimer"),
        _("Signaler une erreur"),
        _("Page hors connexion"),
        _("Déclaration d'accessibilité"),
    ),
)


def conformity_rate(criteria: tuple[Criterion, ...] = CRITERIA) -> tuple[int, int, int]:
    """(percent, conforming, applicable) over the criteria checked: conforming / applicable, rounded down."""
    applicable = [c for c in criteria if c.result != NON_APPLICABLE]
    conforming = sum(1 for c in applicable if c.result == CONFORME)
    percent = conforming * 100 // len(applicable) if applicable else 100
    return percent, conforming, len(applicable)
