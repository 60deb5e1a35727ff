"""Colander types that normalise as they validate (phone numbers, SIRET, postcodes…)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import colander
import deform.widget as w

from guide import normalize
from guide.i18n import _
from guide.normalize import NormalizeError, strip_invisible


class Normalized(colander.String):
    """A string passed through one of :mod:`guide.normalize`'s functions, invisible characters removed.

    The error message of the normaliser is shown beside the field; an empty value is "missing".
    """

    def __init__(self, normalizer: Callable[[str], Any], **kw: Any) -> None:
        super().__init__(**kw)
        self.normalizer = normalizer

    def deserialize(self, node: colander.SchemaNode, cstruct: Any) -> Any:
        value = super().deserialize(node, cstruct)
        if value is colander.null:
            return value
        value = strip_invisible(value).strip()
        if not value:
            return colander.null
        try:
            return self.normalizer(value)
        except NormalizeError as exc:
            raise colander.Invalid(node, exc.message, cstruct) from None


class StrippedString(colander.String):
    """A string with surrounding white space and invisible characters that could disguise it (bidi
    overrides, zero-width spaces: :func:`guide.normalize.strip_invisible`) removed; refuses control
    characters."""

    def deserialize(self, node: colander.SchemaNode, cstruct: Any) -> Any:
        value = super().deserialize(node, cstruct)
        if value is colander.null:
            return value
        value = strip_invisible(value).replace("\r\n", "\n").strip()
        if any(ord(c) < 32 and c not in "\n\t" for c in value) or "\x7f" in value:
            raise colander.Invalid(node, _("Ce texte contient des caractères invalides."), cstruct)
        if not value:
            return colander.null
        return value


def length(min: int | None = None, max: int | None = None) -> colander.Length:
    return colander.Length(
        min=min,
        max=max,
        # the guide's catalogue (colander keeps a TranslationString's domain): every language says them
        min_err=_("Au moins ${min} caractères, s'il vous plaît."),
        max_err=_("${max} caractères au plus (vous en avez écrit davantage)."),
    )


def required_msg() -> str:
    return _("Ce champ est obligatoire.")


class Int(colander.Integer):
    """An integer with a French message for anything else ("12 ans" is read as 12)."""

    def deserialize(self, node: colander.SchemaNode, cstruct: Any) -> Any:
        if cstruct is colander.null or (isinstance(cstruct, str) and not cstruct.strip()):
            return colander.null
        text = str(cstruct).strip().removesuffix("ans").strip()
        if not re.fullmatch(r"-?[0-9]{1,9}", text):
            raise colander.Invalid(node, _("Indiquez un nombre entier, par exemple 16."), cstruct)
        return int(text)


# The phone and e-mail fields of every form (fiche, organisation, information for professionals, référent
# and directory cards): one definition, so that their checks and limits cannot drift apart. A phone number
# is stored as ``guide.normalize.phone`` writes it (« 04 73 98 07 81 »: 14 characters, at most 20 for any
# number it accepts), which the narrowest column (20 characters) holds.
PHONE_MAX_LENGTH = 20
EMAIL_MAX_LENGTH = 254


def phone_node(title: str = "Téléphone", **kw: Any) -> colander.SchemaNode:
    """An optional phone number, checked and written the French way by ``guide.normalize.phone``."""
    attributes = kw.pop("attributes", {})
    return colander.SchemaNode(
        Normalized(normalize.phone),
        title=title,
        missing="",
        validator=length(max=PHONE_MAX_LENGTH),
        widget=w.TextInputWidget(type_name="tel", attributes=attributes),
        **kw,
    )


def email_node(title: str = "Courriel", **kw: Any) -> colander.SchemaNode:
    """An optional e-mail address, syntax checked by ``guide.normalize.email``."""
    attributes = kw.pop("attributes", {})
    return colander.SchemaNode(
        Normalized(normalize.email),
        title=title,
        missing="",
        validator=length(max=EMAIL_MAX_LENGTH),
        widget=w.TextInputWidget(type_name="email", attributes=attributes),
        **kw,
    )
