"""The coordination's form for a public label in plain words (``guide.services.public_labels``)."""

from __future__ import annotations

from typing import Any

import colander
import deform.widget as w

from guide.services.public_labels import MAX_LABEL_LENGTH, LabelError, clean

from .types import StrippedString


def _valid_label(node: colander.SchemaNode, value: Any) -> None:
    try:
        clean(value)
    except LabelError as error:
        raise colander.Invalid(node, error.message) from None


class PublicLabelSchema(colander.MappingSchema):
    label = colander.SchemaNode(
        StrippedString(),
        title="Libellé public",
        description="Des mots de tous les jours, une idée courte : « Habitants des quartiers prioritaires ».",
        missing_msg="Écrivez le libellé, ou revenez au libellé par défaut avec le bouton prévu.",
        validator=_valid_label,
        widget=w.TextInputWidget(attributes={"maxlength": str(MAX_LABEL_LENGTH + 80)}),
    )
