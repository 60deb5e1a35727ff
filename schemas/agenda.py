"""The partner's event form (the shared agenda): what, when (once, several days or a series), where and
for whom."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import colander
import deform.widget as w

from guide.models.agenda import EVENT_KIND_LABELS, REGISTRATION_LABELS
from guide.services.agenda.series import FREQUENCY_LABELS, MAX_SERIES_OCCURRENCES
from guide.vocabulary import PUBLICS

from .fiche import FrenchDate
from .types import Int, StrippedString, length

REQUIRED = "Ce champ est obligatoire."
MAX_CHOICES = 60  # more ticked boxes than choices exist is a forged form


class FrenchTime(colander.Time):
    """A time sent by a time picker (14:00) or typed as 14h, 14 h 30, 14h30, 14:30."""

    def deserialize(self, node: colander.SchemaNode, cstruct: Any) -> Any:
        if cstruct is colander.null or (isinstance(cstruct, str) and not cstruct.strip()):
            return colander.null
        if isinstance(cstruct, str):
            match = re.fullmatch(r"\s*(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?\s*(?::\d{2})?\s*", cstruct)
            if match:
                hour, minute = int(match.group(1)), int(match.group(2) or 0)
                if hour < 24 and minute < 60:
                    return dt.time(hour, minute)
        raise colander.Invalid(node, "Heure illisible : écrivez-la comme 14:30.")

    def serialize(self, node: colander.SchemaNode, appstruct: Any) -> Any:
        if appstruct is colander.null or appstruct is None:
            return colander.null
        return appstruct.strftime("%H:%M")


def _set_validator(allowed: set[str], empty_message: str | None) -> Any:
    def validate(node: colander.SchemaNode, values: set[str]) -> None:
        if empty_message and not values:
            raise colander.Invalid(node, empty_message)
        if len(values) > MAX_CHOICES or any(str(v) not in allowed for v in values):
            raise colander.Invalid(node, "Choix inconnu : rechargez la page.")

    return validate


@colander.deferred
def thematique_widget(node: colander.SchemaNode, kw: dict[str, Any]) -> w.Widget:
    return w.CheckboxChoiceWidget(values=kw["thematiques"], inline=False)


@colander.deferred
def thematique_validator(node: colander.SchemaNode, kw: dict[str, Any]) -> Any:
    return _set_validator({v for v, _ in kw["thematiques"]}, "Choisissez au moins une thématique.")


@colander.deferred
def lieu_widget(node: colander.SchemaNode, kw: dict[str, Any]) -> w.Widget:
    return w.SelectWidget(values=[("", "— Une autre adresse, ou en ligne —"), *kw["lieux"]])


@colander.deferred
def lieu_validator(node: colander.SchemaNode, kw: dict[str, Any]) -> Any:
    return colander.OneOf(["", *(v for v, _ in kw["lieux"])], msg_err="Lieu inconnu : rechargez la page.")


@colander.deferred
def fiche_widget(node: colander.SchemaNode, kw: dict[str, Any]) -> w.Widget:
    return w.SelectWidget(values=[("", "— Aucune —"), *kw["fiches"]])


@colander.deferred
def fiche_validator(node: colander.SchemaNode, kw: dict[str, Any]) -> Any:
    return colander.OneOf(["", *(v for v, _ in kw["fiches"])], msg_err="Fiche inconnue : rechargez la page.")


class EventSchema(colander.MappingSchema):
    titre = colander.SchemaNode(
        StrippedString(),
        title="Titre",
        description="Court et parlant : « Atelier cuisine parents-enfants », « Réunion d'information RSA ».",
        missing_msg=REQUIRED,
        validator=length(min=3, max=150),
    )
    kind = colander.SchemaNode(
        colander.String(),
        title="Type d'événement",
        widget=w.SelectWidget(values=[(k.value, label) for k, label in EVENT_KIND_LABELS.items()]),
        validator=colander.OneOf(
            [k.value for k in EVENT_KIND_LABELS], msg_err="Type inconnu : rechargez la page."
        ),
        missing_msg=REQUIRED,
    )
    description = colander.SchemaNode(
        StrippedString(),
        title="Description",
        description="Ce qu'on y fait, pour qui, ce qu'il faut apporter.",
        missing="",
        validator=length(max=4000),
        widget=w.TextAreaWidget(rows=5),
    )
    day = colander.SchemaNode(
        FrenchDate(),
        title="Date",
        description="Pour une série : la première date.",
        missing_msg=REQUIRED,
        widget=w.TextInputWidget(type_name="date"),
    )
    start_time = colander.SchemaNode(
        FrenchTime(), title="De", missing_msg=REQUIRED, widget=w.TextInputWidget(type_name="time")
    )
    end_time = colander.SchemaNode(
        FrenchTime(), title="À", missing_msg=REQUIRED, widget=w.TextInputWidget(type_name="time")
    )
    end_day = colander.SchemaNode(
        FrenchDate(),
        title="Dernier jour (s'il dure plusieurs jours)",
        description="Par exemple la « Semaine de la parentalité » : du lundi 9 h au samedi 17 h.",
        missing=None,
        widget=w.TextInputWidget(type_name="date"),
    )
    frequency = colander.SchemaNode(
        colander.String(),
        title="Se répète",
        widget=w.SelectWidget(values=[("", "Non, une seule fois"), *FREQUENCY_LABELS.items()]),
        validator=colander.OneOf(["", *FREQUENCY_LABELS], msg_err="Choix inconnu : rechargez la page."),
        missing="",
    )
    until = colander.SchemaNode(
        FrenchDate(),
        title="Jusqu'au (inclus)",
        description="Pour une série : la dernière date possible, par exemple le 30 juin.",
        missing=None,
        widget=w.TextInputWidget(type_name="date"),
    )
    count = colander.SchemaNode(
        Int(),
        title="ou nombre de fois",
        description=f"Au lieu d'une date de fin : entre 2 et {MAX_SERIES_OCCURRENCES}.",
        missing=None,
        validator=colander.Range(
            min=2,
            max=MAX_SERIES_OCCURRENCES,
            min_err="Au moins 2 fois pour une série.",
            max_err=f"{MAX_SERIES_OCCURRENCES} fois au plus.",
        ),
    )
    lieu_id = colander.SchemaNode(
        colander.String(), title="Lieu", widget=lieu_widget, validator=lieu_validator, missing=""
    )
    adresse = colander.SchemaNode(
        StrippedString(),
        title="Autre adresse",
        description=(
            "Si l'événement n'a pas lieu dans un de vos lieux : « Jardin Lecoq, entrée boulevard Lafayette »."
        ),
        missing="",
        validator=length(max=300),
    )
    en_ligne = colander.SchemaNode(
        colander.Boolean(), title="En ligne (visioconférence)", missing=False, widget=w.CheckboxWidget()
    )
    fiche_id = colander.SchemaNode(
        colander.String(),
        title="Fiche liée",
        description="L'activité ou le service du guide dont l'événement fait partie.",
        widget=fiche_widget,
        validator=fiche_validator,
        missing="",
    )
    thematique_ids = colander.SchemaNode(
        colander.Set(),
        title="Thématiques",
        widget=thematique_widget,
        validator=thematique_validator,
        missing_msg="Choisissez au moins une thématique.",
    )
    publics = colander.SchemaNode(
        colander.Set(),
        title="Publics",
        description="Laissez vide si l'événement est ouvert à tous.",
        widget=w.CheckboxChoiceWidget(values=list(PUBLICS.items()), inline=False),
        validator=_set_validator(set(PUBLICS), None),
        missing=set(),
    )
    gratuit = colander.SchemaNode(
        colander.String(),
        title="Prix",
        widget=w.RadioChoiceWidget(values=[("oui", "Gratuit"), ("non", "Payant")], inline=True),
        validator=colander.OneOf(["oui", "non"], msg_err="Choisissez « Gratuit » ou « Payant »."),
        missing="oui",
    )
    tarif = colander.SchemaNode(
        StrippedString(),
        title="Tarif",
        description="Si c'est payant : « 2 € par famille », « selon le quotient familial ».",
        missing="",
        validator=length(max=200),
    )
    inscription = colander.SchemaNode(
        colander.String(),
        title="Inscription",
        widget=w.SelectWidget(values=[(k.value, label) for k, label in REGISTRATION_LABELS.items()]),
        validator=colander.OneOf(
            [k.value for k in REGISTRATION_LABELS], msg_err="Choix inconnu : rechargez la page."
        ),
        missing="aucune",
    )
    inscription_modalites = colander.SchemaNode(
        StrippedString(),
        title="Comment s'inscrire",
        description="Un numéro de téléphone, une adresse électronique ou un lien : « au 04 73 00 00 00 ».",
        missing="",
        validator=length(max=300),
    )

    def validator(self, node: colander.SchemaNode, value: dict[str, Any]) -> None:
        error = colander.Invalid(node)
        if value["frequency"]:
            if value["until"] is None and value["count"] is None:
                error["until"] = "Indiquez jusqu'à quand la série se répète, ou combien de fois."
            elif value["until"] is not None and value["count"] is not None:
                error["count"] = "Une date de fin ou un nombre de fois, pas les deux."
            if value["end_day"] is not None and value["end_day"] != value["day"]:
                error["end_day"] = "Une série se répète sur un seul jour : laissez ce champ vide."
        if error.children:
            raise error


class CancelDateSchema(colander.MappingSchema):
    day = colander.SchemaNode(FrenchDate(), missing_msg=REQUIRED)
    reason = colander.SchemaNode(StrippedString(), missing="", validator=length(max=300))
