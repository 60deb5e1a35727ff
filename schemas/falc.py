"""The « En mots simples » field of the fiche form: the FALC rules beside the text and a readability hint.

The hint is computed on the server each time the form is shown (on opening, after an error: it works
without JavaScript) by :func:`guide.services.readability.analyse`; ``guide/static/falc.js`` refreshes it while
the partner types, through the small JSON view ``readability`` (views/falc.py).
"""

from __future__ import annotations

from typing import Any

import colander
from deform.widget import TextAreaWidget
from pyramid.i18n import TranslationStringFactory
from pyramid.threadlocal import get_current_request

from guide.services import readability
from guide.services.easy_read import french_spacing

from .types import StrippedString, length

_ = TranslationStringFactory("guide")

MAX_LENGTH = readability.MAX_LENGTH

# The rules shown beside the field, in the words of the « facile à lire et à comprendre » guidelines.
RULES = (
    _("Des phrases courtes : 15 mots au plus."),
    _("Une seule idée par phrase."),
    _("Des mots de tous les jours : « aide », pas « accompagnement »."),
    _("Parlez à la personne : « Vous pouvez venir »."),
    _("Pas d'abréviation ni de sigle sans explication : « rendez-vous », pas « rdv »."),
    _("Les nombres en chiffres : « 3 ateliers »."),
    _("D'abord ce que le service fait, puis comment venir."),
)


def _translate(term: Any) -> str:
    """Translated, with no line break before « : ? ! » nor inside « » (easy_read.french_spacing)."""
    request = get_current_request()
    return french_spacing(
        str(request.localizer.translate(term)) if request is not None else term.interpolate()
    )


def hint_texts(report: readability.Readability, translate: Any = _translate) -> dict[str, Any]:
    """The hint's sentences, translated: what the form shows and what falc.js writes while typing."""

    def say(term: Any) -> str:  # no line break before « : ? ! » nor inside « »
        return french_spacing(str(translate(term)))

    average = f"{report.average:.1f}".replace(".", ",").removesuffix(",0")
    return {
        "title": say(_("Lisibilité de votre texte")),
        "figures": say(
            _(
                "Phrases : ${sentences} · mots par phrase en moyenne : ${average} · "
                "phrase la plus longue : ${longest} mots",
                mapping={"sentences": report.sentences, "average": average, "longest": report.longest},
            )
        ),
        "ok_text": say(_("Votre texte suit les règles du « facile à lire ».")),
        "empty_text": say(_("Écrivez votre texte : les conseils apparaissent ici.")),
        "advice": [say(a) for a in report.advice],
    }


def _check_url(request: Any) -> str:
    """The live hint's URL; "" (the script then stays idle) outside a request or without the route."""
    try:
        return request.route_path("readability") if request is not None else ""
    except KeyError:
        return ""


class MotsSimplesWidget(TextAreaWidget):
    """A text area inside its own fieldset, with the FALC rules and the readability hint."""

    template = "mots_simples"
    # deform's mapping_item then adds nothing (no label, error or description of its own): the template draws
    # the whole fieldset — legend, label, error, description, text, hint and rules
    hidden = True
    rows = 5

    def serialize(self, field: Any, cstruct: Any, **kw: Any) -> str:
        text = cstruct if isinstance(cstruct, str) else ""
        report = readability.analyse(text)
        request = get_current_request()
        kw.setdefault("rules", [_translate(rule) for rule in RULES])
        kw.setdefault("report", report)
        kw.setdefault("hint", hint_texts(report))
        kw.setdefault("check_url", _check_url(request))
        kw.setdefault("max_length", MAX_LENGTH)
        return super().serialize(field, cstruct, **kw)


def mots_simples_node() -> colander.SchemaNode:
    return colander.SchemaNode(
        StrippedString(),
        name="mots_simples",
        title="Votre texte en mots simples",
        description=f"{MAX_LENGTH} caractères au plus. Il est montré aux personnes qui choisissent « Mots "
        "simples » dans le guide. Laissez vide si vous ne l'avez pas encore écrit : le résumé est montré.",
        missing="",
        validator=length(max=MAX_LENGTH),
        widget=MotsSimplesWidget(attributes={"maxlength": str(MAX_LENGTH)}),
    )
