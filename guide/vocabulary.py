"""Closed lists used by fiches, with their French labels (data·inclusion v1 where it has one)."""

from __future__ import annotations

from data_inclusion.schema.v1 import Frais, Public, TypeService

# data·inclusion's publics, then the guide's local ones.
PUBLICS: dict[str, str] = {p.value: p.label for p in Public}
PUBLICS.update(
    {
        "femmes-victimes-de-violences": "Femmes victimes de violences",
        "parents-isoles": "Parents isolés",
        "enfants": "Enfants",
        "personnes-sans-domicile": "Personnes sans domicile",
        "aidants": "Proches aidants",
    }
)
# Local publics map to the nearest data·inclusion public when exported.
LOCAL_PUBLIC_TO_DI = {
    "femmes-victimes-de-violences": "femmes",
    "parents-isoles": "familles",
    "enfants": "familles",
    "personnes-sans-domicile": "personnes-en-situation-durgence",
    "aidants": "tous-publics",
}

TYPES_SERVICE: dict[str, str] = {t.value: t.label for t in TypeService}
TYPES_SERVICE.update({"permanence": "Permanence", "activite": "Activité", "orientation": "Orientation"})

CONDITIONS_ACCES: dict[str, str] = {
    "accueil-inconditionnel": "Accueil inconditionnel",
    "sur-rendez-vous": "Sur rendez-vous",
    "sur-orientation": "Sur orientation d'un professionnel",
    "sur-inscription": "Sur inscription",
}

FRAIS: dict[str, str] = {f.value: f.label for f in Frais}

LANGUES: dict[str, str] = {
    "fr": "Français",
    "en": "Anglais",
    "ar": "Arabe",
    "es": "Espagnol",
    "pt": "Portugais",
    "it": "Italien",
    "de": "Allemand",
    "tr": "Turc",
    "ru": "Russe",
    "uk": "Ukrainien",
    "ro": "Roumain",
    "sq": "Albanais",
    "ka": "Géorgien",
    "fa": "Persan (dari)",
    "ps": "Pachto",
    "ber": "Tamazight (berbère)",
    "wo": "Wolof",
    "fcs": "Langue des signes française (LSF)",
}


def _(text: str) -> str:
    """Marks a French label for the guide's catalogue (``make messages``); public pages translate it."""
    return text


ACCESS_LABELS = {"oui": _("Oui"), "non": _("Non"), "inconnu": _("Non renseigné")}
ACCESSIBILITY_FIELDS = {
    "acces_plain_pied": _("Accès de plain-pied ou rampe"),
    "toilettes_adaptees": _("Toilettes adaptées"),
    "boucle_magnetique": _("Boucle magnétique"),
    "langue_des_signes": _("Accueil en langue des signes"),
}


def labels(vocabulary: dict[str, str], codes: list[str] | None) -> list[str]:
    return [vocabulary.get(code, code) for code in codes or []]
