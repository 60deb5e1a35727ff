"""The fiche form: what a partner writes about an activity, a service or a permanence."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import colander
import deform.widget as w

from guide import hours, normalize
from guide.print.checklist import SUMMARY_LIMITS
from guide.services import public_labels
from guide.vocabulary import CONDITIONS_ACCES, FRAIS, LANGUES, PUBLICS, TYPES_SERVICE

from .falc import mots_simples_node
from .types import Int, Normalized, StrippedString, email_node, length, phone_node
from .widgets import OpeningHoursWidget

# the one rule for the summary's length: what the compact fiche of the booklet (A5) prints, which the
# edition's check list also flags
PRINTED_SUMMARY = SUMMARY_LIMITS["A5"]

REQUIRED = "Ce champ est obligatoire."
MAX_CLOSURES = 50
# Choice fields: the longest code of a vocabulary is far shorter; a forged value is refused before OneOf.
CODE_LENGTH = 100


def _choices(vocabulary: dict[str, str], kind: str | None = None) -> list[tuple[str, str]]:
    """The choices of a closed list; for the codes the public pages word plainly, the guide's plain label
    first, data·inclusion's after it (guide.services.public_labels), so that partners see both."""
    if kind is None:
        return list(vocabulary.items())
    defaults = public_labels.DEFAULTS[kind]
    return [
        (code, f"{defaults[code]} ({label})" if code in defaults and str(defaults[code]) != label else label)
        for code, label in vocabulary.items()
    ]


def _validate_hours(node: colander.SchemaNode, value: str) -> None:
    message = hours.validate(value)  # checks the length and the number of rules and slots first
    if message:
        raise colander.Invalid(node, message)


class FrenchDate(colander.Date):
    """A date typed as 16/02/2027 (or 16-02-2027, 16.02.27) or sent by a date picker (2027-02-16)."""

    def deserialize(self, node: colander.SchemaNode, cstruct: Any) -> Any:
        if isinstance(cstruct, str):
            match = re.fullmatch(r"\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2}|\d{4})\s*", cstruct)
            if match:
                day, month, year = (int(part) for part in match.groups())
                try:
                    return dt.date(year + 2000 if year < 100 else year, month, day)
                except ValueError:
                    raise colander.Invalid(
                        node, "Cette date n'existe pas : écrivez-la comme 16/02/2027."
                    ) from None
        try:
            return super().deserialize(node, cstruct)
        except colander.Invalid:
            raise colander.Invalid(node, "Date illisible : écrivez-la comme 16/02/2027.") from None


class Fermeture(colander.MappingSchema):
    debut = colander.SchemaNode(
        FrenchDate(), title="Du", missing_msg=REQUIRED, widget=w.TextInputWidget(type_name="date")
    )
    fin = colander.SchemaNode(
        FrenchDate(), title="Au (inclus)", missing_msg=REQUIRED, widget=w.TextInputWidget(type_name="date")
    )
    message = colander.SchemaNode(
        StrippedString(),
        title="Message affiché",
        missing="",
        validator=length(max=200),
        description="Par exemple : « Fermé pendant les vacances de Noël, réouverture le 5 janvier ».",
    )

    def validator(self, node: colander.SchemaNode, value: dict[str, Any]) -> None:
        if value["fin"] < value["debut"]:
            error = colander.Invalid(node)
            error["fin"] = "La date de fin doit être après la date de début."
            raise error


class Fermetures(colander.SequenceSchema):
    fermeture = Fermeture(title="Fermeture")
    validator = colander.Length(
        max=MAX_CLOSURES,
        max_err=f"{MAX_CLOSURES} fermetures temporaires au plus : retirez les fermetures passées, "
        "ou regroupez les fermetures qui se suivent en une seule.",
    )


@colander.deferred
def thematique_widget(node: colander.SchemaNode, kw: dict[str, Any]) -> w.Widget:
    return w.CheckboxChoiceWidget(values=kw["thematiques"], inline=False)


@colander.deferred
def lieu_widget(node: colander.SchemaNode, kw: dict[str, Any]) -> w.Widget:
    return w.CheckboxChoiceWidget(values=kw["lieux"])


@colander.deferred
def lieu_validator(node: colander.SchemaNode, kw: dict[str, Any]) -> Any:
    allowed = {str(value) for value, _label in kw["lieux"]}
    return colander.All(
        colander.Length(min=0),
        lambda n, v: _check_subset(n, v, allowed, "Ce lieu n'est pas un lieu de votre structure."),
    )


@colander.deferred
def thematique_validator(node: colander.SchemaNode, kw: dict[str, Any]) -> Any:
    allowed = {value for value, _label in kw["thematiques"]}

    def validate(n: colander.SchemaNode, v: set[str]) -> None:
        if not v:
            raise colander.Invalid(n, "Choisissez au moins une thématique.")
        _check_subset(n, v, allowed, "Thématique inconnue.")

    return validate


def _check_subset(node: colander.SchemaNode, values: Any, allowed: set[str], message: str) -> None:
    if any(str(v) not in allowed for v in values):
        raise colander.Invalid(node, message)


def _vocabulary_validator(vocabulary: dict[str, str]) -> Any:
    def validate(node: colander.SchemaNode, values: Any) -> None:
        _check_subset(node, values, set(vocabulary), "Choix inconnu.")

    return validate


class FicheSchema(colander.MappingSchema):
    nom = colander.SchemaNode(
        StrippedString(),
        title="Titre",
        description="Ce que fait le service, en quelques mots : « Permanence d'avocats gratuite ».",
        autofocus="on",  # the cursor starts here, not in the first select
        validator=length(3, 150),
        missing_msg=REQUIRED,
    )
    resume = colander.SchemaNode(
        StrippedString(),
        title="Résumé",
        description=f"En langage simple : il apparaît dans les listes et dans le guide papier, qui en "
        f"imprime {PRINTED_SUMMARY} caractères (280 au plus sur le site).",
        validator=length(max=280),
        widget=w.TextAreaWidget(
            rows=3,
            attributes={
                "maxlength": "280",
                # forms.js counts the characters beside the field, against what the paper guide prints
                "data-print-limit": str(PRINTED_SUMMARY),
                "data-count-label": "caractères",
                "data-over-label": "trop long pour le guide papier : raccourcissez-le",
            },
        ),
        missing_msg=REQUIRED,
    )
    mots_simples = mots_simples_node()  # its own fieldset: FALC rules and readability hint (schemas/falc.py)
    description = colander.SchemaNode(
        StrippedString(),
        title="Description",
        missing="",
        validator=length(max=10000),
        widget=w.TextAreaWidget(rows=8),
    )
    type_service = colander.SchemaNode(
        colander.String(),
        title="Type",
        missing=None,
        widget=w.SelectWidget(values=[("", "— Choisir —"), *_choices(TYPES_SERVICE, "type")]),
        validator=colander.All(length(max=CODE_LENGTH), colander.OneOf(list(TYPES_SERVICE))),
    )
    thematiques = colander.SchemaNode(
        colander.Set(),
        title="Thématiques",
        widget=thematique_widget,
        validator=thematique_validator,
        missing_msg="Choisissez au moins une thématique.",
    )
    publics = colander.SchemaNode(
        colander.Set(),
        title="Publics",
        missing=[],
        widget=w.CheckboxChoiceWidget(values=_choices(PUBLICS, "public")),
        validator=_vocabulary_validator(PUBLICS),
    )
    publics_precisions = colander.SchemaNode(
        StrippedString(),
        title="Précisions sur le public",
        missing="",
        validator=length(max=1000),
        widget=w.TextAreaWidget(rows=2),
    )
    age_min = colander.SchemaNode(
        Int(),
        title="Âge minimum",
        missing=None,
        validator=colander.Range(
            0, 120, min_err="L'âge ne peut pas être négatif.", max_err="120 ans au plus."
        ),
    )
    age_max = colander.SchemaNode(
        Int(),
        title="Âge maximum",
        missing=None,
        validator=colander.Range(
            0, 120, min_err="L'âge ne peut pas être négatif.", max_err="120 ans au plus."
        ),
    )
    conditions_acces = colander.SchemaNode(
        colander.Set(),
        title="Conditions d'accès",
        missing=[],
        widget=w.CheckboxChoiceWidget(values=_choices(CONDITIONS_ACCES, "condition")),
        validator=_vocabulary_validator(CONDITIONS_ACCES),
    )
    conditions_precisions = colander.SchemaNode(
        StrippedString(),
        title="Précisions sur l'accès",
        missing="",
        validator=length(max=1000),
        widget=w.TextAreaWidget(rows=2),
    )
    frais = colander.SchemaNode(
        colander.String(),
        title="Frais",
        missing=None,
        widget=w.RadioChoiceWidget(values=_choices(FRAIS, "frais"), inline=True),
        validator=colander.All(length(max=CODE_LENGTH), colander.OneOf(list(FRAIS))),
    )
    frais_precisions = colander.SchemaNode(
        StrippedString(), title="Précisions sur les frais", missing="", validator=length(max=1000)
    )
    langues = colander.SchemaNode(
        colander.Set(),
        title="Langues parlées",
        missing=[],
        widget=w.CheckboxChoiceWidget(values=_choices(LANGUES), inline=True),
        validator=_vocabulary_validator(LANGUES),
    )
    lieux = colander.SchemaNode(
        colander.Set(),
        title="Lieux",
        description="Où le service est rendu. Ajoutez un lieu depuis la page de votre structure.",
        missing=[],
        widget=lieu_widget,
        validator=lieu_validator,
    )
    horaires = colander.SchemaNode(
        colander.String(),
        title="Horaires d'ouverture",
        missing="",
        widget=OpeningHoursWidget(),
        validator=_validate_hours,
    )
    horaires_precisions = colander.SchemaNode(
        StrippedString(),
        title="Précisions sur les horaires",
        description="Par exemple : « sauf pendant les vacances scolaires », « le 1er mardi du mois ».",
        missing="",
        validator=length(max=500),
    )
    fermetures = Fermetures(
        title="Fermetures temporaires",
        missing=[],
        widget=w.SequenceWidget(add_subitem_text_template="Ajouter une fermeture", max_len=MAX_CLOSURES),
    )
    contact_nom = colander.SchemaNode(
        StrippedString(), title="Personne à contacter", missing="", validator=length(max=120)
    )
    telephone = phone_node(attributes={"autocomplete": "tel"})
    courriel = email_node()
    site_web = colander.SchemaNode(
        Normalized(normalize.url),
        title="Site web",
        missing="",
        validator=length(max=2000),
        widget=w.TextInputWidget(type_name="url"),
    )

    def validator(self, node: colander.SchemaNode, value: dict[str, Any]) -> None:
        age_min, age_max = value.get("age_min"), value.get("age_max")
        if age_min is not None and age_max is not None and age_min > age_max:
            error = colander.Invalid(node)
            error["age_max"] = "L'âge maximum doit être supérieur ou égal à l'âge minimum."
            raise error


def fiche_schema(thematiques: list[tuple[str, str]], lieux: list[tuple[str, str]]) -> FicheSchema:
    return FicheSchema().bind(thematiques=thematiques, lieux=lieux)


def appstruct_to_content(appstruct: dict[str, Any]) -> dict[str, Any]:
    """Form values → the content dict of :mod:`guide.services.fiches`."""
    data = dict(appstruct)
    data["thematiques"] = sorted(appstruct.get("thematiques") or [])
    data["lieux"] = sorted(int(v) for v in appstruct.get("lieux") or [])
    for name in ("publics", "conditions_acces", "langues"):
        data[name] = sorted(appstruct.get(name) or [])
    data["fermetures"] = [
        {"debut": f["debut"].isoformat(), "fin": f["fin"].isoformat(), "message": f.get("message", "")}
        for f in appstruct.get("fermetures") or []
    ]
    return data


def content_to_appstruct(content: dict[str, Any]) -> dict[str, Any]:
    """The content dict → what the form displays."""
    import datetime as dt

    data = {k: v for k, v in content.items() if v is not None}
    data["thematiques"] = set(content.get("thematiques") or [])
    data["lieux"] = {str(i) for i in content.get("lieux") or []}
    for name in ("publics", "conditions_acces", "langues"):
        data[name] = set(content.get(name) or [])
    closures = []
    for closure in content.get("fermetures") or []:
        try:
            closures.append(
                {
                    "debut": dt.date.fromisoformat(closure["debut"]),
                    "fin": dt.date.fromisoformat(closure["fin"]),
                    "message": closure.get("message", ""),
                }
            )
        except (KeyError, ValueError):
            continue
    data["fermetures"] = closures
    return data
