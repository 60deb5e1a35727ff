"""Forms of the référents par thématique: naming one (coordination) and the référent's own contact card."""

from __future__ import annotations

from typing import Any

import colander
import deform.widget as w

from guide import normalize

from .types import Normalized, StrippedString, email_node, length, phone_node

REQUIRED = "Ce champ est obligatoire."
MAX_CHOICES = 50  # more ticked boxes than thématiques exist is a forged form


@colander.deferred
def thematique_widget(node: colander.SchemaNode, kw: dict[str, Any]) -> w.Widget:
    return w.CheckboxChoiceWidget(values=kw["thematiques"], inline=False)


@colander.deferred
def thematique_validator(node: colander.SchemaNode, kw: dict[str, Any]) -> Any:
    allowed = {value for value, _label in kw["thematiques"]}

    def validate(n: colander.SchemaNode, values: set[str]) -> None:
        if not values:
            raise colander.Invalid(n, "Choisissez au moins une thématique.")
        if len(values) > MAX_CHOICES or any(str(v) not in allowed for v in values):
            raise colander.Invalid(n, "Thématique inconnue : rechargez la page.")

    return validate


class NameReferentSchema(colander.MappingSchema):
    email = colander.SchemaNode(
        Normalized(normalize.email),
        title="Adresse électronique de la personne",
        description="La personne doit déjà avoir un compte sur le guide.",
        missing_msg=REQUIRED,
        validator=length(max=254),
        widget=w.TextInputWidget(type_name="email"),
    )
    thematiques = colander.SchemaNode(
        colander.Set(),
        title="Référente ou référent pour",
        widget=thematique_widget,
        validator=thematique_validator,
        missing_msg="Choisissez au moins une thématique.",
    )


class ReferentCardSchema(colander.MappingSchema):
    fonction = colander.SchemaNode(
        StrippedString(),
        title="Fonction",
        description="Par exemple : référente famille du centre social.",
        missing="",
        validator=length(max=120),
    )
    telephone = phone_node()
    courriel = email_node()
    disponibilites = colander.SchemaNode(
        StrippedString(),
        title="Comment vous joindre",
        description="Jours et heures, orientation par mail avec l'accord de la personne…",
        missing="",
        validator=length(max=1000),
        widget=w.TextAreaWidget(rows=3),
    )
    public = colander.SchemaNode(
        colander.Boolean(),
        title="J'accepte que ces coordonnées soient visibles de tous les visiteurs du guide",
        description="Sinon, seuls les partenaires connectés les voient.",
        missing=False,
        widget=w.CheckboxWidget(),
    )
