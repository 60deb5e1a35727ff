"""Saving fiche versions, applying workflow transitions, comparing and restoring versions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from .. import workflow
from ..models import (
    Fiche,
    FicheEvent,
    FicheVersion,
    IndexChange,
    Lieu,
    Organisation,
    State,
    Thematique,
    User,
    utcnow,
    version_lieu,
)
from ..vocabulary import CONDITIONS_ACCES, FRAIS, LANGUES, PUBLICS, TYPES_SERVICE, labels

# The content of a fiche, in the order of the form, with the label used in comparisons.
SCALAR_FIELDS: dict[str, str] = {
    "nom": "Titre",
    "resume": "Résumé",
    "mots_simples": "En mots simples",
    "description": "Description",
    "type_service": "Type",
    "publics": "Publics",
    "publics_precisions": "Précisions sur le public",
    "age_min": "Âge minimum",
    "age_max": "Âge maximum",
    "conditions_acces": "Conditions d'accès",
    "conditions_precisions": "Précisions sur l'accès",
    "frais": "Frais",
    "frais_precisions": "Précisions sur les frais",
    "langues": "Langues parlées",
    "horaires": "Horaires d'ouverture",
    "horaires_precisions": "Précisions sur les horaires",
    "fermetures": "Fermetures temporaires",
    "contact_nom": "Personne à contacter",
    "telephone": "Téléphone",
    "courriel": "Courriel",
    "site_web": "Site web",
}
RELATION_FIELDS: dict[str, str] = {"thematiques": "Thématiques", "lieux": "Lieux"}
FIELD_LABELS: dict[str, str] = {**SCALAR_FIELDS, **RELATION_FIELDS}

_LIST_DEFAULTS = {"publics", "conditions_acces", "langues", "fermetures"}


class ConflictError(Exception):
    """The fiche changed since the version the editor started from."""

    def __init__(self, base: FicheVersion | None, latest: FicheVersion) -> None:
        super().__init__(f"fiche changed since version {base.number if base else None}")
        self.base = base
        self.latest = latest


class SimultaneousSave(StaleDataError):
    """Two saves of the same fiche at the same instant (a matter of milliseconds, after the
    :class:`ConflictError` check): the second one's transaction must be aborted. A ``StaleDataError``,
    so that callers handling SQLAlchemy's error (the importer) keep handling it."""


def _flush_save(db: Session) -> None:
    try:
        db.flush()
    except StaleDataError:
        # Someone saved between our read and our write.
        raise SimultaneousSave() from None


def content_of(version: FicheVersion | None) -> dict[str, Any]:
    """A version's content as plain data: thématiques by slug, lieux by id."""
    if version is None:
        return {
            **{name: ([] if name in _LIST_DEFAULTS else None) for name in SCALAR_FIELDS},
            "thematiques": [],
            "lieux": [],
        }
    data: dict[str, Any] = {name: getattr(version, name) for name in SCALAR_FIELDS}
    data["thematiques"] = [t.slug for t in version.thematiques]
    data["lieux"] = [lieu.id for lieu in version.lieux]
    return data


def _normalised(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name in FIELD_LABELS:
        value = data.get(name)
        if value is None and name in SCALAR_FIELDS and name not in _LIST_DEFAULTS:
            value = None if name in {"age_min", "age_max", "type_service", "frais"} else ""
        if name in _LIST_DEFAULTS or name in RELATION_FIELDS:
            value = list(value or [])
        if name in {"thematiques", "publics", "langues", "conditions_acces"}:
            value = sorted(value)  # sets, whatever order they were given in
        out[name] = value
    for text in ("type_service", "frais"):
        out[text] = out[text] or None
    return out


def same_content(version: FicheVersion | None, data: dict[str, Any]) -> bool:
    return version is not None and _normalised(content_of(version)) == _normalised(data)


def _record(
    fiche: Fiche,
    actor: User | None,
    action: str,
    from_state: State | None,
    comment: str = "",
) -> FicheEvent:
    event = FicheEvent(
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=fiche.state,
        version_number=fiche.current_version.number if fiche.current_version else None,
        comment=comment,
        at=utcnow(),
    )
    fiche.events.append(event)
    return event


def log_index_change(db: Session, fiche: Fiche) -> None:
    """Tell the search index (after commit) that what the public sees of this fiche changed."""
    db.add(IndexChange(fiche_id=fiche.id, at=utcnow()))


def _set_state(fiche: Fiche, state: State) -> None:
    if fiche.state != state:
        fiche.state = state
        fiche.state_changed_at = utcnow()


def _publish_current(db: Session, fiche: Fiche) -> None:
    fiche.published_version = fiche.current_version
    fiche.published_at = utcnow()
    _set_state(fiche, State.PUBLISHED)
    db.flush()
    log_index_change(db, fiche)


def _new_version(
    db: Session, fiche: Fiche, data: dict[str, Any], actor: User | None, note: str
) -> FicheVersion:
    number = (fiche.current_version.number if fiche.current_version else 0) + 1
    version = FicheVersion(number=number, author=actor, note=note[:300], created_at=utcnow())
    fiche.versions.append(version)
    db.add(version)
    for name in SCALAR_FIELDS:
        value = data.get(name)
        if value is None and name in _LIST_DEFAULTS:
            value = []
        if value is None and name not in {"age_min", "age_max", "type_service", "frais"}:
            value = ""
        setattr(version, name, value)
    slugs = list(dict.fromkeys(data.get("thematiques") or []))
    if slugs:
        found = {t.slug: t for t in db.scalars(select(Thematique).where(Thematique.slug.in_(slugs)))}
        version.thematiques = [found[s] for s in slugs if s in found]
    lieu_ids = list(dict.fromkeys(int(i) for i in data.get("lieux") or []))
    if lieu_ids:
        found_lieux = {lieu.id: lieu for lieu in db.scalars(select(Lieu).where(Lieu.id.in_(lieu_ids)))}
        version.lieux = [found_lieux[i] for i in lieu_ids if i in found_lieux]
        if len(version.lieux) > 1:  # the order the partner chose: the first place is the main one
            db.flush()
            for position, lieu in enumerate(version.lieux):
                db.execute(
                    update(version_lieu)
                    .where(version_lieu.c.version_id == version.id, version_lieu.c.lieu_id == lieu.id)
                    .values(position=position)
                )
    fiche.current_version = version
    fiche.updated_at = utcnow()
    fiche.confirmed_at = dt.date.today()
    return version


def create_fiche(
    db: Session,
    organisation: Organisation,
    data: dict[str, Any],
    actor: User | None,
    *,
    source: str | None = None,
    source_id: str | None = None,
    uid: str | None = None,
    note: str = "Création",
) -> Fiche:
    fiche = Fiche(organisation=organisation, state=State.DRAFT, source=source, source_id=source_id, uid=uid)
    db.add(fiche)
    _new_version(db, fiche, data, actor, note)
    db.flush()
    if fiche.uid is None:
        fiche.uid = f"guide--{fiche.id}"
    _record(fiche, actor, "create", None)
    return fiche


def save(
    db: Session,
    fiche: Fiche,
    data: dict[str, Any],
    actor: User | None,
    *,
    base_number: int | None,
    can_publish: bool,
    note: str = "",
    confirm: bool = True,
) -> FicheVersion | None:
    """Save the edited content as a new version; None when nothing changed.

    A person saving an unchanged fiche confirms it is still right (``confirm``); an import that finds
    a fiche unchanged does not (``confirm=False``).

    ``base_number`` is the version the editor started from: if someone saved meanwhile,
    :class:`ConflictError` is raised and nothing is written; if someone saved at the same instant,
    :class:`SimultaneousSave` (the transaction must be aborted). A published fiche edited by someone
    who cannot publish becomes a working copy: the public keeps seeing the published version.
    """
    latest = fiche.current_version
    if fiche.state == State.ARCHIVED:
        raise workflow.WorkflowError("Une fiche archivée ne peut pas être modifiée ; restaurez-la d'abord.")
    if latest is not None and base_number is not None and latest.number != base_number:
        base = next((v for v in fiche.versions if v.number == base_number), None)
        raise ConflictError(base, latest)
    if same_content(latest, data):
        if confirm:
            fiche.confirmed_at = dt.date.today()
        _flush_save(db)
        return None
    from_state = fiche.state
    version = _new_version(db, fiche, data, actor, note)
    if from_state == State.PUBLISHED:
        if can_publish:
            _publish_current(db, fiche)
        else:
            _set_state(fiche, State.DRAFT)
    _flush_save(db)
    _record(fiche, actor, "save", from_state, note)
    _flush_save(db)
    return version


def confirm(fiche: Fiche, actor: User | None) -> None:
    """The partner says the fiche is still right, without changing it."""
    fiche.confirmed_at = dt.date.today()
    _record(fiche, actor, "confirm", fiche.state)


def transition(
    db: Session,
    fiche: Fiche,
    name: str,
    actor: User | None,
    comment: str = "",
) -> FicheEvent:
    """Apply a workflow transition. The caller has checked the transition's permission."""
    t = workflow.get(name)
    comment = (comment or "").strip()
    if fiche.state not in t.sources:
        raise workflow.WorkflowError(
            f"« {t.label} » n'est pas possible pour une fiche « {workflow.STATE_LABELS[fiche.state]} »."
        )
    if t.comment_required and not comment:
        raise workflow.WorkflowError("Un commentaire est obligatoire pour expliquer ce renvoi.")
    from_state = fiche.state
    was_public = fiche.is_public
    if t.target == State.PUBLISHED:
        _publish_current(db, fiche)
    else:
        _set_state(fiche, t.target)
        if name == "restore":
            # A restored fiche goes back through review before being public again.
            fiche.published_version = None
    if t.target != State.PUBLISHED and was_public != fiche.is_public:
        db.flush()
        log_index_change(db, fiche)
    return _record(fiche, actor, name, from_state, comment)


def restore_version(
    db: Session, fiche: Fiche, number: int, actor: User | None, *, can_publish: bool
) -> FicheVersion | None:
    """Make an old version's content the latest one (as a new version)."""
    old = next((v for v in fiche.versions if v.number == number), None)
    if old is None:
        raise LookupError(number)
    base = fiche.current_version.number if fiche.current_version else None
    return save(
        db,
        fiche,
        content_of(old),
        actor,
        base_number=base,
        can_publish=can_publish,
        note=f"Retour à la version {number}",
    )


# --- comparison -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str


def display_value(name: str, version: FicheVersion | None, data: dict[str, Any] | None = None) -> str:
    """A field's value as a person reads it."""
    if data is None:
        data = content_of(version)
    value = data.get(name)
    if name == "thematiques":
        if version is not None and data is not None and value == [t.slug for t in version.thematiques]:
            return ", ".join(t.label for t in version.thematiques)
        return ", ".join(value or [])
    if name == "lieux":
        if version is not None and value == [lieu.id for lieu in version.lieux]:
            return " ; ".join(f"{lieu.nom} ({lieu.one_line_address})" for lieu in version.lieux)
        return ", ".join(str(v) for v in value or [])
    if name == "publics":
        return ", ".join(labels(PUBLICS, value))
    if name == "conditions_acces":
        return ", ".join(labels(CONDITIONS_ACCES, value))
    if name == "langues":
        return ", ".join(labels(LANGUES, value))
    if name == "type_service":
        return TYPES_SERVICE.get(value or "", value or "")
    if name == "frais":
        return FRAIS.get(value or "", value or "")
    if name == "horaires":
        from ..hours import describe_safe

        return f"{describe_safe(value)} ({value})" if value else ""
    if name == "fermetures":
        return " ; ".join(
            f"du {c.get('debut', '')} au {c.get('fin', '')} : {c.get('message', '')}" for c in value or []
        )
    if value is None:
        return ""
    return str(value)


def compare(old: FicheVersion | None, new: FicheVersion) -> list[FieldChange]:
    """The fields that differ between two versions, with their values as a person reads them."""
    old_data = content_of(old)
    new_data = content_of(new)
    changes = []
    for name, label in FIELD_LABELS.items():
        if _normalised(old_data)[name] != _normalised(new_data)[name]:
            changes.append(
                FieldChange(
                    name, label, display_value(name, old, old_data), display_value(name, new, new_data)
                )
            )
    return changes


def compare_with_input(version: FicheVersion, data: dict[str, Any]) -> list[str]:
    """Names of the fields where the typed input differs from a version."""
    current = _normalised(content_of(version))
    typed = _normalised(data)
    return [name for name in FIELD_LABELS if current[name] != typed[name]]


def published_content_loading() -> tuple[Any, ...]:
    """Loader options for what a published version shows: thématiques, lieux and their quartiers, and
    the organisation, in a few queries whatever the number of fiches."""
    return (
        selectinload(Fiche.published_version).selectinload(FicheVersion.thematiques),
        selectinload(Fiche.published_version).selectinload(FicheVersion.lieux).selectinload(Lieu.quartier),
        selectinload(Fiche.organisation),
    )


def public_fiches_query(*conditions: Any) -> Select[tuple[Fiche]]:
    """Public fiches with their published content loaded: for pages, the search index, the print."""
    return select(Fiche).where(Fiche.is_public, *conditions).options(*published_content_loading())


def review_queue(db: Session) -> list[Fiche]:
    """Fiches awaiting a coordinator, oldest request first."""
    return list(
        db.scalars(
            select(Fiche).where(Fiche.state == State.PENDING).order_by(Fiche.state_changed_at, Fiche.id)
        )
    )
