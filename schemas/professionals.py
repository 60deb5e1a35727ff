"""The member's own card in the professionals' directory (``guide.services.professionals``)."""

from __future__ import annotations

from typing import Any

import colander
import deform.widget as w

from .types import StrippedString, email_node, length, phone_node

MAX_CHOICES = 50  # more ticked boxes than thématiques or lieux exist is a forged form
CONSENT_MESSAGE = "Cochez cette case pour figurer dans l'annuaire (ou retirez-vous avec le bouton plus bas)."


@colander.deferred
def thematique_widget(node: colander.SchemaNode, kw: dict[str, Any]) -> w.Widget:
    return w.CheckboxChoiceWidget(values=kw["thematiques"], inline=False)


@colander.deferred
def lieu_widget(node: colander.SchemaNode, kw: dict[str, Any]) -> w.Widget:
    return w.CheckboxChoiceWidget(values=kw["lieux"], inline=False)


def _choices_validator(key: str, message: str) -> Any:
    @colander.deferred
    def deferred(node: colander.SchemaNode, kw: dict[str, Any]) -> Any:
        allowed = {value for value, _label in kw[key]}

        def validate(n: colander.SchemaNode, values: set[str]) -> None:
            if len(values) > MAX_CHOICES or any(str(v) not in allowed for v in values):
                raise colander.Invalid(n, message)

        return validate

    return deferred


def _consent(node: colander.SchemaNode, value: bool) -> None:
    if not value:
        raise colander.Invalid(node, CONSENT_MESSAGE)


def _reachable(node: colander.SchemaNode, value: dict[str, Any]) -> None:
    """A card nobody can call is no use: a phone number or an e-mail address at least."""
    if not value.get("telephone") and not value.get("courriel"):
        error = colander.Invalid(node)
        error["telephone"] = "Indiquez un téléphone ou un courriel : c'est ce que vos collègues cherchent."
        raise error


class ProfessionalCardSchema(colander.MappingSchema):
    def validator(self, node: colander.SchemaNode, value: dict[str, Any]) -> None:
        _reachable(node, value)

    listed = colander.SchemaNode(
        colander.Boolean(),
        title="J'accepte de figurer dans l'annuaire des professionnels",
        description="Seuls les membres connectés des structures partenaires, les référents et la "
        "coordination le consultent. Vous pouvez vous retirer à tout moment : votre fiche disparaît "
        "aussitôt.",
        missing=False,
        validator=_consent,
        widget=w.CheckboxWidget(),
    )
    fonction = colander.SchemaNode(
        StrippedString(),
        title="Fonction",
        description="Par exemple : conseillère en économie sociale et familiale.",
        missing_msg="Indiquez votre fonction : c'est ce que vos collègues cherchent en premier.",
        validator=length(max=120),
    )
    missions = colander.SchemaNode(
        StrippedString(),
        title="Sur quoi vous travaillez",
        description="Vos missions, les situations pour lesquelles on peut vous appeler, les langues parlées…",
        missing="",
        validator=length(max=1000),
        widget=w.TextAreaWidget(rows=4),
    )
    thematiques = colander.SchemaNode(
        colander.Set(),
        title="Thématiques",
        missing=set(),
        widget=thematique_widget,
        validator=_choices_validator("thematiques", "Thématique inconnue : rechargez la page."),
    )
    telephone = phone_node("Téléphone direct", description="Le numéro où vos collègues vous joignent.")
    courriel = email_node("Courriel professionnel")
    lieux = colander.SchemaNode(
        colander.Set(),
        title="Lieux où vous êtes présent·e",
        missing=set(),
        widget=lieu_widget,
        validator=_choices_validator("lieux", "Lieu inconnu : rechargez la page."),
    )
    presence = colander.SchemaNode(
        StrippedString(),
        title="Jours de présence",
        description="Par exemple : lundi et jeudi au centre social, mardi matin en permanence à la mairie.",
        missing="",
        validator=length(max=500),
        widget=w.TextAreaWidget(rows=2),
    )
