"""Forms of the printed edition: opening an edition, and the emergency numbers printed on its back cover."""

from __future__ import annotations

from typing import Any

import colander
import deform.widget as w

from guide import normalize
from guide.models.edition import GROUPINGS, PAGE_FORMATS

from .types import Int, Normalized, StrippedString, length

REQUIRED = "Ce champ est obligatoire."


@colander.deferred
def thematique_widget(node: colander.SchemaNode, kw: dict[str, Any]) -> w.Widget:
    return w.CheckboxChoiceWidget(values=kw["thematiques"], inline=False)


@colander.deferred
def thematique_validator(node: colander.SchemaNode, kw: dict[str, Any]) -> colander.ContainsOnly:
    return colander.ContainsOnly([value for value, _label in kw["thematiques"]])


@colander.deferred
def quartier_widget(node: colander.SchemaNode, kw: dict[str, Any]) -> w.Widget:
    return w.CheckboxChoiceWidget(values=kw["quartiers"], inline=False)


@colander.deferred
def quartier_validator(node: colander.SchemaNode, kw: dict[str, Any]) -> colander.ContainsOnly:
    return colander.ContainsOnly([value for value, _label in kw["quartiers"]])


class EditionSchema(colander.MappingSchema):
    title = colander.SchemaNode(
        StrippedString(),
        title="Titre",
        validator=length(3, 200),
        missing_msg=REQUIRED,
        description="Imprimé sur la couverture, en tête des pages et dans les propriétés du PDF.",
    )
    year = colander.SchemaNode(
        Int(),
        title="Année",
        validator=colander.Range(
            2000, 2100, min_err="Une année après 2000.", max_err="Une année avant 2100."
        ),
        missing_msg=REQUIRED,
    )
    page_format = colander.SchemaNode(
        colander.String(),
        title="Format",
        widget=w.RadioChoiceWidget(values=list(PAGE_FORMATS.items())),
        validator=colander.OneOf(list(PAGE_FORMATS)),
        default="A5",
        missing_msg=REQUIRED,
    )
    grouping = colander.SchemaNode(
        colander.String(),
        title="Classement des fiches",
        widget=w.RadioChoiceWidget(values=list(GROUPINGS.items())),
        validator=colander.OneOf(list(GROUPINGS)),
        default="thematique",
        missing_msg=REQUIRED,
    )
    thematiques = colander.SchemaNode(
        colander.Set(),
        title="Seulement ces thématiques",
        widget=thematique_widget,
        validator=thematique_validator,
        missing=set(),
        description="Rien de coché : toutes les thématiques.",
    )
    quartiers = colander.SchemaNode(
        colander.Set(),
        title="Seulement ces quartiers",
        widget=quartier_widget,
        validator=quartier_validator,
        missing=set(),
        description="Rien de coché : tous les quartiers (et les services sans adresse).",
    )
    agenda = colander.SchemaNode(
        colander.Boolean(),
        title="Section « Agenda »",
        widget=w.CheckboxWidget(),
        missing=False,
        default=False,
        description="Les rendez-vous réguliers publiés dans l'agenda (ateliers, permanences chaque "
        "semaine ou chaque mois), après les fiches. Les rendez-vous d'un jour n'y sont pas : ils seraient "
        "passés avant la fin de l'année.",
    )


def edition_schema(thematiques: list[tuple[str, str]], quartiers: list[tuple[str, str]]) -> EditionSchema:
    return EditionSchema().bind(thematiques=thematiques, quartiers=quartiers)


class HelplineSchema(colander.MappingSchema):
    number = colander.SchemaNode(
        Normalized(normalize.phone),
        title="Numéro",
        missing_msg=REQUIRED,
        widget=w.TextInputWidget(type_name="tel"),
        description="Un numéro court (15, 3919, 116 006) ou à 10 chiffres.",
    )
    label = colander.SchemaNode(StrippedString(), title="Nom", validator=length(2, 120), missing_msg=REQUIRED)
    description = colander.SchemaNode(
        StrippedString(),
        title="Pour quoi appeler",
        missing="",
        validator=length(max=300),
        widget=w.TextAreaWidget(rows=2),
    )
    position = colander.SchemaNode(
        Int(), title="Ordre", missing=0, description="Les numéros sont imprimés dans l'ordre croissant."
    )
