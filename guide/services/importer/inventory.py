"""The import itself: each validated row of an export written as an organisation, its lieux and its fiches.

One cohesive thing, the mapping of :mod:`guide.services.importer` (see there), kept in one module because its
steps (structure, place, service) share the state of one run: the structures seen, the quartiers, the
warnings of the current row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data_inclusion.schema.v1 import ReseauPorteur, Service, Structure
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ... import hours, normalize
from ...models import (
    Access,
    Fiche,
    Lieu,
    Organisation,
    Quartier,
    State,
    Thematique,
    User,
    utcnow,
)
from ...models.imports import QuartierAlias, SourceRecord
from ...slugs import unique_slug
from ...text import slugify
from ...vocabulary import CONDITIONS_ACCES, LANGUES, PUBLICS, TYPES_SERVICE
from .. import fiches
from ..geography import quartier_for
from .cleaning import lenient_validate, plain_text
from .extension import (
    RESUME_MAX,
    GuideLieu,
    GuideService,
    GuideStructure,
    extension_of,
    quartier_key,
)
from .rows import Counts, ImportReport, Notice, Record, Rejection, RowError, locate, read_records

SERVICE_LIEU_PREFIX = "service:"
QUOTE_MAX = 120  # a refused value is quoted in a warning up to this length, then « … »
ADDRESS_FIELDS = ("adresse", "complement_adresse", "code_postal", "commune", "code_insee")
ACCESS_FIELDS = ("acces_plain_pied", "toilettes_adaptees", "boucle_magnetique", "langue_des_signes")
# Clermont Auvergne Métropole's communes (INSEE codes): the default of the ``territory.communes`` setting.
_METROPOLE = "63014 63019 63032 63042 63063 63069 63070 63075 63099 63113 63124 63141 63164 63193 63254 63263"
DEFAULT_TERRITORY = frozenset(f"{_METROPOLE} 63272 63284 63307 63308 63345".split(" "))
# Fields of a fiche compared as sets (their order means nothing).
SET_FIELDS = frozenset({"thematiques", "publics", "langues", "conditions_acces"})
ORGANISATION_FIELDS = (
    "nom",
    "description",
    "siret",
    "telephone",
    "courriel",
    "site_web",
    "reseau_porteur",
    "sigle",
)
MISSING = object()


@dataclass
class _Place:
    """Where a structure or a service happens, normalised."""

    nom: str
    adresse: str = ""
    complement_adresse: str = ""
    code_postal: str = ""
    commune: str = ""
    code_insee: str = ""
    latitude: float | None = None
    longitude: float | None = None
    quartier: Quartier | None = None
    access: dict[str, Access] = field(default_factory=dict)  # only from the ``guide`` extension

    def values(self) -> dict[str, Any]:
        return {
            **self.access,
            "nom": self.nom,
            "adresse": self.adresse,
            "complement_adresse": self.complement_adresse,
            "code_postal": self.code_postal,
            "commune": self.commune,
            "code_insee": self.code_insee,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "quartier_id": self.quartier.id if self.quartier else None,
        }


@dataclass
class _StructureEntry:
    organisation: Organisation
    lieu: Lieu | None
    horaires: str | None = None


def _clean(value: str | None) -> str:
    """Free text without its invisible characters (bidi controls, zero-width spaces…), stripped."""
    return normalize.strip_invisible(value or "").strip()


def _quote(value: Any) -> str:
    """A refused value as quoted in a message: at most QUOTE_MAX characters, then « … »."""
    text = " ".join(str(value).split())
    return text if len(text) <= QUOTE_MAX else text[:QUOTE_MAX].rstrip() + "…"


def resume_of(description: str, limit: int = RESUME_MAX) -> str:
    """The first sentence(s) of a description, cut cleanly to at most ``limit`` characters."""
    text = " ".join((description or "").split())
    if len(text) <= limit:
        return text
    summary = ""
    for sentence in re.split(r"(?<=[.!?…])\s+", text):
        candidate = f"{summary} {sentence}".strip()
        if len(candidate) > limit:
            break
        summary = candidate
    if summary:
        return summary
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + "…"


def uid_for(source: str, identifier: str) -> str:
    return identifier if identifier.startswith(f"{source}--") else f"{source}--{identifier}"


# --- the import ------------------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised inside the import's savepoint to roll it back (``dry_run``)."""


def import_inventory(
    db: Session,
    path: str | Path,
    *,
    publish: bool = False,
    actor: User | None = None,
    drafts: bool = False,
    author: Callable[[Organisation], User | None] | None = None,
    dry_run: bool = False,
    territory: Iterable[str] | None = None,
) -> ImportReport:
    """Import a data·inclusion v1 export; see the module's documentation.

    The caller owns the transaction: the rows are flushed, not committed. With ``publish``, new and
    changed fiches are published; otherwise they await review ("à valider"), or with ``drafts`` new
    fiches stay drafts (the caller brings them to their state). ``author`` gives who writes the first
    version of an organisation's new fiches (default: ``actor``). With ``dry_run`` the report is the same
    and nothing is written. ``territory``: INSEE codes of the guide's communes (default: Clermont Auvergne
    Métropole; empty: no check); a place elsewhere is imported with a warning.
    """
    structures_path, services_path = locate(path)
    structure_records = read_records(structures_path)
    service_records = read_records(services_path)
    importer = _Importer(
        db,
        publish=publish,
        actor=actor,
        drafts=drafts,
        author=author,
        territory=DEFAULT_TERRITORY if territory is None else frozenset(territory),
        default_source=_default_source(structure_records + service_records, Path(path)),
    )
    importer.report.dry_run = dry_run
    try:
        # an unexpected error leaves nothing of the import behind; each row flushes what it wrote when its
        # own savepoint ends, so the look-ups of the next rows need no autoflush (it made a 2 000-row
        # import several times slower)
        with db.begin_nested(), db.no_autoflush:
            for record in structure_records:
                importer.structure(record)
            for record in service_records:
                importer.service(record)
            importer.disappeared()
            db.flush()
            if dry_run:
                raise _DryRun()
    except _DryRun:
        db.expire_all()
    return importer.report


def _default_source(records: list[Record], path: Path) -> str:
    """The source of rows that do not name one: the one most rows name, else the export's folder name."""
    named = Counter(
        r.data["source"].strip() for r in records if r.data and isinstance(r.data.get("source"), str)
    )
    named.pop("", None)
    if named:
        return named.most_common(1)[0][0]
    folder = path if path.is_dir() else path.parent
    return slugify(folder.name, 60) or "import"


class _Importer:
    def __init__(
        self,
        db: Session,
        *,
        publish: bool,
        actor: User | None,
        drafts: bool = False,
        author: Callable[[Organisation], User | None] | None = None,
        territory: frozenset[str] = DEFAULT_TERRITORY,
        default_source: str = "import",
    ) -> None:
        self.db = db
        self.publish = publish
        self.actor = actor
        self.drafts = drafts
        self.author = author
        self.territory = territory
        self.default_source = default_source
        self._quartier_keys: dict[str, Quartier] | None = None
        self._has_contours: bool | None = None
        self.report = ImportReport()
        self.structures: dict[tuple[str, str], _StructureEntry] = {}
        self.rejected_structures: set[tuple[str, str]] = set()
        self.seen_services: set[tuple[str, str]] = set()
        self.thematiques = [
            (t.slug, set(t.di_codes or []))
            for t in db.scalars(select(Thematique).order_by(Thematique.position, Thematique.slug))
        ]
        self._warnings: list[tuple[str, str]] = []
        self._conflicts: list[tuple[str, str]] = []
        self._record: Record | None = None
        self._name = ""

    # --- rows ---

    def _prepared(self, record: Record, kind: str) -> Record:
        """The row with what makes it usable filled in: its source, an id made from its name."""
        data = record.data
        if data is None or record.problem:
            return record
        data = dict(data)
        if not isinstance(data.get("source"), str) or not data["source"].strip():
            data["source"] = self.default_source
            self._warn("source", f"source manquante : « {self.default_source} » (celle des autres lignes)")
        nom = data.get("nom")
        has_name = isinstance(nom, str) and nom.strip() != ""
        if record.id is None:
            if not has_name:
                raise RowError("ni nom ni identifiant : rien ne permet d'importer cette ligne")
            parent = f"{data.get('structure_id')}-" if kind == "service" and data.get("structure_id") else ""
            data["id"] = "sans-id-" + slugify(f"{parent}{nom}", 120)
            self._warn(
                "id",
                f"identifiant manquant : « {data['id']} » créé à partir du nom ; demandez à la source un "
                "identifiant stable (sinon un changement de nom créera une nouvelle fiche)",
            )
        elif not has_name:
            data["nom"] = f"Sans nom ({record.id})"[:150]
            self._warn("nom", f"nom manquant : « {data['nom']} » en attendant ; complétez-le dans le guide")
        return Record(record.file, record.row, data, record.problem)

    def _start(self, record: Record) -> None:
        self._warnings = []
        self._conflicts = []
        self._record = record
        name = record.data.get("nom") if record.data else None
        self._name = name.strip()[:150] if isinstance(name, str) else ""

    def structure(self, record: Record) -> None:
        self._start(record)
        key = record.key
        try:
            if key is not None and (key in self.structures or key in self.rejected_structures):
                key = None  # the first row with this id stands
                raise RowError("identifiant en double dans le fichier des structures")
            prepared = self._prepared(record, "structure")
            parsed, overrides = lenient_validate(Structure, prepared, self._warn)
            parsed = parsed.model_copy(update=overrides)
            key = (parsed.source, parsed.id)
            if key in self.structures or key in self.rejected_structures:
                key = None
                raise RowError("identifiant en double dans le fichier des structures")
            extension = self._extension(GuideStructure, prepared)
            organisation_values = self._organisation_values(prepared, parsed, extension)
            if extension is not None and extension.lieux is not None:
                place = None
                guide_places = [(item.id.strip(), self._guide_place(item)) for item in extension.lieux]
            else:
                place = self._place(prepared, parsed, nom=parsed.nom, fallback=None)
                guide_places = None
            with self.db.begin_nested():
                entry, outcome = self._write_structure(
                    prepared, parsed, organisation_values, place, guide_places
                )
        except RowError as error:
            self._reject(self.report.organisations, record, error.message, key)
            return
        except (IntegrityError, DataError, StaleDataError) as error:
            self._reject(self.report.organisations, record, _database_reason(error), key)
            return
        entry.horaires = parsed.horaires_accueil
        self.structures[key] = entry
        self.report.organisations.add(outcome)
        self._keep_notices(record)

    def service(self, record: Record) -> None:
        self._start(record)
        try:
            if record.data is not None and not record.problem and not record.data.get("structure_id"):
                raise RowError("service sans structure : identifiant de la structure manquant")
            prepared = self._prepared(record, "service")
            parsed, overrides = lenient_validate(Service, prepared, self._warn)
            parsed = parsed.model_copy(update=overrides)
            key = (parsed.source, parsed.id)
            if key in self.seen_services:
                raise RowError("identifiant en double dans le fichier des services")
            self.seen_services.add(key)
            entry = self._structure_of(parsed)
            extension = self._extension(GuideService, prepared)
            content = self._content(prepared, parsed, entry)
            if extension is not None:
                self._applyextension_of(content, extension)
            lieux = None
            if extension is not None and extension.lieux is not None:
                lieux = self._lieux_by_id(parsed.source, extension.lieux)
            if lieux is not None:
                place = None
            else:
                place, lieux = self._service_place(prepared, parsed, entry), None
            with self.db.begin_nested():
                outcome = self._write_service(prepared, parsed, entry, content, place, lieux)
        except RowError as error:
            self._reject(self.report.fiches, record, error.message)
            return
        except (IntegrityError, DataError, StaleDataError) as error:
            self._reject(self.report.fiches, record, _database_reason(error))
            return
        self.report.fiches.add(outcome)
        self._keep_notices(record)

    def _reject(
        self, counts: Counts, record: Record, reason: str, structure_key: tuple[str, str] | None = None
    ) -> None:
        if structure_key is not None:
            self.rejected_structures.add(structure_key)
        counts.add("rejected")
        self.report.rejected.append(Rejection(record.file, record.row, record.id, reason))

    def _warn(self, field_name: str, message: str | None = None) -> None:
        if message is None:  # _warn(message)
            field_name, message = "", field_name
        self._warnings.append((field_name, message))

    def _keep_notices(self, record: Record) -> None:
        for kind, items, target in (
            ("avertissement", self._warnings, self.report.warnings),
            ("conflit", self._conflicts, self.report.conflicts),
        ):
            for field_name, message in items:
                target.append(
                    Notice(
                        kind,
                        message,
                        file=record.file,
                        row=record.row,
                        id=record.id,
                        field=field_name,
                        name=self._name,
                    )
                )

    def _extension(self, model: Any, record: Record) -> Any:
        """The row's ``guide`` object; ignored with a warning when it is malformed."""
        try:
            return extension_of(model, record)
        except RowError as error:
            self._warn("guide", f"{error.message} ; l'objet guide est ignoré")
            return None

    # --- re-synchronisation ---

    def _merge(
        self,
        current: dict[str, Any],
        new: dict[str, Any],
        imported: dict[str, Any] | None,
        labels: dict[str, str],
    ) -> dict[str, Any]:
        """The values to write: the source's, except over a field edited in the guide since the last import
        (then a conflict is noted when the source changed it too). ``imported`` is None for a row that was
        never imported with its values kept (it is then written whole, as before)."""
        if imported is None:
            return dict(new)
        result = {}
        for name, value in new.items():
            last = imported.get(name, MISSING)
            now = current.get(name, MISSING)
            if last is MISSING or _same(name, now, last) or now is MISSING:
                result[name] = value
            elif not _same(name, value, last) and not _same(name, value, now):
                label = labels.get(name, name.replace("_", " "))
                self._conflicts.append(
                    (
                        name,
                        f"{label} : modifié dans le guide (« {_quote(_shown(now))} ») et dans la source "
                        f"(« {_quote(_shown(value))} ») ; la valeur du guide est gardée, reportez la "
                        "modification à la main si la source a raison",
                    )
                )
        return result

    def _source_record(
        self, kind: str, prepared: Record, parsed: Structure | Service, **target: Any
    ) -> tuple[SourceRecord, dict[str, Any] | None]:
        """The row's SourceRecord (created, or found again and refreshed) and the values the import last
        wrote (None when it has none yet). ``target`` gives the flushed ``organisation_id`` or ``fiche_id``
        (ids, not relationships: setting the one-to-one relationship would load the previous record)."""
        db = self.db
        record = db.scalar(
            select(SourceRecord).where(
                SourceRecord.kind == kind,
                SourceRecord.source == parsed.source,
                SourceRecord.source_id == parsed.id,
            )
        )
        imported: dict[str, Any] | None = None
        if record is None:
            record = SourceRecord(kind=kind, source=parsed.source, source_id=parsed.id, **target)
            db.add(record)
        else:
            imported = dict(record.imported or {})
            for name, value in target.items():
                setattr(record, name, value)
        data = prepared.data or {}
        record.data = data
        record.date_maj = parsed.date_maj
        record.lien_source = str(parsed.lien_source or "")[:500]
        record.last_imported_at = utcnow()
        record.missing_since = None
        record.accessibilite_lieu = str(getattr(parsed, "accessibilite_lieu", None) or "")[:500]
        for name in ("thematiques", "publics", "modes_accueil", "zone_eligibilite", "mobilisable_par"):
            value = data.get(name)
            setattr(record, name, [str(v) for v in value] if isinstance(value, list) else [])
        return record, imported

    def disappeared(self) -> None:
        """Organisations and fiches of the sources in this export that the export no longer carries:
        reported (and marked), never deleted."""
        now = utcnow()
        seen_structures = set(self.structures) | self.rejected_structures
        sources = {source for source, _id in seen_structures}
        for organisation in self.db.scalars(
            select(Organisation).where(Organisation.source.in_(sources)).order_by(Organisation.nom)
        ):
            if (organisation.source, organisation.source_id) in seen_structures:
                continue
            if organisation.fiches and all(f.state == State.ARCHIVED for f in organisation.fiches):
                continue
            self._missing(
                organisation.source_record, now, organisation.source_id, organisation.nom, "structure"
            )
        service_sources = {source for source, _id in self.seen_services}
        for fiche in self.db.scalars(
            select(Fiche)
            .where(Fiche.source.in_(service_sources), Fiche.state != State.ARCHIVED)
            .order_by(Fiche.id)
        ):
            if (fiche.source, fiche.source_id) in self.seen_services:
                continue
            self._missing(fiche.source_record, now, fiche.source_id, fiche.title, "service")

    def _missing(
        self, record: SourceRecord | None, now: dt.datetime, source_id: str | None, name: str, kind: str
    ) -> None:
        if record is not None and record.missing_since is None:
            record.missing_since = now
        since = record.missing_since if record is not None else None
        what = "la structure" if kind == "structure" else "le service"
        advice = (
            "archivez ses fiches si elle a fermé" if kind == "structure" else "archivez la fiche s'il a cessé"
        )
        when = f" (absent depuis le {since:%d/%m/%Y})" if since is not None and since < now else ""
        self.report.missing.append(
            Notice(
                "disparu",
                f"{what} « {name} » n'est plus dans l'export de la source{when} : {advice} ; "
                "rien n'a été supprimé",
                id=source_id,
                name=name,
            )
        )

    # --- structures ---

    def _organisation_values(
        self, record: Record, parsed: Structure, extension: GuideStructure | None = None
    ) -> dict[str, Any]:
        _check_identifier(parsed.source, parsed.id)
        reseaux = sorted(ReseauPorteur(r).label for r in parsed.reseaux_porteurs or [])
        reseau_porteur = ""
        for label in reseaux:
            candidate = f"{reseau_porteur}, {label}" if reseau_porteur else label
            if len(candidate) > 200:
                break
            reseau_porteur = candidate
        if extension is not None and extension.reseau_porteur is not None:
            reseau_porteur = _clean(extension.reseau_porteur)
        values = {
            "nom": _clean(parsed.nom)[:200],
            "description": plain_text(_clean(parsed.description)),
            "siret": self._optional(normalize.siret, parsed.siret, "SIRET", "siret") or None,
            "telephone": self._optional(normalize.phone, parsed.telephone, "téléphone", "telephone"),
            "courriel": self._optional(
                normalize.email, _raw(record, parsed, "courriel"), "courriel", "courriel"
            ),
            "site_web": self._optional(
                normalize.url, _raw(record, parsed, "site_web"), "site web", "site_web"
            ),
            "reseau_porteur": reseau_porteur,
        }
        if not values["nom"]:  # invisible characters only
            values["nom"] = f"Sans nom ({parsed.id})"[:200]
            self._warn("nom", f"nom vide : « {values['nom']} » en attendant ; complétez-le dans le guide")
        if extension is not None and extension.sigle is not None:
            values["sigle"] = _clean(extension.sigle)
        return values

    def _write_structure(
        self,
        prepared: Record,
        parsed: Structure,
        values: dict[str, Any],
        place: _Place | None,
        guide_places: list[tuple[str, _Place]] | None = None,
    ) -> tuple[_StructureEntry, str]:
        db = self.db
        organisation = db.scalar(
            select(Organisation).where(
                Organisation.source == parsed.source, Organisation.source_id == parsed.id
            )
        )
        if organisation is None:
            organisation = Organisation(
                slug=unique_slug(db, Organisation, values["nom"]),
                source=parsed.source,
                source_id=parsed.id,
                **values,
            )
            db.add(organisation)
            db.flush()
            outcome = "created"
            record, imported = self._source_record(
                "structure", prepared, parsed, organisation_id=organisation.id
            )
        else:
            record, imported = self._source_record(
                "structure", prepared, parsed, organisation_id=organisation.id
            )
            current = {name: getattr(organisation, name) for name in values}
            written = self._merge(current, values, imported, ORGANISATION_LABELS)
            outcome = "updated" if _assign(organisation, written) else "unchanged"
        kept = dict(imported or {})
        kept.update(values)
        if guide_places is None:
            lieu, lieu_changed = self._write_lieu(
                parsed.source, parsed.id, place, organisation, kept, imported
            )
        else:
            lieu, lieu_changed = None, False
            for lieu_id, guide_place in guide_places:
                written_lieu, changed = self._write_lieu(parsed.source, lieu_id, guide_place, organisation)
                lieu = lieu or written_lieu
                lieu_changed = lieu_changed or changed
        record.imported = kept
        if lieu_changed and outcome == "unchanged":
            outcome = "updated"
        db.flush()
        if outcome == "updated":
            for fiche in organisation.fiches:
                if fiche.is_public:
                    fiches.log_index_change(db, fiche)
        return _StructureEntry(organisation, lieu), outcome

    # --- places ---

    def _place(
        self, record: Record, parsed: Structure | Service, *, nom: str, fallback: Lieu | None
    ) -> _Place | None:
        """The place described by a row, or None when the row gives no address at all."""
        raw_quartier = record.extension("quartier")
        given = {name: _clean(getattr(parsed, name)) for name in ADDRESS_FIELDS}
        latitude, longitude = self._coordinates(parsed)
        if not any(given.values()) and latitude is None and raw_quartier is None:
            return None
        if fallback is not None:  # a service's address completes with its structure's town
            for name in ("code_postal", "commune", "code_insee"):
                given[name] = given[name] or getattr(fallback, name)
        for name, limit in (("adresse", 300), ("complement_adresse", 300), ("commune", 120)):
            if len(given[name]) > limit:
                self._warn(name, f"{name.replace('_', ' ')} : trop long, coupé à {limit} caractères")
                given[name] = given[name][:limit]
        quartier = self._quartier(raw_quartier, latitude, longitude)
        self._check_territory(given["code_insee"], given["commune"])
        return _Place(nom=nom[:200], latitude=latitude, longitude=longitude, quartier=quartier, **given)

    def _check_territory(self, code_insee: str, commune: str) -> None:
        if self.territory and code_insee and code_insee not in self.territory:
            where = f"{commune} ({code_insee})" if commune else code_insee
            self._warn(
                "code_insee",
                f"lieu hors du territoire du guide : {where} ; importé quand même, archivez la fiche s'il "
                "n'a rien à faire dans le guide (réglage territory.communes)",
            )

    def _quartier(self, raw: Any, latitude: float | None, longitude: float | None) -> Quartier | None:
        """The quartier a row names (tolerantly: case, accents, hyphens, article, aliases), else the one its
        coordinates fall in; None with a warning saying what to do when neither tells (also for a row that
        names no quartier)."""
        if raw is not None and not isinstance(raw, str | int):
            self._warn("quartier", "quartier ignoré : un nom ou un code est attendu")
            raw = None
        if raw is not None:
            quartier = self._find_quartier(raw)
            if quartier is not None:
                return quartier
        quartier = quartier_for(self.db, latitude, longitude)
        if quartier is not None:
            return quartier
        if self._has_contours is None:
            self._has_contours = (
                self.db.scalar(select(Quartier.id).where(Quartier.geometry.is_not(None)).limit(1)) is not None
            )
        if raw is None:
            if latitude is None:
                todo = "ajoutez ses coordonnées, ou choisissez son quartier sur la fiche du lieu"
            elif not self._has_contours:
                todo = (
                    "chargez les contours des quartiers (guide-load-quartiers) pour le placer d'après ses "
                    "coordonnées"
                )
            else:
                todo = "ses coordonnées ne sont dans aucun quartier : choisissez-le sur la fiche du lieu"
            self._warn("quartier", f"lieu sans quartier connu : importé sans quartier ; {todo}")
            return None
        if not self._has_contours:
            todo = (
                "chargez les contours des quartiers (guide-load-quartiers) pour les placer d'après leurs "
                "coordonnées, ou créez ce quartier"
            )
        elif latitude is None:
            todo = "ajoutez ce nom comme alias d'un quartier (Coordination > Quartiers), ou des coordonnées"
        else:
            todo = (
                "ajoutez ce nom comme alias d'un quartier (Coordination > Quartiers) ; ses coordonnées ne "
                "sont dans aucun quartier"
            )
        self._warn("quartier", f"quartier « {_quote(raw)} » inconnu : importé sans quartier ; {todo}")
        return None

    def _find_quartier(self, value: Any) -> Quartier | None:
        """A quartier by code, name, slug or alias, compared tolerantly (see :func:`quartier_key`)."""
        if self._quartier_keys is None:
            self._quartier_keys = {}
            for candidate in self.db.scalars(select(Quartier).order_by(Quartier.id)):
                for name in (candidate.code, candidate.nom, candidate.slug):
                    if name and quartier_key(name):
                        self._quartier_keys.setdefault(quartier_key(name), candidate)
            for alias in self.db.scalars(select(QuartierAlias).order_by(QuartierAlias.id)):
                self._quartier_keys.setdefault(alias.key, alias.quartier)
        return self._quartier_keys.get(quartier_key(str(value)))

    def _guide_place(self, item: GuideLieu) -> _Place:
        """A lieu of the ``guide`` extension of a structure."""
        latitude = longitude = None
        if item.latitude is not None and item.longitude is not None:
            try:
                latitude, longitude = normalize.latitude(item.latitude), normalize.longitude(item.longitude)
            except normalize.NormalizeError as error:
                raise RowError(error.message) from None
        if item.quartier:
            quartier = self._find_quartier(item.quartier)
        else:
            quartier = quartier_for(self.db, latitude, longitude)
        nom = _clean(item.nom)
        if not item.id.strip() or not nom:
            raise RowError("lieu : identifiant et nom attendus")
        return _Place(
            nom=nom,
            adresse=_clean(item.adresse),
            complement_adresse=_clean(item.complement_adresse),
            code_postal=item.code_postal,
            commune=_clean(item.commune),
            code_insee=item.code_insee,
            latitude=latitude,
            longitude=longitude,
            quartier=quartier,
            access={name: Access(getattr(item, name)) for name in ACCESS_FIELDS},
        )

    def _lieux_by_id(self, source: str, ids: list[str]) -> list[Lieu] | None:
        """The lieux a service's ``guide`` extension names, given earlier by the structures."""
        lieux: list[Lieu] = []
        for lieu_id in dict.fromkeys(i.strip() for i in ids):
            lieu = self.db.scalar(select(Lieu).where(Lieu.source == source, Lieu.source_id == lieu_id))
            if lieu is None:
                self._warn(
                    "guide",
                    f"lieu inconnu : « {_quote(lieu_id)} » n'est le lieu d'aucune structure ; l'adresse du "
                    "service (ou de sa structure) est utilisée",
                )
                return None
            lieux.append(lieu)
        return lieux

    def _coordinates(self, parsed: Structure | Service) -> tuple[float | None, float | None]:
        if parsed.latitude is None and parsed.longitude is None:
            return None, None
        if parsed.latitude is None or parsed.longitude is None:
            self._warn("coordonnées ignorées : il faut à la fois la latitude et la longitude")
            return None, None
        try:
            return normalize.latitude(parsed.latitude), normalize.longitude(parsed.longitude)
        except normalize.NormalizeError as error:
            raise RowError(error.message) from None

    def _service_place(self, record: Record, parsed: Service, entry: _StructureEntry) -> _Place | None:
        """The service's own place, or None when it happens at its structure's lieu."""
        place = self._place(record, parsed, nom=parsed.nom, fallback=entry.lieu)
        if place is None:
            return None
        lieu = entry.lieu
        if lieu is None:
            return place
        same = all(
            not getattr(parsed, name) or (getattr(parsed, name) or "").strip() == getattr(lieu, name)
            for name in ADDRESS_FIELDS
        )
        if place.latitude is not None and not _near(place, lieu):
            same = False
        if (
            record.extension("quartier") is not None
            and place.quartier is not None  # an unknown name does not move a service from its structure
            and place.quartier is not lieu.quartier
        ):
            same = False
        if same:  # at its structure's lieu: what was said of the place was said on the structure's row
            self._warnings = [item for item in self._warnings if item[0] not in ("quartier", "code_insee")]
        return None if same else place

    def _write_lieu(
        self,
        source: str,
        source_id: str,
        place: _Place | None,
        organisation: Organisation,
        kept: dict[str, Any] | None = None,
        imported: dict[str, Any] | None = None,
    ) -> tuple[Lieu | None, bool]:
        """The lieu of a structure or a service, created or updated; and whether it changed. With ``kept``
        (the values a structure's import writes), the lieu's fields are merged like the structure's."""
        db = self.db
        lieu = db.scalar(select(Lieu).where(Lieu.source == source, Lieu.source_id == source_id))
        if place is None:
            return lieu, False
        changed = False
        created = lieu is None
        if lieu is None:
            lieu = Lieu(source=source, source_id=source_id)
            db.add(lieu)
            changed = True
        values = place.values()
        values["quartier_id"] = place.quartier.id if place.quartier is not None else None
        if kept is not None:
            new = {f"lieu.{name}": value for name, value in values.items()}
            if not created:
                current = {f"lieu.{name}": getattr(lieu, name) for name in values}
                last = (
                    None if imported is None else {k: v for k, v in imported.items() if k.startswith("lieu.")}
                )
                written = self._merge(current, new, last or None, LIEU_LABELS)
                values = {name.removeprefix("lieu."): value for name, value in written.items()}
            kept.update({name: _jsonable(value) for name, value in new.items()})
        quartier_id = values.pop("quartier_id", MISSING)
        changed = _assign(lieu, values) or changed
        if quartier_id is not MISSING and lieu.quartier_id != quartier_id:
            lieu.quartier = place.quartier if quartier_id is not None else None
            changed = True
        if organisation not in lieu.organisations:
            lieu.organisations.append(organisation)
            changed = True
        return lieu, changed

    # --- services ---

    def _structure_of(self, parsed: Service) -> _StructureEntry:
        key = (parsed.source, parsed.structure_id)
        if key in self.rejected_structures:
            raise RowError(f"la structure « {parsed.structure_id} » a été rejetée")
        entry = self.structures.get(key)
        if entry is not None:
            return entry
        # A structure imported earlier (a partial export may only carry services).
        organisation = self.db.scalar(
            select(Organisation).where(Organisation.source == key[0], Organisation.source_id == key[1])
        )
        if organisation is None:
            raise RowError(
                f"service sans structure : « {parsed.structure_id} » n'est pas dans le fichier des structures"
            )
        lieu = self.db.scalar(select(Lieu).where(Lieu.source == key[0], Lieu.source_id == key[1]))
        entry = _StructureEntry(organisation, lieu)
        self.structures[key] = entry
        return entry

    def _content(self, record: Record, parsed: Service, entry: _StructureEntry) -> dict[str, Any]:
        """The fiche content data·inclusion carries (fields it does not carry are left out)."""
        _check_identifier(parsed.source, parsed.id)
        description = plain_text(_clean(parsed.description))
        publics = [p.value for p in parsed.publics or []]
        unknown_publics = [code for code in publics if code not in PUBLICS]
        if unknown_publics:
            self._warn("publics", f"public(s) sans équivalent dans le guide : {', '.join(unknown_publics)}")
        content: dict[str, Any] = {
            "nom": _clean(parsed.nom)[:150],
            "resume": resume_of(description),
            "description": description,
            "type_service": parsed.type.value if parsed.type else None,
            "publics": [code for code in PUBLICS if code in publics],
            "publics_precisions": _clean(parsed.publics_precisions),
            "conditions_precisions": _clean(parsed.conditions_acces),
            "frais": parsed.frais.value if parsed.frais else None,
            "frais_precisions": _clean(parsed.frais_precisions),
            "contact_nom": _clean(parsed.contact_nom_prenom),
            "telephone": self._optional(normalize.phone, parsed.telephone, "téléphone", "telephone"),
            "courriel": self._optional(
                normalize.email, _raw(record, parsed, "courriel"), "courriel", "courriel"
            ),
            "site_web": self._optional(
                normalize.url,
                _raw(record, parsed, "lien_mobilisation") or _raw(record, parsed, "lien_source"),
                "site web",
                "lien_mobilisation",
            ),
            "thematiques": self._thematiques(parsed),
        }
        if not content["nom"]:  # invisible characters only
            content["nom"] = f"Sans nom ({parsed.id})"[:150]
            self._warn("nom", f"nom vide : « {content['nom']} » en attendant ; complétez-le dans le guide")
        if len(content["contact_nom"]) > 120:
            self._warn("contact_nom_prenom", "contact : trop long, coupé à 120 caractères")
            content["contact_nom"] = content["contact_nom"][:120]
        opening = (parsed.horaires_accueil or "").strip()
        label = "horaires"
        if not opening and not _has_own_address(parsed, record) and entry.horaires:
            opening, label = entry.horaires.strip(), "horaires de la structure"
        if opening:
            message = hours.validate(opening)
            if message:
                self._warn("horaires_accueil", f"{label} « {_quote(opening)} » ignorés : {message}")
            else:
                content["horaires"] = opening
        elif parsed.horaires_accueil is not None or "horaires_accueil" in (record.data or {}):
            content["horaires"] = ""
        if record.data and "langues" in record.data:
            content["langues"] = self._langues(record.data.get("langues"))
        return content

    def _applyextension_of(self, content: dict[str, Any], extension: GuideService) -> None:
        """The fields of a service's ``guide`` object, over those mapped from data·inclusion."""
        if extension.resume is not None:
            content["resume"] = _clean(extension.resume)
        if extension.type_service is not None:
            if extension.type_service in TYPES_SERVICE:
                content["type_service"] = extension.type_service
            else:
                self._warn(f"type de service inconnu ignoré : « {_quote(extension.type_service)} »")
        if extension.publics is not None:
            content["publics"] = self._codes(extension.publics, PUBLICS, "public(s)")
        if extension.conditions_acces is not None:
            content["conditions_acces"] = self._codes(
                extension.conditions_acces, CONDITIONS_ACCES, "condition(s) d'accès"
            )
        if extension.thematiques is not None:
            # the guide's own thématiques are given: data·inclusion codes that map to none are no loss
            self._warnings = [item for item in self._warnings if item[0] != "thematiques"]
            known = {slug for slug, _codes in self.thematiques}
            content["thematiques"] = self._codes(extension.thematiques, known, "thématique(s)")
        if (
            extension.age_min is not None
            and extension.age_max is not None
            and extension.age_min > extension.age_max
        ):
            self._warn("guide", "âges ignorés : l'âge minimum dépasse l'âge maximum")
        else:
            for name in ("age_min", "age_max"):
                if getattr(extension, name) is not None:
                    content[name] = getattr(extension, name)
        if extension.horaires_precisions is not None:
            content["horaires_precisions"] = _clean(extension.horaires_precisions)
        if extension.mots_simples is not None:
            content["mots_simples"] = _clean(extension.mots_simples)
        if extension.fermetures is not None:
            if any(closure.fin < closure.debut for closure in extension.fermetures):
                self._warn("guide", "fermeture(s) ignorée(s) : la fin précède le début")
            content["fermetures"] = [
                {"debut": c.debut.isoformat(), "fin": c.fin.isoformat(), "message": _clean(c.message)}
                for c in extension.fermetures
                if c.fin >= c.debut
            ]

    def _codes(self, values: list[str], known: Any, label: str) -> list[str]:
        """The known codes among ``values``, in their order; the others dropped with a warning."""
        codes = list(dict.fromkeys(str(value).strip() for value in values if str(value).strip()))
        unknown = [code for code in codes if code not in known]
        if unknown:
            self._warn(f"{label} inconnu(s) ignoré(s) : {_quote(', '.join(unknown))}")
        return [code for code in codes if code in known]

    def _thematiques(self, parsed: Service) -> list[str]:
        """The guide's thématiques of the service's data·inclusion codes; each code that none takes is
        named in a warning (the codes themselves stay in the source record, for the export)."""
        codes = sorted(t.value for t in parsed.thematiques or [])
        slugs: list[str] = []
        orphans = []
        for code in codes:
            wanted = {code, code.split("--", 1)[0]}
            matched = [slug for slug, di_codes in self.thematiques if di_codes & wanted]
            if not matched:
                orphans.append(code)
            slugs.extend(slug for slug in matched if slug not in slugs)
        if orphans:
            self._warn(
                "thematiques",
                f"thématique(s) data·inclusion sans thématique du guide : {', '.join(orphans)} ; "
                "gardée(s) dans la source ; ajoutez-les aux codes d'une thématique "
                "(Coordination > Thématiques)",
            )
        order = {slug: position for position, (slug, _codes) in enumerate(self.thematiques)}
        return sorted(slugs, key=order.__getitem__)

    def _langues(self, value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = re.split(r"[|,]", value)
        if not isinstance(value, list):
            self._warn("langues", "langues ignorées : une liste de codes est attendue")
            return []
        codes = [str(code).strip().lower() for code in value if str(code).strip()]
        unknown = [code for code in codes if code not in LANGUES]
        if unknown:
            self._warn("langues", f"langue(s) inconnue(s) ignorée(s) : {', '.join(unknown)}")
        return [code for code in LANGUES if code in codes]

    def _write_service(
        self,
        prepared: Record,
        parsed: Service,
        entry: _StructureEntry,
        content: dict[str, Any],
        place: _Place | None,
        lieux: list[Lieu] | None = None,
    ) -> str:
        db = self.db
        organisation = entry.organisation
        lieu_changed = False
        if lieux is not None:  # named by the ``guide`` extension
            for lieu in lieux:
                if organisation not in lieu.organisations:
                    lieu.organisations.append(organisation)
                    lieu_changed = True
            content["lieux"] = [lieu.id for lieu in lieux]
        elif place is not None:
            lieu, lieu_changed = self._write_lieu(
                parsed.source, SERVICE_LIEU_PREFIX + parsed.id, place, organisation
            )
            db.flush()
            content["lieux"] = [lieu.id]
        else:
            content["lieux"] = [entry.lieu.id] if entry.lieu is not None else []
        fiche = db.scalar(select(Fiche).where(Fiche.source == parsed.source, Fiche.source_id == parsed.id))
        if fiche is None:
            uid = uid_for(parsed.source, parsed.id)
            if db.scalar(select(Fiche.id).where(Fiche.uid == uid)) is not None:
                raise RowError(f"l'identifiant « {uid} » est déjà celui d'une autre fiche du guide")
            fiche = fiches.create_fiche(
                db,
                organisation,
                {**fiches.content_of(None), **content},
                self.author(organisation) if self.author else self.actor,
                source=parsed.source,
                source_id=parsed.id,
                uid=uid,
                note=f"Import data·inclusion ({parsed.source})",
            )
            record, _imported = self._source_record("service", prepared, parsed, fiche_id=fiche.id)
            record.imported = _jsonable_content(content)
            if parsed.date_maj is not None:
                fiche.confirmed_at = parsed.date_maj  # the source's date, not the import's
            if self.publish or not self.drafts:
                fiches.transition(db, fiche, "publish" if self.publish else "submit", self.actor)
            return "created"
        if fiche.state == State.ARCHIVED:
            raise RowError(
                "la fiche est archivée dans le guide : restaurez-la pour la mettre à jour par import"
            )
        record, imported = self._source_record("service", prepared, parsed, fiche_id=fiche.id)
        outcome = "unchanged"
        moved = fiche.organisation_id != organisation.id
        if moved:
            fiche.organisation = organisation
            outcome = "updated"
        current = fiches.content_of(fiche.current_version)
        written = self._merge(current, content, imported, fiches.FIELD_LABELS)
        kept = dict(imported or {})
        kept.update(_jsonable_content(content))
        record.imported = kept
        data = {**current, **written}
        version = fiches.save(
            db,
            fiche,
            data,
            self.actor,
            base_number=None,
            can_publish=self.publish,
            note=f"Mise à jour par import data·inclusion ({parsed.source})",
            confirm=False,  # an import finding the same text is no partner's confirmation
        )
        if version is not None:
            outcome = "updated"
            if parsed.date_maj is not None:
                fiche.confirmed_at = parsed.date_maj
        elif parsed.date_maj is not None and (
            fiche.confirmed_at is None or fiche.confirmed_at < parsed.date_maj
        ):
            fiche.confirmed_at = parsed.date_maj  # the source confirmed it more recently
        if self.publish and fiche.state in (State.DRAFT, State.PENDING):
            fiches.transition(db, fiche, "publish", self.actor)
            outcome = "updated"
        elif version is not None and fiche.state == State.DRAFT:
            fiches.transition(db, fiche, "submit", self.actor)
        if lieu_changed:
            outcome = "updated"
        db.flush()
        if (moved or lieu_changed) and fiche.is_public:
            fiches.log_index_change(db, fiche)  # what the public sees changed outside the versions
        return outcome

    # --- helpers ---

    def _optional(self, normalizer: Any, value: Any, label: str, field_name: str = "") -> str:
        """A normalised optional value; an invalid one is dropped with a warning."""
        if value is None or not str(value).strip():
            return ""
        try:
            return normalizer(str(value).strip())
        except normalize.NormalizeError as error:
            self._warn(field_name, f"{label} « {_quote(value)} » ignoré : {error.message}")
            return ""


ORGANISATION_LABELS = {
    "nom": "nom",
    "description": "description",
    "siret": "SIRET",
    "telephone": "téléphone",
    "courriel": "courriel",
    "site_web": "site web",
    "reseau_porteur": "réseau porteur",
    "sigle": "sigle",
}
LIEU_LABELS = {
    "lieu.nom": "nom du lieu",
    "lieu.adresse": "adresse",
    "lieu.complement_adresse": "complément d'adresse",
    "lieu.code_postal": "code postal",
    "lieu.commune": "commune",
    "lieu.code_insee": "code INSEE",
    "lieu.latitude": "latitude",
    "lieu.longitude": "longitude",
    "lieu.quartier_id": "quartier",
    **{f"lieu.{name}": name.replace("_", " ") for name in ACCESS_FIELDS},
}


def _raw(record: Record, parsed: Any, name: str) -> Any:
    """A value as the row wrote it, when the validation kept it (pydantic rewrites URLs: « https://a.fr »
    becomes « https://a.fr/ »)."""
    return (record.data or {}).get(name) if getattr(parsed, name, None) is not None else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):  # an enum
        return value.value
    return value


def _jsonable_content(content: dict[str, Any]) -> dict[str, Any]:
    return {name: _jsonable(value) for name, value in content.items()}


def _same(name: str, left: Any, right: Any) -> bool:
    """Whether two values of a field are the same for the re-synchronisation."""
    left, right = _jsonable(left), _jsonable(right)
    if left in (None, "", []) and right in (None, "", []):
        return True
    if isinstance(left, float) and isinstance(right, float):
        return abs(left - right) <= 1e-9
    if name.removeprefix("lieu.") in SET_FIELDS and isinstance(left, list) and isinstance(right, list):
        return sorted(map(str, left)) == sorted(map(str, right))
    return left == right


def _shown(value: Any) -> str:
    value = _jsonable(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _near(place: _Place, lieu: Lieu) -> bool:
    """Whether the place's coordinates are the lieu's."""
    if lieu.latitude is None or lieu.longitude is None:
        return False
    return abs(place.latitude - lieu.latitude) <= 1e-6 and abs(place.longitude - lieu.longitude) <= 1e-6


def _has_own_address(parsed: Service, record: Record) -> bool:
    return (
        any(getattr(parsed, name) for name in ("adresse", "latitude", "longitude"))
        or record.extension("quartier") is not None
    )


def _check_identifier(source: str, identifier: str) -> None:
    if not source.strip() or len(source) > 60:
        raise RowError("source : de 1 à 60 caractères attendus")
    if not identifier.strip() or len(SERVICE_LIEU_PREFIX + uid_for(source, identifier)) > 200:
        raise RowError("identifiant : vide ou trop long (190 caractères au plus)")


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; whether any did."""
    changed = False
    for name, value in values.items():
        current = getattr(obj, name)
        if isinstance(value, float) and isinstance(current, float):
            if abs(value - current) <= 1e-9:
                continue
        elif current == value:
            continue
        setattr(obj, name, value)
        changed = True
    return changed


def _database_reason(error: Exception) -> str:
    if isinstance(error, StaleDataError):
        return "la fiche a été modifiée dans le guide pendant l'import ; relancez l'import"
    if isinstance(error, IntegrityError):
        return "enregistrement refusé par la base de données (doublon ou référence manquante)"
    return "enregistrement refusé par la base de données (valeur trop longue ou invalide)"
