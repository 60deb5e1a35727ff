"""Loading official quartier contours: Lambert-93 IRIS-like and CRS84 QPV-like files, the lieux put in
their quartier, the schematic quartiers replaced, idempotence, and the command line with bad files."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pyproj
import pytest
from shapely.geometry import Point, shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guide.db import make_engine, make_session_factory
from guide.models import IndexChange, Lieu, Quartier
from guide.scripts.load_quartiers import main
from guide.scripts.migrate import upgrade
from guide.services import geography
from guide.services.demo import DEMO_QUARTIERS, demo_lieux
from guide.services.quartiers import QuartierFileError, load_geojson
from guide.text import slugify

# Place de Jaude, Clermont-Ferrand, in WGS84 and in Lambert-93 (EPSG:2154).
JAUDE_LATLON = (45.7772, 3.0817)
JAUDE_L93 = (706348.6, 6519735.1)

LAMBERT93 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}
CRS84 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}

# Demo lieux (guide/demo/structures.json) used below, with the quartier the IRIS-like file puts them in.
EXPECTED = {
    "lis": "631130101",
    "mediatheque-jaude": "631130101",
    "mille-formes": "631130101",
    "mq-fontaine-du-bac": "631130303",
    "centre-sante-fdb": "631130303",
    "espace-combaude": "631130202",
    "espace-mandela": "631130202",
    "public-info": "631130202",
    "paej": None,  # Fontgiève: outside every quartier of the file
}


def _box(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def iris_lambert93() -> dict[str, Any]:
    """Three IRIS-like features in Lambert-93 metres: one with a hole, one MultiPolygon, one bow-tie."""
    return {
        "type": "FeatureCollection",
        "crs": LAMBERT93,
        "features": [
            {
                "type": "Feature",
                "properties": {"CODE_IRIS": "631130101", "NOM_IRIS": "Jaude", "NOM_COM": "Clermont-Ferrand"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        _box(705900, 6519200, 707000, 6520300),
                        _box(706500, 6519800, 706700, 6520000),  # a hole
                    ],
                },
            },
            {
                "type": "Feature",
                "properties": {
                    "CODE_IRIS": "631130202",
                    "NOM_IRIS": "La Gauthière",
                    "NOM_COM": "Clermont-Ferrand",
                },
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [
                        [_box(707500, 6521550, 707800, 6521850)],
                        [_box(707850, 6521350, 708200, 6521620)],
                    ],
                },
            },
            {
                "type": "Feature",
                "properties": {
                    "CODE_IRIS": "631130303",
                    "NOM_IRIS": "Fontaine du Bac",
                    "NOM_COM": "Clermont-Ferrand",
                },
                # A self-intersecting ring (a bow-tie): repaired into two triangles.
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [705200, 6517800],
                            [705900, 6517800],
                            [705200, 6518700],
                            [705900, 6518700],
                            [705200, 6517800],
                        ]
                    ],
                },
            },
        ],
    }


def to_crs84(data: dict[str, Any], *, qpv_fields: bool = True, with_crs: bool = True) -> dict[str, Any]:
    """The same file in longitude/latitude (with QPV-style field names)."""
    transformer = pyproj.Transformer.from_crs(2154, 4326, always_xy=True)
    result = copy.deepcopy(data)
    if with_crs:
        result["crs"] = CRS84
    else:
        del result["crs"]

    def convert(coords: Any) -> Any:
        if isinstance(coords[0], int | float):
            lon, lat = transformer.transform(coords[0], coords[1])
            return [lon, lat]
        return [convert(item) for item in coords]

    for feature in result["features"]:
        feature["geometry"]["coordinates"] = convert(feature["geometry"]["coordinates"])
        if qpv_fields:
            props = feature["properties"]
            feature["properties"] = {"code_qp": props["CODE_IRIS"], "lib_qp": props["NOM_IRIS"]}
    return result


def lambert93_forward(lat: float, lon: float) -> tuple[float, float]:
    """Lambert-93 from the published parameters (Lambert conformal conic, 2 parallels, GRS80), written
    out here to check pyproj and the constants above independently."""
    a, e = 6378137.0, 0.0818191910428158
    phi1, phi2, phi0, lam0 = (math.radians(v) for v in (44.0, 49.0, 46.5, 3.0))
    x0, y0 = 700000.0, 6600000.0

    def m(phi: float) -> float:
        return math.cos(phi) / math.sqrt(1 - (e * math.sin(phi)) ** 2)

    def t(phi: float) -> float:
        return math.tan(math.pi / 4 - phi / 2) / ((1 - e * math.sin(phi)) / (1 + e * math.sin(phi))) ** (
            e / 2
        )

    n = (math.log(m(phi1)) - math.log(m(phi2))) / (math.log(t(phi1)) - math.log(t(phi2)))
    big_f = m(phi1) / (n * t(phi1) ** n)
    rho0 = a * big_f * t(phi0) ** n
    rho = a * big_f * t(math.radians(lat)) ** n
    theta = n * (math.radians(lon) - lam0)
    return x0 + rho * math.sin(theta), y0 + rho0 - rho * math.cos(theta)


def test_lambert93_constants_round_trip() -> None:
    x, y = lambert93_forward(*JAUDE_LATLON)
    assert abs(x - JAUDE_L93[0]) < 1 and abs(y - JAUDE_L93[1]) < 1
    to_l93 = pyproj.Transformer.from_crs(4326, 2154, always_xy=True)
    to_wgs84 = pyproj.Transformer.from_crs(2154, 4326, always_xy=True)
    px, py = to_l93.transform(JAUDE_LATLON[1], JAUDE_LATLON[0])
    assert abs(px - x) < 0.01 and abs(py - y) < 0.01
    lon, lat = to_wgs84.transform(*JAUDE_L93)
    assert abs(lat - JAUDE_LATLON[0]) < 1e-6 and abs(lon - JAUDE_LATLON[1]) < 1e-6
    # Every demo lieu of the test file falls where EXPECTED says, computed with the formula alone.
    boxes = {"631130101": (705900, 6519200, 707000, 6520300)}
    for key, code in EXPECTED.items():
        lieu = next(item for item in demo_lieux() if item["key"] == key)
        lx, ly = lambert93_forward(lieu["latitude"], lieu["longitude"])
        if code in boxes:
            x0, y0, x1, y1 = boxes[code]
            assert x0 < lx < x1 and y0 < ly < y1, key


# --- the service -------------------------------------------------------------------------------------------


def demo_like(db: Session, *, schematic: bool = True) -> tuple[dict[str, Quartier], dict[str, Lieu]]:
    """The demo's schematic quartiers and a few demo lieux placed in them, plus one without coordinates."""
    quartiers = {}
    for item in DEMO_QUARTIERS:
        quartier = Quartier(
            code=item["code"],
            nom=item["nom"],
            slug=slugify(item["nom"]),
            geometry=item["geometry"],
            schematic=schematic,
        )
        db.add(quartier)
        quartiers[item["code"]] = quartier
    lieux = {}
    for item in demo_lieux():
        if item["key"] in EXPECTED:
            lieu = Lieu(
                nom=item["nom"],
                latitude=item["latitude"],
                longitude=item["longitude"],
                quartier=quartiers[item["quartier"]],
            )
            db.add(lieu)
            lieux[item["key"]] = lieu
    lieux["sans-coordonnees"] = Lieu(nom="Sans coordonnées", quartier=quartiers["QU-CENTRE-JAUDE"])
    db.add(lieux["sans-coordonnees"])
    db.flush()
    return quartiers, lieux


def test_iris_in_lambert93_replaces_the_schematic_quartiers(db: Session) -> None:
    quartiers, lieux = demo_like(db)
    gauthiere_id, gauthiere_slug = quartiers["QP-GAUTHIERE"].id, quartiers["QP-GAUTHIERE"].slug

    report = load_geojson(db, iris_lambert93())

    assert report.crs.startswith("EPSG:2154")
    assert (report.code_field, report.name_field) == ("CODE_IRIS", "NOM_IRIS")
    assert report.created == ["631130101", "631130303"]
    assert report.updated == ["631130202"]  # the schematic "La Gauthière" is adopted, not re-created
    assert sorted(report.removed) == sorted(code for code in quartiers if code != "QP-GAUTHIERE")
    assert report.repaired == 1  # the bow-tie
    assert (report.lieux_assigned, report.lieux_outside) == (8, 1)

    rows = {q.code: q for q in db.scalars(select(Quartier))}
    assert set(rows) == {"631130101", "631130202", "631130303"}
    assert not any(q.schematic for q in rows.values())
    gauthiere = rows["631130202"]
    assert (gauthiere.id, gauthiere.slug, gauthiere.nom) == (gauthiere_id, gauthiere_slug, "La Gauthière")
    assert gauthiere.geometry["type"] == "MultiPolygon"
    assert rows["631130101"].slug == "jaude"

    # Reprojected: WGS84 lon/lat around Clermont-Ferrand, the hole kept, the bow-tie made valid.
    jaude = shape(rows["631130101"].geometry)
    assert jaude.is_valid and len(jaude.interiors) == 1
    assert jaude.contains(Point(JAUDE_LATLON[1], JAUDE_LATLON[0]))
    minx, miny, maxx, maxy = jaude.bounds
    assert 3.07 < minx < maxx < 3.10 and 45.77 < miny < maxy < 45.785
    fontaine = shape(rows["631130303"].geometry)
    assert fontaine.is_valid and fontaine.geom_type == "MultiPolygon" and len(fontaine.geoms) == 2
    # Exterior rings counter-clockwise (RFC 7946).
    assert jaude.exterior.is_ccw

    for key, code in EXPECTED.items():
        lieu = lieux[key]
        db.refresh(lieu)
        assert (lieu.quartier.code if lieu.quartier else None) == code, key
    db.refresh(lieux["sans-coordonnees"])
    assert lieux["sans-coordonnees"].quartier is None  # its schematic quartier is gone


def test_reloading_is_idempotent(db: Session) -> None:
    demo_like(db)
    load_geojson(db, iris_lambert93())
    before = {q.code: (q.id, q.nom, q.slug, json.dumps(q.geometry)) for q in db.scalars(select(Quartier))}
    placed = {lieu.id: lieu.quartier_id for lieu in db.scalars(select(Lieu))}

    report = load_geojson(db, iris_lambert93())

    assert report.unchanged == ["631130101", "631130202", "631130303"]
    assert report.created == report.updated == report.removed == []
    assert report.lieux_changed == 0
    after = {q.code: (q.id, q.nom, q.slug, json.dumps(q.geometry)) for q in db.scalars(select(Quartier))}
    assert after == before
    assert {lieu.id: lieu.quartier_id for lieu in db.scalars(select(Lieu))} == placed


def test_crs84_file_with_qpv_fields_gives_the_same_contours(db: Session) -> None:
    demo_like(db)
    load_geojson(db, iris_lambert93())
    from_l93 = {q.code: shape(q.geometry) for q in db.scalars(select(Quartier))}

    report = load_geojson(db, to_crs84(iris_lambert93()))

    assert (report.code_field, report.name_field) == ("code_qp", "lib_qp")
    assert report.crs.startswith("OGC:CRS84")
    assert report.created == report.removed == []
    for quartier in db.scalars(select(Quartier)):
        assert shape(quartier.geometry).symmetric_difference(from_l93[quartier.code]).area < 1e-10


def test_no_crs_member_means_wgs84(db: Session) -> None:
    report = load_geojson(db, to_crs84(iris_lambert93(), with_crs=False))
    assert report.crs.startswith("EPSG:4326")
    assert len(report.created) == 3


def test_keep_others_keeps_the_schematic_quartiers(db: Session) -> None:
    _, lieux = demo_like(db)
    report = load_geojson(db, iris_lambert93(), keep_others=True)
    assert report.removed == []
    codes = set(db.scalars(select(Quartier.code)))
    assert {"QU-SALINS", "QU-FONTGIEVE", "631130101"} <= codes
    db.refresh(lieux["paej"])
    assert lieux["paej"].quartier.code == "QU-FONTGIEVE"  # still in its schematic quartier's polygon
    db.refresh(lieux["lis"])
    # Overlapping polygons: the smallest one holding the lieu wins (the IRIS over the schematic rectangle).
    assert lieux["lis"].quartier.code == "631130101"


def test_explicit_fields_and_name_clashes(db: Session) -> None:
    db.add(Quartier(code="AUTRE", nom="Jaude", slug="jaude", geometry=None, schematic=False))
    db.flush()
    data = iris_lambert93()
    for feature in data["features"]:
        feature["properties"]["identifiant"] = "X-" + feature["properties"].pop("CODE_IRIS")
    report = load_geojson(db, data, code_field="identifiant", name_field="NOM_IRIS")
    assert report.created == ["X-631130101", "X-631130202", "X-631130303"]
    created = db.scalar(select(Quartier).where(Quartier.code == "X-631130101"))
    assert created.nom == "Jaude (X-631130101)" and created.slug != "jaude"
    with pytest.raises(QuartierFileError, match="« absent »"):
        load_geojson(db, data, code_field="absent")


def test_features_that_cannot_be_used_are_skipped(db: Session) -> None:
    data = iris_lambert93()
    data["features"].append({"type": "Feature", "properties": {"CODE_IRIS": "1"}, "geometry": None})
    data["features"].append(
        {
            "type": "Feature",
            "properties": {"NOM_IRIS": "Sans code"},
            "geometry": data["features"][0]["geometry"],
        }
    )
    data["features"].append(
        {
            "type": "Feature",
            "properties": {"CODE_IRIS": "2"},
            "geometry": {"type": "Point", "coordinates": [1, 2]},
        }
    )
    report = load_geojson(db, data)
    assert len(report.created) == 3
    assert len(report.skipped) == 3
    assert any("pas de code" in reason for reason in report.skipped)


def test_bad_files_are_refused_before_any_change(db: Session) -> None:
    quartiers, _ = demo_like(db)
    cases = [
        ({"type": "Topology"}, "FeatureCollection"),
        ({**iris_lambert93(), "crs": {"type": "name", "properties": {"name": "EPSG:999999"}}}, "inconnu"),
        ({**iris_lambert93(), "crs": {"type": "link", "properties": {"href": "x"}}}, "non pris en charge"),
        ({k: v for k, v in iris_lambert93().items() if k != "crs"}, "longitudes et latitudes"),
        ({"type": "FeatureCollection", "features": []}, "aucune entité"),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": "A", "nom": "A"},
                        "geometry": {"type": "Point", "coordinates": [3, 45]},
                    }
                ],
            },
            "Aucune entité utilisable",
        ),
        ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"x": 1}}]}, "deviner"),
    ]
    for data, message in cases:
        with pytest.raises(QuartierFileError, match=message):
            load_geojson(db, data)
    assert set(db.scalars(select(Quartier.code))) == set(quartiers)


def test_published_fiches_at_moved_lieux_are_reindexed(db: Session, world: Any) -> None:
    last = db.scalar(select(func.max(IndexChange.id))) or 0
    report = load_geojson(db, iris_lambert93())
    assert report.lieux_changed == 3  # the three lieux of the test world, from "Quartier test" to Jaude
    for lieu in world.lieux.values():
        db.refresh(lieu)
        assert lieu.quartier.code == "631130101"
    logged = set(db.scalars(select(IndexChange.fiche_id).where(IndexChange.id > last)))
    for org in ("a", "b", "c"):
        assert world.fiches[f"published_{org}"].id in logged
        assert world.fiches[f"draft_{org}"].id not in logged


def test_quartier_for_uses_the_current_polygons(db: Session) -> None:
    demo_like(db, schematic=True)
    lat, lon = JAUDE_LATLON
    assert geography.quartier_for(db, lat, lon).code == "QU-CENTRE-JAUDE"
    assert geography.quartier_for(db, 48.85, 2.35) is None  # Paris
    assert geography.quartier_for(db, None, lon) is None
    load_geojson(db, iris_lambert93(), keep_others=True)
    assert geography.quartier_for(db, lat, lon).code == "631130101"  # the smaller, official one
    # The session's index follows changes made through the ORM, flushed or not.
    jaude = db.scalar(select(Quartier).where(Quartier.code == "631130101"))
    jaude.geometry = None
    assert geography.quartier_for(db, lat, lon).code == "QU-CENTRE-JAUDE"
    tiny = [
        [lon - 0.0001, lat - 0.0001],
        [lon + 0.0001, lat - 0.0001],
        [lon, lat + 0.0001],
        [lon - 0.0001, lat - 0.0001],
    ]
    db.add(
        Quartier(
            code="TINY",
            nom="Minuscule",
            slug="minuscule",
            geometry={"type": "Polygon", "coordinates": [tiny]},
        )
    )
    assert geography.quartier_for(db, lat, lon).code == "TINY"
    db.delete(db.scalar(select(Quartier).where(Quartier.code == "TINY")))
    db.commit()
    assert geography.quartier_for(db, lat, lon).code == "QU-CENTRE-JAUDE"


# --- the command line --------------------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, str]:
    """A migrated SQLite database with the demo-like quartiers and lieux, and its ini file."""
    url = f"sqlite:///{tmp_path / 'guide.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        demo_like(db)
        db.commit()
    engine.dispose()
    ini = tmp_path / "guide.ini"
    ini.write_text(f"[app:main]\nuse = egg:guide-du-territoire\ndatabase_url = {url}\nvar_dir = {tmp_path}\n")
    return ini, url


def snapshot(url: str) -> list[tuple[Any, ...]]:
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        quartiers = [
            (q.code, q.nom, q.slug, json.dumps(q.geometry), q.schematic)
            for q in db.scalars(select(Quartier).order_by(Quartier.code))
        ]
        lieux = [(lieu.id, lieu.quartier_id) for lieu in db.scalars(select(Lieu).order_by(Lieu.id))]
    engine.dispose()
    return [*quartiers, *lieux]


def test_command_line_loads_and_is_idempotent(
    site: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ini, url = site
    path = tmp_path / "iris.geojson"
    path.write_text(json.dumps(iris_lambert93()))

    assert main([str(ini), str(path)]) == 0
    out = capsys.readouterr().out
    assert "Quartiers : 2 créés, 1 mis à jour, 0 inchangé, 10 supprimés." in out
    assert "Lieux : 8 rattachés à un quartier" in out and "1 hors de tout quartier" in out
    first = snapshot(url)

    assert main([str(ini), str(path)]) == 0
    assert "Quartiers : 0 créé, 0 mis à jour, 3 inchangés, 0 supprimé." in capsys.readouterr().out
    assert snapshot(url) == first


def test_command_line_keep_others_and_fields(
    site: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ini, url = site
    path = tmp_path / "qpv.geojson"
    path.write_text(json.dumps(to_crs84(iris_lambert93())))
    assert (
        main([str(ini), str(path), "--keep-others", "--code-field", "code_qp", "--name-field", "lib_qp"]) == 0
    )
    assert "10 supprimés" not in capsys.readouterr().out
    codes = {row[0] for row in snapshot(url) if isinstance(row[0], str)}
    assert {"QU-SALINS", "631130101"} <= codes


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Fichier introuvable"),
        ("ceci n'est pas du JSON", "pas du GeoJSON"),
        ("[1, 2, 3]", "pas du GeoJSON"),
        (json.dumps({"type": "FeatureCollection", "features": "non"}), "FeatureCollection"),
        (
            json.dumps({**iris_lambert93(), "crs": {"type": "name", "properties": {"name": "EPSG:0"}}}),
            "inconnu",
        ),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {"type": "Feature", "properties": {"code_qp": "A", "lib_qp": "A"}, "geometry": None}
                    ],
                }
            ),
            "Aucune entité utilisable",
        ),
    ],
)
def test_command_line_refuses_bad_files(
    site: tuple[Path, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    message: str,
) -> None:
    ini, url = site
    path = tmp_path / "contours.geojson"
    if content is not None:
        path.write_text(content)
    before = snapshot(url)
    assert main([str(ini), str(path)]) == 1
    captured = capsys.readouterr()
    assert message in captured.err and "Aucune modification" in captured.err
    assert captured.out == ""
    assert snapshot(url) == before
