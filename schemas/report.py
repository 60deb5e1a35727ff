"""The "Signaler une erreur" form, open to everyone."""

from __future__ import annotations

import colander
import deform.widget as w

from guide import normalize
from guide.i18n import _

from .types import Normalized, StrippedString, length


def _empty(node: colander.SchemaNode, value: str) -> None:
    if value:
        raise colander.Invalid(node, _("Laissez ce champ vide."))


class ReportSchema(colander.MappingSchema):
    message = colander.SchemaNode(
        StrippedString(),
        title=_("Qu'est-ce qui est inexact ?"),
        description=_(
            "Par exemple : « le numéro de téléphone a changé », « la permanence n'a plus lieu le mardi »."
        ),
        validator=length(10, 2000),
        widget=w.TextAreaWidget(rows=5),
        autofocus="on",  # deform focused the first String field: the hidden trap « site » below
        missing_msg=_("Décrivez l'erreur en quelques mots."),
    )
    contact = colander.SchemaNode(
        Normalized(normalize.email),
        title=_("Votre adresse électronique (facultatif)"),
        description=_("Seulement si vous acceptez que la coordination vous réponde."),
        missing="",
        validator=length(max=254),
        widget=w.TextInputWidget(type_name="email"),
    )
    # Robots fill every field; people never see this one.
    site = colander.SchemaNode(
        colander.String(),
        title=_("Ne pas remplir"),
        missing="",
        validator=colander.All(length(max=200), _empty),
        widget=w.TextInputWidget(
            item_css_class="hp-item", attributes={"tabindex": "-1", "autocomplete": "off"}
        ),
    )
    stamp = colander.SchemaNode(
        colander.String(), missing="", validator=length(max=200), widget=w.HiddenWidget()
    )
