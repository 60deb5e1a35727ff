"""« Mots simples », the easy-to-read mode of the public guide: what a fiche says in a few pictograms.

One job: from a published version, the short text to lead with (the « En mots simples » summary, else the
résumé) and the practical facts a visitor decides on — free or not, with or without an appointment,
wheelchair access, languages spoken, telephone — each with a pictogram of ``guide/static/icons/faits.svg``
and a label (never a pictogram alone). Labels are :class:`pyramid.i18n.TranslationString`: templates
translate them. No rule about how the mode is chosen lives here (views/easy_read.py: cookie and URL).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pyramid.i18n import TranslationString, TranslationStringFactory
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Access, Fiche, FicheVersion, Organisation
from ..vocabulary import LANGUES
from . import readability
from .fiches import published_content_loading

_ = TranslationStringFactory("guide")

MAX_FICHES = 100  # a results page never shows more (search_index's per-page bound is lower)


@dataclass(frozen=True)
class Fact:
    code: str  # the pictogram's id in faits.svg (without « fait- »)
    label: TranslationString
    detail: str = ""  # shown after the label: the languages, the telephone number


@dataclass(frozen=True)
class EasyRead:
    text: str  # the « En mots simples » summary, else the résumé
    is_simple: bool  # True when ``text`` is the « En mots simples » summary
    facts: tuple[Fact, ...]
    thematiques: tuple[tuple[str, str], ...]  # (icon, label)


_BEFORE_MARK = re.compile(r"[ \t]+([?!:;»])")
_AFTER_QUOTE = re.compile(r"«[ \t]+")


def french_spacing(text: str) -> str:
    """No line break between a word and its « ? », « ! », « : », « ; » or quote (a no-break space): on a
    phone, a « ? » alone at the start of a line reads as a new sentence."""
    return _AFTER_QUOTE.sub("«\u00a0", _BEFORE_MARK.sub("\u00a0\\1", text))


def summary(version: FicheVersion) -> tuple[str, bool]:
    simple = (version.mots_simples or "").strip()
    if simple:
        return french_spacing(simple), True
    return french_spacing((version.resume or "").strip()), False


def practical_facts(
    version: FicheVersion,
    organisation: Organisation | None = None,
    language_name: Callable[[str], str] | None = None,
) -> tuple[Fact, ...]:
    """The practical facts with their pictograms; ``language_name`` names a spoken language in the reader's
    language (the guide's French names without it)."""
    facts: list[Fact] = []
    if version.frais == "gratuit":
        facts.append(Fact("gratuit", _("Gratuit")))
    elif version.frais == "payant":
        facts.append(Fact("payant", _("Payant")))
    conditions = set(version.conditions_acces or [])
    if "sur-rendez-vous" in conditions:
        facts.append(Fact("rdv", _("Sur rendez-vous")))
    elif "accueil-inconditionnel" in conditions:
        facts.append(Fact("sans-rdv", _("Sans rendez-vous")))
    if any(lieu.acces_plain_pied == Access.YES for lieu in version.lieux):
        facts.append(Fact("fauteuil", _("Accessible en fauteuil roulant")))
    langues = [
        (language_name or (lambda code: LANGUES.get(code, code)))(code) for code in version.langues or []
    ]
    if langues:
        facts.append(Fact("langues", _("Langues parlées :"), ", ".join(langues)))
    phone = version.telephone or (organisation.telephone if organisation is not None else "")
    if phone:
        facts.append(Fact("telephone", _("Téléphone :"), phone))
    return tuple(facts)


def easy_read(
    version: FicheVersion,
    organisation: Organisation | None = None,
    thematique_label: Callable[[Any], str] | None = None,
    language_name: Callable[[str], str] | None = None,
) -> EasyRead:
    """``thematique_label``: a thématique's label in the reader's language (``PublicLabels.thematique``);
    the label as stored without it."""
    text, is_simple = summary(version)
    name = thematique_label or (lambda thematique: thematique.label)
    return EasyRead(
        text=text,
        is_simple=is_simple,
        facts=practical_facts(version, organisation, language_name),
        thematiques=tuple((t.icon or "autre", name(t)) for t in version.thematiques),
    )


def easy_read_for(
    db: Session,
    fiche_ids: Iterable[Any],
    thematique_label: Callable[[Any], str] | None = None,
    language_name: Callable[[str], str] | None = None,
) -> dict[int, EasyRead]:
    """The easy-read view of public fiches by id (a page of search results: one query per relation)."""
    ids = list(dict.fromkeys(int(i) for i in fiche_ids))[:MAX_FICHES]
    if not ids:
        return {}
    fiches = db.scalars(
        select(Fiche).where(Fiche.id.in_(ids), Fiche.is_public).options(*published_content_loading())
    ).all()
    return {
        f.id: easy_read(f.published_version, f.organisation, thematique_label, language_name)
        for f in fiches
        if f.published_version is not None
    }


def seed_demo(db: Session, texts: Mapping[str, str], source: str) -> int:
    """The demo's « En mots simples » texts (``guide/demo/mots_simples.json``, by source id of fiche), written
    into the versions the demo import just created (current and published): the demo reads as if the partners
    had written them from the start, without a second version per fiche in its history (versions are never
    changed afterwards; this runs only while the demo is being loaded). Returns how many fiches got one."""
    added = 0
    for source_id, text in texts.items():
        if source_id.startswith("_") or not isinstance(text, str):
            continue
        fiche = db.scalar(select(Fiche).where(Fiche.source == source, Fiche.source_id == source_id))
        if fiche is None or fiche.current_version is None:
            continue
        for version in {fiche.current_version, fiche.published_version} - {None}:
            version.mots_simples = text.strip()[: readability.MAX_LENGTH]
        added += 1
    db.flush()
    return added
