"""Forms of the search engine's coordination pages: synonym groups."""

from __future__ import annotations

import colander
import deform.widget as w

from guide.models.search import split_terms

from .types import StrippedString, length

MAX_EXPRESSION = 100
MAX_EXPRESSIONS = 20


def _expressions(node: colander.SchemaNode, value: str) -> None:
    expressions = split_terms(value)
    if len(expressions) < 2:
        raise colander.Invalid(
            node, "Indiquez au moins deux expressions équivalentes, séparées par des virgules."
        )
    if len(expressions) > MAX_EXPRESSIONS:
        raise colander.Invalid(node, f"{MAX_EXPRESSIONS} expressions au plus dans un même groupe.")
    too_long = [e for e in expressions if len(e) > MAX_EXPRESSION]
    if too_long:
        message = f"« {too_long[0][:40]}… » : {MAX_EXPRESSION} caractères au plus par expression."
        raise colander.Invalid(node, message)


class SynonymSchema(colander.MappingSchema):
    terms = colander.SchemaNode(
        StrippedString(),
        title="Expressions équivalentes",
        description=(
            "Séparées par des virgules, par exemple : ivg, interruption volontaire de grossesse. "
            "Une recherche de l'une trouve aussi les fiches qui emploient les autres. "
            "Majuscules, accents et pluriels sont indifférents."
        ),
        validator=colander.All(length(3, 1000), _expressions),
        missing_msg="Ce champ est obligatoire.",
        widget=w.TextInputWidget(),
    )
