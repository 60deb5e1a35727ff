"""« Mots simples »: the practical facts a fiche shows as pictograms, and its leading text (no database)."""

from __future__ import annotations

from guide.models import Access, FicheVersion, Lieu, Organisation
from guide.services.easy_read import french_spacing, practical_facts, summary


def _version(**values):
    values.setdefault("nom", "Permanence")
    return FicheVersion(**values)


def test_facts_of_a_free_walk_in_accessible_service():
    version = _version(
        frais="gratuit",
        conditions_acces=["accueil-inconditionnel"],
        langues=["fr", "ar"],
        telephone="04 73 00 00 00",
        lieux=[Lieu(nom="Accueil", acces_plain_pied=Access.YES)],
    )
    facts = {f.code: (f.label.interpolate(), f.detail) for f in practical_facts(version)}
    assert facts == {
        "gratuit": ("Gratuit", ""),
        "sans-rdv": ("Sans rendez-vous", ""),
        "fauteuil": ("Accessible en fauteuil roulant", ""),
        "langues": ("Langues parlées :", "Français, Arabe"),
        "telephone": ("Téléphone :", "04 73 00 00 00"),
    }


def test_an_appointment_wins_and_unknown_facts_are_not_guessed():
    version = _version(
        frais=None,
        conditions_acces=["sur-rendez-vous", "accueil-inconditionnel"],
        langues=[],
        telephone="",
        lieux=[Lieu(nom="Étage", acces_plain_pied=Access.UNKNOWN)],
    )
    codes = [f.code for f in practical_facts(version, Organisation(nom="Asso", telephone=""))]
    assert codes == ["rdv"]
    org = Organisation(nom="Asso", telephone="04 73 11 11 11")
    assert practical_facts(version, org)[-1].detail == "04 73 11 11 11"  # the structure's number


def test_the_simple_text_leads_else_the_resume_with_french_spacing():
    assert summary(_version(mots_simples="Vous avez mal ? Venez.", resume="Résumé.")) == (
        "Vous avez mal\u00a0? Venez.",
        True,
    )
    assert summary(_version(mots_simples="  ", resume="Aide : gratuite.")) == ("Aide\u00a0: gratuite.", False)
    assert french_spacing("« Oui » !") == "«\u00a0Oui\u00a0»\u00a0!"
