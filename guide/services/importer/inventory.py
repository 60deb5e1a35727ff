"""The import itself: each validated row of an export written as an organisation, its lieux and its fiches.

One cohesive thing, the mapping of :mod:`guide.services.importer` (see there), kept in one module because its
steps (structure, place, service) share the state of one run: the structures seen, the quartiers, the
warnings of the current row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data_inclusion.schema.v1 import ReseauPorteur, Service, Structure
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ... import hours, normalize
from ...models import Access, Fiche, Lieu, Organisation, Quartier, State, Thematique, User
from ...slugs import unique_slug
from ...vocabulary import CONDITIONS_ACCES, LANGUES, PUBLICS, TYPES_SERVICE
from .. import fiches
from ..geography import find_quartier, quartier_for
from .extension import (
    RESUME_MAX,
    GuideLieu,
    GuideService,
    GuideStructure,
    extension_of,
    quartier_key,
)
from .rows import Counts, ImportReport, Record, Rejection, RowError, locate, read_records, validate

SERVICE_LIEU_PREFIX = "service:"
QUOTE_MAX = 120  # a refused value is quoted in a warning up to this length, then « … »
ADDRESS_FIELDS = ("adresse", "complement_adresse", "code_postal", "commune", "code_insee")
ACCESS_FIELDS = ("acces_plain_pied", "toilettes_adaptees", "boucle_magnetique", "langue_des_signes")


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


def import_inventory(
    db: Session,
    path: str | Path,
    *,
    publish: bool = False,
    actor: User | None = None,
    drafts: bool = False,
    author: Callable[[Organisation], User | None] | None = None,
) -> ImportReport:
    """Import a data·inclusion v1 export; see the module's documentation.

    The caller owns the transaction: the rows are flushed, not committed. With ``publish``, new and
    changed fiches are published; otherwise they await review ("à valider"), or with ``drafts`` new
    fiches stay drafts (the caller brings them to their state). ``author`` gives who writes the first
    version of an organisation's new fiches (default: ``actor``).
    """
    structures_path, services_path = locate(path)
    structure_records = read_records(structures_path)
    service_records = read_records(services_path)
    importer = _Importer(db, publish=publish, actor=actor, drafts=drafts, author=author)
    with db.begin_nested():  # an unexpected error leaves nothing of the import behind
        for record in structure_records:
            importer.structure(record)
        for record in service_records:
            importer.service(record)
    db.flush()
    return importer.report


class _Importer:
    def __init__(
        self,
        db: Session,
        *,
        publish: bool,
        actor: User | None,
        drafts: bool = False,
        author: Callable[[Organisation], User | None] | None = None,
    ) -> None:
        self.db = db
        self.publish = publish
        self.actor = actor
        self.drafts = drafts
        self.author = author
        self._quartier_keys: dict[str, Quartier] | None = None
        self.report = ImportReport()
        self.structures: dict[tuple[str, str], _StructureEntry] = {}
        self.rejected_structures: set[tuple[str, str]] = set()
        self.seen_services: set[tuple[str, str]] = set()
        self.thematiques = [
            (t.slug, set(t.di_codes or []))
            for t in db.scalars(select(Thematique).order_by(Thematique.position, Thematique.slug))
        ]
        self._warnings: list[str] = []

    # --- rows ---

    def structure(self, record: Record) -> None:
        self._warnings = []
        key = record.key
        try:
            if key is not None and (key in self.structures or key in self.rejected_structures):
                key = None  # the first row with this id stands
                raise RowError("identifiant en double dans le fichier des structures")
            parsed = validate(Structure, record)
            key = (parsed.source, parsed.id)
            extension = extension_of(GuideStructure, record)
            organisation_values = self._organisation_values(record, parsed, extension)
            if extension is not None and extension.lieux is not None:
                place = None
                guide_places = [(item.id.strip(), self._guide_place(item)) for item in extension.lieux]
            else:
                place = self._place(record, parsed, nom=parsed.nom, fallback=None)
                guide_places = None
            with self.db.begin_nested():
                entry, outcome = self._write_structure(parsed, organisation_values, place, guide_places)
        except RowError as error:
            self._reject(self.report.organisations, record, error.message, key)
            return
        except (IntegrityError, DataError, StaleDataError) as error:
            self._reject(self.report.organisations, record, _database_reason(error), key)
            return
        entry.horaires = parsed.horaires_accueil
        self.structures[key] = entry
        self.report.organisations.add(outcome)
        self._keep_warnings(record)

    def service(self, record: Record) -> None:
        self._warnings = []
        try:
            parsed = validate(Service, record)
            key = (parsed.source, parsed.id)
            if key in self.seen_services:
                raise RowError("identifiant en double dans le fichier des services")
            self.seen_services.add(key)
            entry = self._structure_of(parsed)
            extension = extension_of(GuideService, record)
            content = self._content(record, parsed, entry)
            if extension is not None:
                self._applyextension_of(content, extension)
            if extension is not None and extension.lieux is not None:
                place, lieux = None, self._lieux_by_id(parsed.source, extension.lieux)
            else:
                place, lieux = self._service_place(record, parsed, entry), None
            with self.db.begin_nested():
                outcome = self._write_service(parsed, entry, content, place, lieux)
        except RowError as error:
            self._reject(self.report.fiches, record, error.message)
            return
        except (IntegrityError, DataError, StaleDataError) as error:
            self._reject(self.report.fiches, record, _database_reason(error))
            return
        self.report.fiches.add(outcome)
        self._keep_warnings(record)

    def _reject(
        self, counts: Counts, record: Record, reason: str, structure_key: tuple[str, str] | None = None
    ) -> None:
        if structure_key is not None:
            self.rejected_structures.add(structure_key)
        counts.add("rejected")
        self.report.rejected.append(Rejection(record.file, record.row, record.id, reason))

    def _warn(self, message: str) -> None:
        self._warnings.append(message)

    def _keep_warnings(self, record: Record) -> None:
        where = Rejection(record.file, record.row, record.id, "").where
        self.report.warnings.extend(f"{where} : {message}" for message in self._warnings)

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
            "nom": _clean(parsed.nom),
            "description": _clean(parsed.description),
            "siret": self._optional(normalize.siret, parsed.siret, "SIRET") or None,
            "telephone": self._optional(normalize.phone, parsed.telephone, "téléphone"),
            "courriel": self._optional(normalize.email, record.data.get("courriel"), "courriel"),
            "site_web": self._optional(normalize.url, record.data.get("site_web"), "site web"),
            "reseau_porteur": reseau_porteur,
        }
        if not values["nom"]:
            raise RowError("nom : champ vide")
        if extension is not None and extension.sigle is not None:
            values["sigle"] = _clean(extension.sigle)
        return values

    def _write_structure(
        self,
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
            outcome = "created"
        else:
            outcome = "updated" if _assign(organisation, values) else "unchanged"
        if guide_places is None:
            lieu, lieu_changed = self._write_lieu(parsed.source, parsed.id, place, organisation)
        else:
            lieu, lieu_changed = None, False
            for lieu_id, guide_place in guide_places:
                written, changed = self._write_lieu(parsed.source, lieu_id, guide_place, organisation)
                lieu = lieu or written
                lieu_changed = lieu_changed or changed
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
        given = {name: (getattr(parsed, name) or "").strip() for name in ADDRESS_FIELDS}
        latitude, longitude = self._coordinates(parsed)
        if not any(given.values()) and latitude is None and raw_quartier is None:
            return None
        if fallback is not None:  # a service's address completes with its structure's town
            for name in ("code_postal", "commune", "code_insee"):
                given[name] = given[name] or getattr(fallback, name)
        for name, limit in (("adresse", 300), ("complement_adresse", 300), ("commune", 120)):
            if len(given[name]) > limit:
                raise RowError(f"{name.replace('_', ' ')} : trop long ({limit} caractères au plus)")
        if raw_quartier is not None:
            quartier = self._find_quartier(raw_quartier)
        else:
            quartier = quartier_for(self.db, latitude, longitude)
        return _Place(nom=nom[:200], latitude=latitude, longitude=longitude, quartier=quartier, **given)

    def _find_quartier(self, value: Any) -> Quartier:
        """A quartier by code or name, names compared tolerantly (see :func:`quartier_key`)."""
        quartier = find_quartier(self.db, value)
        if quartier is None:
            if self._quartier_keys is None:
                self._quartier_keys = {}
                for candidate in self.db.scalars(select(Quartier).order_by(Quartier.id)):
                    for name in (candidate.nom, candidate.code, candidate.slug):
                        if name and quartier_key(name):
                            self._quartier_keys.setdefault(quartier_key(name), candidate)
            quartier = self._quartier_keys.get(quartier_key(str(value)))
        if quartier is None:
            raise RowError(f"quartier inconnu : « {_quote(value)} »")
        return quartier

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

    def _lieux_by_id(self, source: str, ids: list[str]) -> list[Lieu]:
        """The lieux a service's ``guide`` extension names, given earlier by the structures."""
        lieux: list[Lieu] = []
        for lieu_id in dict.fromkeys(i.strip() for i in ids):
            lieu = self.db.scalar(select(Lieu).where(Lieu.source == source, Lieu.source_id == lieu_id))
            if lieu is None:
                raise RowError(f"lieu inconnu : « {_quote(lieu_id)} » n'est le lieu d'aucune structure")
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
        if record.extension("quartier") is not None and place.quartier is not lieu.quartier:
            same = False
        return None if same else place

    def _write_lieu(
        self, source: str, source_id: str, place: _Place | None, organisation: Organisation
    ) -> tuple[Lieu | None, bool]:
        """The lieu of a structure or a service, created or updated; and whether it changed."""
        db = self.db
        lieu = db.scalar(select(Lieu).where(Lieu.source == source, Lieu.source_id == source_id))
        if place is None:
            return lieu, False
        changed = False
        if lieu is None:
            lieu = Lieu(source=source, source_id=source_id)
            db.add(lieu)
            changed = True
        values = place.values()
        del values["quartier_id"]
        changed = _assign(lieu, values) or changed
        if lieu.quartier is not place.quartier:
            lieu.quartier = place.quartier
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
                f"structure inconnue : « {parsed.structure_id} » n'est pas dans le fichier des structures"
            )
        lieu = self.db.scalar(select(Lieu).where(Lieu.source == key[0], Lieu.source_id == key[1]))
        entry = _StructureEntry(organisation, lieu)
        self.structures[key] = entry
        return entry

    def _content(self, record: Record, parsed: Service, entry: _StructureEntry) -> dict[str, Any]:
        """The fiche content data·inclusion carries (fields it does not carry are left out)."""
        _check_identifier(parsed.source, parsed.id)
        description = _clean(parsed.description)
        publics = {p.value for p in parsed.publics or []}
        content: dict[str, Any] = {
            "nom": _clean(parsed.nom),
            "resume": resume_of(description),
            "description": description,
            "type_service": parsed.type.value if parsed.type else None,
            "publics": [code for code in PUBLICS if code in publics],
            "publics_precisions": _clean(parsed.publics_precisions),
            "conditions_precisions": _clean(parsed.conditions_acces),
            "frais": parsed.frais.value if parsed.frais else None,
            "frais_precisions": _clean(parsed.frais_precisions),
            "contact_nom": _clean(parsed.contact_nom_prenom),
            "telephone": self._optional(normalize.phone, parsed.telephone, "téléphone"),
            "courriel": self._optional(normalize.email, record.data.get("courriel"), "courriel"),
            "site_web": self._optional(
                normalize.url,
                record.data.get("lien_mobilisation") or record.data.get("lien_source"),
                "site web",
            ),
            "thematiques": self._thematiques(parsed),
        }
        if not content["nom"]:
            raise RowError("nom : champ vide")
        if len(content["contact_nom"]) > 120:
            raise RowError("contact : trop long (120 caractères au plus)")
        opening = (parsed.horaires_accueil or "").strip()
        label = "horaires"
        if not opening and not _has_own_address(parsed, record) and entry.horaires:
            opening, label = entry.horaires.strip(), "horaires de la structure"
        if opening:
            message = hours.validate(opening)
            if message:
                self._warn(f"{label} « {_quote(opening)} » ignorés : {message}")
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
            known = {slug for slug, _codes in self.thematiques}
            content["thematiques"] = self._codes(extension.thematiques, known, "thématique(s)")
        if (
            extension.age_min is not None
            and extension.age_max is not None
            and extension.age_min > extension.age_max
        ):
            raise RowError("âge minimum supérieur à l'âge maximum")
        for name in ("age_min", "age_max"):
            if getattr(extension, name) is not None:
                content[name] = getattr(extension, name)
        if extension.horaires_precisions is not None:
            content["horaires_precisions"] = _clean(extension.horaires_precisions)
        if extension.fermetures is not None:
            if any(closure.fin < closure.debut for closure in extension.fermetures):
                raise RowError("fermeture : la fin précède le début")
            content["fermetures"] = [
                {"debut": c.debut.isoformat(), "fin": c.fin.isoformat(), "message": _clean(c.message)}
                for c in extension.fermetures
            ]

    def _codes(self, values: list[str], known: Any, label: str) -> list[str]:
        """The known codes among ``values``, in their order; the others dropped with a warning."""
        codes = list(dict.fromkeys(str(value).strip() for value in values if str(value).strip()))
        unknown = [code for code in codes if code not in known]
        if unknown:
            self._warn(f"{label} inconnu(s) ignoré(s) : {_quote(', '.join(unknown))}")
        return [code for code in codes if code in known]

    def _thematiques(self, parsed: Service) -> list[str]:
        codes = sorted(t.value for t in parsed.thematiques or [])
        wanted = set(codes) | {code.split("--", 1)[0] for code in codes}
        slugs = [slug for slug, di_codes in self.thematiques if di_codes & wanted]
        if codes and not slugs:
            self._warn("aucune thématique du guide ne correspond aux thématiques data·inclusion du service")
        return slugs

    def _langues(self, value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = re.split(r"[|,]", value)
        if not isinstance(value, list):
            self._warn("langues ignorées : une liste de codes est attendue")
            return []
        codes = [str(code).strip().lower() for code in value if str(code).strip()]
        unknown = [code for code in codes if code not in LANGUES]
        if unknown:
            self._warn(f"langue(s) inconnue(s) ignorée(s) : {', '.join(unknown)}")
        return [code for code in LANGUES if code in codes]

    def _write_service(
        self,
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
            if self.publish or not self.drafts:
                fiches.transition(db, fiche, "publish" if self.publish else "submit", self.actor)
            return "created"
        if fiche.state == State.ARCHIVED:
            raise RowError(
                "la fiche est archivée dans le guide : restaurez-la pour la mettre à jour par import"
            )
        outcome = "unchanged"
        moved = fiche.organisation_id != organisation.id
        if moved:
            fiche.organisation = organisation
            outcome = "updated"
        data = {**fiches.content_of(fiche.current_version), **content}
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

    def _optional(self, normalizer: Any, value: Any, label: str) -> str:
        """A normalised optional value; an invalid one is dropped with a warning."""
        if value is None or not str(value).strip():
            return ""
        try:
            return normalizer(str(value).strip())
        except normalize.NormalizeError as error:
            self._warn(f"{label} « {_quote(value)} » ignoré : {error.message}")
            return ""


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
