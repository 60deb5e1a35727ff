"""Fiche content in other languages: writing a translation, its review, and what the public reads of it.

A translation (:class:`~guide.models.FicheTranslation`) covers what a visitor needs first: the title, the
summary and the access conditions' free text. It follows the fiche's rules of review: whoever may edit the
fiche (its organisation, the coordination) writes it and submits it; whoever may publish the fiche (the
coordination, the référents of its thématiques, an organisation with direct publication) publishes it;
whoever may review it sends it back with a comment. Publishing copies the working copy into the reviewed
text, records « traduction relue » in the fiche's history and, for a public fiche, tells the search index.

« À revoir »: a reviewed translation translates the French text of one version of the fiche
(``published_based_on``). When the French title, summary or access conditions of the fiche's published
version no longer match that version's, the translation is outdated: partners and the coordination see it
flagged, and the public page keeps showing it with « traduction d'une version antérieure de la fiche ». A
change elsewhere in the fiche (hours, phone) does not make a translation outdated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from ..models import Fiche, FicheEvent, FicheTranslation, FicheVersion, State, TranslationState, User, utcnow
from ..models.fiche import version_thematique
from .fiches import log_index_change
from .notifications import decision_recipients, send_to_all


@dataclass(frozen=True)
class Language:
    code: str  # the locale name of the public guide (request.locale_name)
    label: str  # French, for the partner space: « anglais »
    native: str  # its own name: « English »
    tag: str  # BCP 47, for lang="…"
    direction: str  # "ltr" or "rtl", for dir="…"


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "anglais", "English", "en", "ltr"),
        Language("ar", "arabe", "العربية", "ar", "rtl"),
        Language("uk", "ukrainien", "Українська", "uk", "ltr"),
        Language("fa_AF", "dari", "دری", "fa-AF", "rtl"),
        Language("es", "espagnol", "Español", "es", "ltr"),
    )
}

# The French fields a translation covers (FicheVersion attribute -> FicheTranslation attribute).
TRANSLATED_FIELDS: dict[str, str] = {"nom": "nom", "resume": "resume", "conditions_precisions": "conditions"}
FIELD_LABELS = {"nom": "Titre", "resume": "Résumé", "conditions": "Conditions d'accès (précisions)"}

STATE_LABELS = {
    TranslationState.DRAFT: "Brouillon",
    TranslationState.SUBMITTED: "À relire",
    TranslationState.PUBLISHED: "Relue et publiée",
    TranslationState.SENT_BACK: "Renvoyée",
}


class TranslationError(Exception):
    """A translation that cannot be saved or decided as asked; ``message`` is French, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TranslationConflict(TranslationError):
    """Someone saved the translation after this person opened its form: nothing is written."""

    def __init__(self, translation: FicheTranslation) -> None:
        who = translation.author.display_name if translation.author else "quelqu'un"
        super().__init__(
            f"{who} a modifié cette traduction pendant que vous l'écriviez. Son texte est rappelé "
            "ci-dessous ; votre saisie est conservée : enregistrez à nouveau pour la garder."
        )
        self.translation = translation


def stamp(translation: FicheTranslation | None) -> str:
    """What the form carries of the working copy it started from (to detect a concurrent save)."""
    return translation.updated_at.isoformat() if translation is not None else ""


def language(code: object) -> Language | None:
    """The public guide's language named by ``code`` (a locale name), or None (French or unknown)."""
    return LANGUAGES.get(code) if isinstance(code, str) else None


def get(fiche: Fiche, code: str) -> FicheTranslation | None:
    return next((t for t in fiche.translations if t.language == code), None)


def _version(fiche: Fiche, number: int | None) -> FicheVersion | None:
    if number is None:
        return None
    return next((v for v in fiche.versions if v.number == number), None)


def french_text(version: FicheVersion | None) -> dict[str, str]:
    """The French text a translation covers, keyed like the translation's fields."""
    return {
        target: (getattr(version, source) or "") if version is not None else ""
        for source, target in TRANSLATED_FIELDS.items()
    }


def _changed(fiche: Fiche, based_on: int | None, now: FicheVersion | None) -> bool:
    if based_on is None or now is None:
        return False
    if based_on == now.number:
        return False
    return french_text(_version(fiche, based_on)) != french_text(now)


def is_outdated(fiche: Fiche, translation: FicheTranslation) -> bool:
    """The reviewed translation translates French text the public no longer reads (« à revoir »)."""
    return translation.is_reviewed and _changed(
        fiche, translation.published_based_on, fiche.published_version
    )


def working_outdated(fiche: Fiche, translation: FicheTranslation) -> bool:
    """The working copy was written from French text that changed since (in the fiche's latest version)."""
    return bool(translation.nom) and _changed(fiche, translation.based_on_version, fiche.current_version)


def changed_french(fiche: Fiche, translation: FicheTranslation) -> list[str]:
    """Labels of the French fields that changed since the version the working copy was written from."""
    before = french_text(_version(fiche, translation.based_on_version))
    after = french_text(fiche.current_version)
    return [FIELD_LABELS[name] for name in FIELD_LABELS if before[name] != after[name]]


MAX_LENGTHS = {"nom": 150, "resume": 280, "conditions": 2000}


def _text(values: dict[str, Any]) -> dict[str, str]:
    """The typed text, trimmed (the title on one line); too long a text is refused."""
    text = {name: str(values.get(name) or "").strip() for name in FIELD_LABELS}
    text["nom"] = " ".join(text["nom"].split())
    for name, limit in MAX_LENGTHS.items():
        if len(text[name]) > limit:
            raise TranslationError(f"{FIELD_LABELS[name]} : {limit} caractères au plus.")
    return text


def _record(fiche: Fiche, actor: User | None, action: str, comment: str) -> FicheEvent:
    event = FicheEvent(
        actor=actor,
        action=action,
        from_state=fiche.state,
        to_state=fiche.state,
        version_number=None,
        comment=comment,
        at=utcnow(),
    )
    fiche.events.append(event)
    return event


def save(
    db: Session,
    fiche: Fiche,
    code: str,
    values: dict[str, Any],
    actor: User | None,
    *,
    submit: bool = False,
    base: str | None = None,
) -> FicheTranslation:
    """Save the working copy of the translation into ``code`` (creating it), and submit it if asked.

    It is based on the fiche's latest version (the French text shown beside the form). Saving text equal to
    the reviewed one keeps it published; any other change waits for a review. ``base`` (:func:`stamp` of the
    working copy the form was opened on): :class:`TranslationConflict` if someone saved since."""
    lang = language(code)
    if lang is None:
        raise TranslationError("Cette langue n'est pas proposée par le guide.")
    if fiche.state == State.ARCHIVED:
        raise TranslationError("Une fiche archivée ne peut pas être traduite ; restaurez-la d'abord.")
    text = _text(values)
    if not text["nom"]:
        raise TranslationError("Le titre traduit est obligatoire.")
    translation = get(fiche, code)
    if base is not None and base != stamp(translation) and translation is not None:
        raise TranslationConflict(translation)
    if translation is None:
        translation = FicheTranslation(language=code, created_at=utcnow(), comment="")
        fiche.translations.append(translation)
        db.add(translation)
    for name, value in text.items():
        setattr(translation, name, value)
    translation.author = actor
    translation.based_on_version = fiche.current_version.number if fiche.current_version else None
    translation.updated_at = utcnow()
    same_as_reviewed = translation.is_reviewed and all(
        getattr(translation, f"published_{name}") == value for name, value in text.items()
    )
    if same_as_reviewed and translation.based_on_version == translation.published_based_on:
        translation.state = TranslationState.PUBLISHED
    elif submit:
        translation.state = TranslationState.SUBMITTED
        translation.submitted_at = utcnow()
    elif translation.state != TranslationState.SENT_BACK:
        translation.state = TranslationState.DRAFT
    db.flush()
    return translation


def submit(db: Session, fiche: Fiche, translation: FicheTranslation, actor: User | None) -> None:
    if translation.state not in (TranslationState.DRAFT, TranslationState.SENT_BACK):
        raise TranslationError("Cette traduction n'est pas en brouillon : il n'y a rien à soumettre.")
    translation.state = TranslationState.SUBMITTED
    translation.submitted_at = utcnow()
    db.flush()


def publish(db: Session, fiche: Fiche, translation: FicheTranslation, actor: User | None) -> FicheEvent:
    """The reviewer accepts the working copy: it becomes the text the public reads."""
    if fiche.state == State.ARCHIVED:
        raise TranslationError("Une fiche archivée ne peut pas être traduite ; restaurez-la d'abord.")
    if translation.state == TranslationState.PUBLISHED:
        raise TranslationError("Cette traduction est déjà relue et publiée.")
    if not translation.nom:
        raise TranslationError("Cette traduction n'a pas de titre : elle ne peut pas être publiée.")
    translation.published_nom = translation.nom
    translation.published_resume = translation.resume
    translation.published_conditions = translation.conditions
    translation.published_based_on = translation.based_on_version
    translation.reviewed_by = actor
    translation.reviewed_at = utcnow()
    translation.state = TranslationState.PUBLISHED
    translation.comment = ""
    lang = LANGUAGES[translation.language]
    event = _record(fiche, actor, "translation_publish", f"Traduction en {lang.label} relue et publiée.")
    db.flush()
    if fiche.is_public:
        log_index_change(db, fiche)
    return event


def send_back(
    db: Session, fiche: Fiche, translation: FicheTranslation, actor: User | None, comment: str
) -> FicheEvent:
    comment = (comment or "").strip()
    if translation.state != TranslationState.SUBMITTED:
        raise TranslationError("Seule une traduction soumise à relecture peut être renvoyée.")
    if not comment:
        raise TranslationError("Un commentaire est obligatoire pour expliquer ce renvoi.")
    translation.state = TranslationState.SENT_BACK
    translation.comment = comment
    lang = LANGUAGES[translation.language]
    event = _record(fiche, actor, "translation_send_back", f"Traduction en {lang.label} renvoyée : {comment}")
    db.flush()
    return event


def mail_decision(
    db: Session,
    fiche: Fiche,
    translation: FicheTranslation,
    actor: User | None,
    mailer: Any,
    link: str,
    *,
    transaction_manager: Any = None,
) -> int:
    """Mail the organisation's active members (not the reviewer) that a translation of their fiche was
    published or sent back (with the comment); ``link`` is the translation's page (absolute, from the view's
    ``route_url``). Returns how many mails. Only partners and reviewers trigger it (never a visitor)."""
    emails = decision_recipients(db, fiche.organisation_id, actor)
    lang = LANGUAGES[translation.language]
    if translation.state == TranslationState.PUBLISHED:
        subject = f"Traduction publiée : {fiche.title} ({lang.label})"
        body = (
            f"Bonjour,\n\nLa traduction en {lang.label} de la fiche « {fiche.title} » est relue et publiée : "
            f"les visiteurs qui lisent le guide en {lang.label} la voient dès maintenant.\n\n{link}\n"
        )
    elif translation.state == TranslationState.SENT_BACK:
        subject = f"Traduction renvoyée : {fiche.title} ({lang.label})"
        body = (
            f"Bonjour,\n\nLa traduction en {lang.label} de la fiche « {fiche.title} » vous est renvoyée avec "
            f"ce commentaire :\n\n{translation.comment}\n\n"
            f"Corrigez-la puis soumettez-la à nouveau :\n{link}\n"
        )
    else:
        return 0
    return send_to_all(db, mailer, transaction_manager, emails, subject, body)


# --- what the public reads ----------------------------------------------------------------------


@dataclass(frozen=True)
class PublicTranslation:
    language: Language
    nom: str
    resume: str
    conditions: str
    reviewed_at: dt.datetime
    outdated: bool


def public(fiche: Fiche, code: object) -> PublicTranslation | None:
    """The reviewed translation of a public fiche into ``code``, or None (French, none, or not reviewed)."""
    lang = language(code)
    if lang is None or not fiche.is_public:
        return None
    translation = get(fiche, lang.code)
    if translation is None or not translation.is_reviewed or translation.reviewed_at is None:
        return None
    return PublicTranslation(
        language=lang,
        nom=translation.published_nom or "",
        resume=translation.published_resume or "",
        conditions=translation.published_conditions or "",
        reviewed_at=translation.reviewed_at,
        outdated=is_outdated(fiche, translation),
    )


def public_texts(fiche: Fiche) -> dict[str, dict[str, str]]:
    """Every reviewed translation of a fiche, by language (for the search index and the API)."""
    return {
        t.language: {
            "nom": t.published_nom or "",
            "resume": t.published_resume or "",
            "conditions": t.published_conditions or "",
        }
        for t in fiche.translations
        if t.is_reviewed and t.language in LANGUAGES
    }


def reviewed_titles(db: Session, fiche_ids: Iterable[int], code: object) -> dict[int, str]:
    """The reviewed titles into ``code`` of these fiches (for lists of results), by fiche id."""
    lang = language(code)
    ids = sorted(set(fiche_ids))
    if lang is None or not ids:
        return {}
    rows = db.execute(
        select(FicheTranslation.fiche_id, FicheTranslation.published_nom).where(
            FicheTranslation.language == lang.code,
            FicheTranslation.fiche_id.in_(ids),
            FicheTranslation.reviewed_at.is_not(None),
            FicheTranslation.published_nom.is_not(None),
        )
    ).all()
    return {fiche_id: nom for fiche_id, nom in rows if nom}


# --- review queue ----------------------------------------------------------------------------------


def _of_thematiques(thematiques: Iterable[int]) -> Any:
    ids = sorted(set(thematiques))
    vt = version_thematique
    return exists().where(
        vt.c.thematique_id.in_(ids),
        or_(vt.c.version_id == Fiche.current_version_id, vt.c.version_id == Fiche.published_version_id),
    )


def review_queue(db: Session, thematiques: Iterable[int] | None = None) -> list[FicheTranslation]:
    """Translations awaiting a review, oldest first: all of them (coordination) or those of fiches of
    ``thematiques`` (a référent: the same rule as for fiches)."""
    query = (
        select(FicheTranslation)
        .join(Fiche, Fiche.id == FicheTranslation.fiche_id)
        .where(
            FicheTranslation.state == TranslationState.SUBMITTED,
            FicheTranslation.language.in_(sorted(LANGUAGES)),
            Fiche.state != State.ARCHIVED,
        )
        .options(selectinload(FicheTranslation.fiche).selectinload(Fiche.organisation))
        .order_by(FicheTranslation.submitted_at, FicheTranslation.id)
    )
    if thematiques is not None:
        ids = set(thematiques)
        if not ids:
            return []
        query = query.where(_of_thematiques(ids))
    return list(db.scalars(query.limit(500)))


def _outdated_sql() -> Any:
    """SQL: the reviewed translation's French text (title, summary, access conditions of the version it was
    based on) differs from that of its fiche's published version — :func:`is_outdated` in the database, so
    that lists compare two rows per translation instead of loading every version of every fiche."""
    based = aliased(FicheVersion)
    published = aliased(FicheVersion)
    return exists().where(
        based.fiche_id == FicheTranslation.fiche_id,
        based.number == FicheTranslation.published_based_on,
        published.id == Fiche.published_version_id,
        published.number != based.number,
        or_(
            published.nom != based.nom,
            published.resume != based.resume,
            published.conditions_precisions != based.conditions_precisions,
        ),
    )


def outdated(db: Session, thematiques: Iterable[int] | None = None) -> list[FicheTranslation]:
    """Reviewed translations of public fiches whose French text changed since (« à revoir »), at most 200."""
    query = (
        select(FicheTranslation)
        .join(Fiche, Fiche.id == FicheTranslation.fiche_id)
        .where(
            FicheTranslation.reviewed_at.is_not(None),
            FicheTranslation.language.in_(sorted(LANGUAGES)),
            Fiche.is_public,
            _outdated_sql(),
        )
        .options(selectinload(FicheTranslation.fiche).selectinload(Fiche.organisation))
        .order_by(FicheTranslation.fiche_id, FicheTranslation.language)
    )
    if thematiques is not None:
        ids = set(thematiques)
        if not ids:
            return []
        query = query.where(_of_thematiques(ids))
    return list(db.scalars(query.limit(200)))


def for_organisations(db: Session, organisation_ids: Iterable[int]) -> list[tuple[FicheTranslation, str]]:
    """What a partner's dashboard lists of their organisations' translations (at most 200): those sent back
    (with the reviewer's comment) and the reviewed ones « à revoir » not yet resubmitted, each with why."""
    ids = sorted(set(organisation_ids))
    if not ids:
        return []
    sent_back = FicheTranslation.state == TranslationState.SENT_BACK
    rows = db.scalars(
        select(FicheTranslation)
        .join(Fiche, Fiche.id == FicheTranslation.fiche_id)
        .where(
            Fiche.organisation_id.in_(ids),
            Fiche.state != State.ARCHIVED,
            FicheTranslation.language.in_(sorted(LANGUAGES)),
            or_(
                sent_back,
                and_(
                    FicheTranslation.reviewed_at.is_not(None),
                    FicheTranslation.state != TranslationState.SUBMITTED,
                    Fiche.is_public,
                    _outdated_sql(),
                ),
            ),
        )
        .options(selectinload(FicheTranslation.fiche))
        .order_by(FicheTranslation.fiche_id, FicheTranslation.language)
        .limit(200)
    )
    return [(t, "renvoyee" if t.state == TranslationState.SENT_BACK else "a_revoir") for t in rows]


# --- demo ------------------------------------------------------------------------------------------------


def seed_demo(db: Session, data: dict[str, Any], source: str, reviewer: User | None) -> int:
    """The demo guide's reviewed translations (``guide/demo/translations.json``), keyed by the demo's source
    ids of fiches then by language: written and published as a reviewer would. Returns how many."""
    added = 0
    for source_id, by_language in data.items():
        if source_id.startswith("_"):
            continue
        fiche = db.scalar(select(Fiche).where(Fiche.source == source, Fiche.source_id == source_id))
        if fiche is None or not fiche.is_public:
            continue
        for code, values in by_language.items():
            translation = save(db, fiche, code, values, reviewer, submit=True)
            if translation.state != TranslationState.PUBLISHED:
                publish(db, fiche, translation, reviewer)
                added += 1
    return added
