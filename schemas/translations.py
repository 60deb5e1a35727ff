"""The form of a fiche's translation: title, summary and access conditions in one of the guide's languages.

The inputs carry the language's ``lang`` and ``dir`` (right to left for Arabic and Dari), so that the text is
typed and shown in its own direction whatever the page's.
"""

from __future__ import annotations

import colander
import deform.widget as w

from guide.services.translations import Language

from .types import StrippedString, length

REQUIRED = "Ce champ est obligatoire."


def translation_schema(lang: Language) -> colander.SchemaNode:
    attributes = {"lang": lang.tag, "dir": lang.direction}
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(
        colander.SchemaNode(
            StrippedString(),
            name="nom",
            title=f"Titre en {lang.label}",
            validator=length(3, 150),
            missing_msg=REQUIRED,
            widget=w.TextInputWidget(attributes={**attributes, "maxlength": "150"}),
        )
    )
    schema.add(
        colander.SchemaNode(
            StrippedString(),
            name="resume",
            title=f"Résumé en {lang.label}",
            description="280 caractères au plus, en langage simple.",
            validator=length(max=280),
            missing="",
            widget=w.TextAreaWidget(rows=3, attributes={**attributes, "maxlength": "280"}),
        )
    )
    schema.add(
        colander.SchemaNode(
            StrippedString(),
            name="conditions",
            title=f"Conditions d'accès en {lang.label}",
            description="La traduction des précisions sur l'accès (documents à apporter, rendez-vous…).",
            validator=length(max=2000),
            missing="",
            widget=w.TextAreaWidget(rows=4, attributes={**attributes, "maxlength": "2000"}),
        )
    )
    return schema
