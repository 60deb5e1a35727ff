"""Reading and checking a file of quartier contours (GeoJSON, in whatever CRS it ships in): fields, CRS,
geometries repaired and brought to WGS84; :class:`QuartierFileError` (French) when nothing can be used."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import shapely
from pyproj.exceptions import CRSError
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from ...models import Quartier
from ...text import fold

# Property names tried, in this order (case ignored), when the caller names none.
CODE_FIELDS = ("code_iris", "code_qp", "code_qpv", "code_quartier", "code")
NAME_FIELDS = ("nom_iris", "nom_qp", "lib_qp", "nom_qpv", "lib_qpv", "nom_quartier", "nom", "libelle", "name")
COMMUNE_FIELDS = ("nom_com", "lib_com", "commune", "nom_commune")

COORDINATE_DECIMALS = 7  # about 1 cm: plenty for a quartier, and stable from one load to the next
_WGS84 = pyproj.CRS.from_epsg(4326)
_CODE_LENGTH = Quartier.__table__.c.code.type.length


class QuartierFileError(Exception):
    """The file cannot be loaded; the message (French) says why. Nothing has been changed."""


@dataclass
class LoadReport:
    crs: str
    code_field: str
    name_field: str
    created: list[str] = field(default_factory=list)  # codes
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # features left out, with the reason
    repaired: int = 0  # invalid geometries made valid
    lieux_assigned: int = 0  # lieux with coordinates that are in a quartier
    lieux_changed: int = 0  # lieux whose quartier changed
    lieux_outside: int = 0  # lieux with coordinates outside every quartier

    def summary_lines(self) -> list[str]:
        quartiers = [
            _n(len(self.created), "créé"),
            _n(len(self.updated), "mis à jour", "mis à jour"),
            _n(len(self.unchanged), "inchangé"),
            _n(len(self.removed), "supprimé"),
        ]
        lines = [
            f"Système de coordonnées du fichier : {self.crs}.",
            f"Champs utilisés : code « {self.code_field} », nom « {self.name_field} ».",
            f"Quartiers : {', '.join(quartiers)}.",
            f"Lieux : {_n(self.lieux_assigned, 'rattaché')} à un quartier "
            f"(dont {_n(self.lieux_changed, 'changé')} de quartier), "
            f"{self.lieux_outside} hors de tout quartier.",
        ]
        if self.repaired:
            lines.append(f"Géométries réparées : {self.repaired}.")
        if self.skipped:
            lines.append(f"Entités ignorées : {len(self.skipped)}.")
            lines.extend(f"  - {reason}" for reason in self.skipped)
        return lines


def _n(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count <= 1 else (plural or singular + 's')}"


@dataclass
class Incoming:
    code: str
    nom: str
    commune: str
    geometry: BaseGeometry


def read_geojson_file(path: str | Path) -> dict[str, Any]:
    """The parsed file, or :class:`QuartierFileError`."""
    path = Path(path)
    if not path.is_file():
        raise QuartierFileError(f"Fichier introuvable : {path}.")
    try:
        data = json.loads(path.read_bytes())
    except (UnicodeDecodeError, ValueError) as exc:
        raise QuartierFileError(f"Ce fichier n'est pas du GeoJSON (JSON illisible : {exc}).") from exc
    if not isinstance(data, dict):
        raise QuartierFileError("Ce fichier n'est pas du GeoJSON (un objet FeatureCollection est attendu).")
    return data


def source_crs(data: dict[str, Any]) -> pyproj.CRS:
    """The CRS named by the (2008 GeoJSON) ``crs`` member; WGS84 longitude/latitude when there is none."""
    member = data.get("crs")
    if member is None:
        return _WGS84
    if not isinstance(member, dict):
        raise QuartierFileError("Le membre « crs » du fichier est illisible.")
    properties = member.get("properties") or {}
    kind = str(member.get("type", "")).lower()
    if kind == "name":
        name = properties.get("name")
    elif kind == "epsg":
        name = f"EPSG:{properties.get('code')}"
    else:
        raise QuartierFileError(
            f"Système de coordonnées non pris en charge (membre « crs » de type « {member.get('type')} »)."
        )
    if not name or not isinstance(name, str):
        raise QuartierFileError("Le membre « crs » du fichier ne nomme aucun système de coordonnées.")
    try:
        return pyproj.CRS.from_user_input(name)
    except CRSError as exc:
        raise QuartierFileError(f"Système de coordonnées inconnu : « {name} ».") from exc


def _crs_label(crs: pyproj.CRS) -> str:
    authority = crs.to_authority()
    return f"{authority[0]}:{authority[1]} ({crs.name})" if authority else crs.name


def _is_wgs84_lonlat(crs: pyproj.CRS) -> bool:
    return crs.is_geographic and (crs.to_epsg() == 4326 or crs.equals(_WGS84, ignore_axis_order=True))


def _features(data: dict[str, Any]) -> list[dict[str, Any]]:
    kind = data.get("type")
    if kind == "FeatureCollection" and isinstance(data.get("features"), list):
        return [feature for feature in data["features"] if isinstance(feature, dict)]
    if kind == "Feature":
        return [data]
    raise QuartierFileError("Ce fichier n'est pas du GeoJSON utilisable (FeatureCollection attendu).")


def _get(properties: dict[str, Any], name: str) -> Any:
    if name in properties:
        return properties[name]
    wanted = name.lower()
    for key, value in properties.items():
        if key.lower() == wanted:
            return value
    return None


def _has(properties: dict[str, Any], name: str) -> bool:
    wanted = name.lower()
    return any(key.lower() == wanted for key in properties)


def _choose_field(
    features: list[dict[str, Any]], given: str | None, candidates: tuple[str, ...], what: str, option: str
) -> str:
    keys: dict[str, str] = {}
    for feature in features:
        for key in feature.get("properties") or {}:
            keys.setdefault(key.lower(), key)
    if given:
        if given.lower() not in keys:
            raise QuartierFileError(
                f"Le champ « {given} » n'existe dans aucune entité. Champs disponibles : {_fields(keys)}."
            )
        return given
    for candidate in candidates:
        if candidate in keys:
            return keys[candidate]
    raise QuartierFileError(
        f"Impossible de deviner le champ du {what} ; indiquez-le avec {option}. "
        f"Champs disponibles : {_fields(keys)}."
    )


def _fields(keys: dict[str, str]) -> str:
    return ", ".join(sorted(keys.values())) or "aucun"


def _transformer(crs: pyproj.CRS) -> pyproj.Transformer | None:
    if _is_wgs84_lonlat(crs):
        return None
    try:
        return pyproj.Transformer.from_crs(crs, _WGS84, always_xy=True)
    except CRSError as exc:
        raise QuartierFileError(f"Pas de transformation connue de {_crs_label(crs)} vers WGS84.") from exc


def _to_wgs84(geometry: BaseGeometry, transformer: pyproj.Transformer | None) -> BaseGeometry:
    if transformer is not None:

        def project(coords: np.ndarray) -> np.ndarray:
            x, y = transformer.transform(coords[:, 0], coords[:, 1])
            return np.column_stack([x, y])

        geometry = shapely.transform(geometry, project)
    coords = shapely.get_coordinates(geometry)
    if (
        not np.isfinite(coords).all()
        or (np.abs(coords[:, 0]) > 180).any()
        or (np.abs(coords[:, 1]) > 90).any()
    ):
        if transformer is None:
            raise QuartierFileError(
                "Les coordonnées ne sont pas des longitudes et latitudes (WGS84) et le fichier n'indique pas "
                "son système de coordonnées (membre « crs ») : exportez-le en WGS84 ou avec son « crs »."
            )
        raise QuartierFileError(
            "Des coordonnées du fichier sortent du domaine de son système de coordonnées."
        )
    return geometry


def _polygonal(geometry: BaseGeometry) -> BaseGeometry | None:
    parts: list[Polygon] = []

    def collect(item: BaseGeometry) -> None:
        if item.is_empty:
            return
        if isinstance(item, Polygon):
            parts.append(item)
        elif hasattr(item, "geoms"):
            for sub in item.geoms:
                collect(sub)

    collect(geometry)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _clean(geometry: BaseGeometry, report: LoadReport) -> BaseGeometry | None:
    """Valid, polygonal, on a 1e-7 degree grid, exterior rings counter-clockwise (RFC 7946)."""
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
        report.repaired += 1
    polygonal = _polygonal(geometry)
    if polygonal is None:
        return None
    polygonal = _polygonal(shapely.set_precision(polygonal, 10**-COORDINATE_DECIMALS))
    if polygonal is None:
        return None
    if isinstance(polygonal, Polygon):
        return orient(polygonal, 1.0)
    return MultiPolygon([orient(part, 1.0) for part in polygonal.geoms])


def to_geojson(geometry: BaseGeometry) -> dict[str, Any]:
    """A stored GeoJSON geometry: lists, coordinates rounded (the same input always gives the same dict)."""

    def ring(coords: Any) -> list[list[float]]:
        return [[round(x, COORDINATE_DECIMALS), round(y, COORDINATE_DECIMALS)] for x, y, *_ in coords]

    def polygon(item: Polygon) -> list[list[list[float]]]:
        return [ring(item.exterior.coords), *(ring(hole.coords) for hole in item.interiors)]

    if isinstance(geometry, Polygon):
        return {"type": "Polygon", "coordinates": polygon(geometry)}
    return {"type": "MultiPolygon", "coordinates": [polygon(part) for part in geometry.geoms]}


def parse_quartiers(
    data: dict[str, Any], code_field: str | None = None, name_field: str | None = None
) -> tuple[list[Incoming], LoadReport]:
    """Everything the file holds, checked, in WGS84; :class:`QuartierFileError` when nothing can be used."""
    features = _features(data)
    crs = source_crs(data)
    transformer = _transformer(crs)
    if not features:
        raise QuartierFileError("Le fichier ne contient aucune entité.")
    code_field = _choose_field(features, code_field, CODE_FIELDS, "code du quartier", "--code-field")
    name_field = _choose_field(features, name_field, NAME_FIELDS, "nom du quartier", "--name-field")
    report = LoadReport(crs=_crs_label(crs), code_field=code_field, name_field=name_field)
    by_code: dict[str, Incoming] = {}
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        code = str(_get(properties, code_field) or "").strip()
        nom = " ".join(str(_get(properties, name_field) or "").split())
        where = f"entité n° {number}" + (f" ({code})" if code else "")
        if not code:
            report.skipped.append(f"{where} : pas de code (champ « {code_field} »)")
            continue
        if len(code) > _CODE_LENGTH:
            report.skipped.append(f"{where} : code de plus de {_CODE_LENGTH} caractères")
            continue
        raw = feature.get("geometry")
        if not isinstance(raw, dict) or raw.get("type") not in {"Polygon", "MultiPolygon"}:
            kind = raw.get("type") if isinstance(raw, dict) else "aucune"
            report.skipped.append(f"{where} : géométrie « {kind} », polygone attendu")
            continue
        try:
            geometry = shape(raw)
        except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.GEOSException):
            report.skipped.append(f"{where} : géométrie illisible")
            continue
        if geometry.is_empty:
            report.skipped.append(f"{where} : géométrie vide")
            continue
        geometry = _clean(_to_wgs84(geometry, transformer), report)
        if geometry is None:
            report.skipped.append(f"{where} : aucun polygone après réparation de la géométrie")
            continue
        commune = " ".join(
            str(next((_get(properties, f) for f in COMMUNE_FIELDS if _has(properties, f)), "") or "").split()
        )
        if code in by_code:  # one quartier in several features: the parts are joined
            previous = by_code[code]
            joined = _clean(shapely.union_all([previous.geometry, geometry]), report)
            if joined is not None:
                previous.geometry = joined
            continue
        by_code[code] = Incoming(code=code, nom=nom or code, commune=commune, geometry=geometry)
    if not by_code:
        raise QuartierFileError(
            "Aucune entité utilisable dans le fichier (il faut des polygones avec un code) : "
            + " ; ".join(report.skipped[:5])
        )
    # Names must be unique: the same IRIS name in two communes gets the commune (or the code) added.
    counts: dict[str, int] = {}
    for item in by_code.values():
        counts[fold(item.nom)] = counts.get(fold(item.nom), 0) + 1
    for item in by_code.values():
        if counts[fold(item.nom)] > 1:
            item.nom = f"{item.nom} ({item.commune or item.code})"
    return sorted(by_code.values(), key=lambda item: item.code), report
