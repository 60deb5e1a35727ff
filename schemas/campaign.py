"""The coordinators' update campaign form: who gets it, and the words above the link."""

from __future__ import annotations

from typing import Any

import colander
import deform.widget as w

from guide.services.campaigns.sending import TARGET_MODES

from .types import StrippedString, length

REQUIRED = "Ce champ est obligatoire."


@colander.deferred
def _choices_widget(node: colander.SchemaNode, kw: dict[str, Any]) -> w.Widget:
    return w.CheckboxChoiceWidget(values=kw[node.name + "s"], inline=False)


@colander.deferred
def _choices_validator(node: colander.SchemaNode, kw: dict[str, Any]) -> colander.ContainsOnly:
    return colander.ContainsOnly([value for value, _label in kw[node.name + "s"]])


def _needs_a_choice(form: colander.SchemaNode, values: dict[str, Any]) -> None:
    mode = values.get("mode")
    if mode in ("thematique", "quartier") and not values.get(mode):
        error = colander.Invalid(form)
        error[mode] = (
            "Cochez au moins une thématique." if mode == "thematique" else "Cochez au moins un quartier."
        )
        raise error


class CampaignSchema(colander.MappingSchema):
    title = colander.SchemaNode(
        StrippedString(),
        title="Nom de la campagne",
        description="Pour la coordination, par exemple « Mise à jour de printemps 2027 ».",
        validator=length(3, 150),
        missing_msg=REQUIRED,
    )
    mode = colander.SchemaNode(
        colander.String(),
        title="À qui l'envoyer ?",
        widget=w.RadioChoiceWidget(values=list(TARGET_MODES.items())),
        validator=colander.OneOf(list(TARGET_MODES)),
        default="stale",
        missing_msg="Choisissez à qui envoyer la campagne.",
    )
    thematique = colander.SchemaNode(
        colander.Set(),
        title="Thématiques (si « Par thématique »)",
        widget=_choices_widget,
        validator=_choices_validator,
        missing=(),
    )
    quartier = colander.SchemaNode(
        colander.Set(),
        title="Quartiers (si « Par quartier »)",
        widget=_choices_widget,
        validator=_choices_validator,
        missing=(),
    )
    message = colander.SchemaNode(
        StrippedString(),
        title="Votre message",
        description="Placé en tête du courriel, avant la liste des fiches et le lien de mise à jour.",
        validator=length(max=3000),
        widget=w.TextAreaWidget(rows=5),
        missing="",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, validator=_needs_a_choice, **kwargs)


class PhoneNoteSchema(colander.MappingSchema):
    note = colander.SchemaNode(StrippedString(), validator=length(max=2000), missing="")
