"""The extension object ``guide`` of an export row (what data·inclusion does not carry, written by the
guide's own export and the demo guide), and the tolerant key of quartier names."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

import pydantic

from ...text import fold
from .rows import Record, RowError, french_reason

RESUME_MAX = 280

# --- the extension object ``guide`` ----------------------------------------------------------------
AccessValue = Literal["oui", "non", "inconnu"]


class _Extension(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="ignore")


class GuideLieu(_Extension):
    id: str = pydantic.Field(min_length=1, max_length=150)
    nom: str = pydantic.Field(min_length=1, max_length=200)
    adresse: str = pydantic.Field("", max_length=300)
    complement_adresse: str = pydantic.Field("", max_length=300)
    code_postal: str = pydantic.Field("", pattern=r"^(\d{5})?$")
    commune: str = pydantic.Field("", max_length=120)
    code_insee: str = pydantic.Field("", pattern=r"^(\w{5})?$")
    latitude: float | None = None
    longitude: float | None = None
    quartier: str | None = None
    acces_plain_pied: AccessValue = "inconnu"
    toilettes_adaptees: AccessValue = "inconnu"
    boucle_magnetique: AccessValue = "inconnu"
    langue_des_signes: AccessValue = "inconnu"


class GuideStructure(_Extension):
    sigle: str | None = pydantic.Field(None, max_length=40)
    reseau_porteur: str | None = pydantic.Field(None, max_length=200)
    lieux: list[GuideLieu] | None = pydantic.Field(None, max_length=100)


class GuideClosure(_Extension):
    debut: dt.date
    fin: dt.date
    message: str = pydantic.Field("", max_length=200)


class GuideService(_Extension):
    resume: str | None = pydantic.Field(None, max_length=RESUME_MAX)
    type_service: str | None = None
    publics: list[str] | None = None
    thematiques: list[str] | None = None
    conditions_acces: list[str] | None = None
    age_min: int | None = pydantic.Field(None, ge=0, le=120)
    age_max: int | None = pydantic.Field(None, ge=0, le=120)
    horaires_precisions: str | None = pydantic.Field(None, max_length=500)
    mots_simples: str | None = pydantic.Field(None, max_length=600)  # « En mots simples » (FALC)
    fermetures: list[GuideClosure] | None = pydantic.Field(None, max_length=50)
    lieux: list[str] | None = pydantic.Field(None, max_length=20)


def extension_of(model: type[_Extension], record: Record) -> Any:
    """The row's validated ``guide`` object, or None when it has none."""
    value = record.data.get("guide") if record.data else None
    if value is None:
        return None
    try:
        return model.model_validate(value)
    except pydantic.ValidationError as error:
        raise RowError(f"champ guide : {french_reason(error)}") from None


_ARTICLES = frozenset({"l", "la", "le", "les"})
_PREFIXES = frozenset({"quartier", "quartiers", "qpv", "cite"})  # « Quartier de la Gauthière »
_JOINS = frozenset({"de", "du", "des", "d"})
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints"}


def quartier_key(value: str) -> str:
    """A quartier name reduced to what tells it apart: « La Fontaine-du-Bac », « fontaine du bac » and
    « Quartier de la Fontaine du Bac » → "fontaine du bac"; « St-Jacques » → "saint jacques"."""
    words = [_ABBREVIATIONS.get(word, word) for word in re.findall(r"[a-z0-9]+", fold(value))]
    if len(words) > 2 and words[0] in _PREFIXES:
        words = words[1:]
        if len(words) > 1 and words[0] in _JOINS:
            words = words[1:]
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)
