"""Quartiers: official contours (IGN IRIS, ANCT QPV…) loaded from GeoJSON, and one quartier from the forms.

:func:`load_geojson` checks the whole file first (CRS, fields, geometries: :mod:`.geojson`) and raises
:class:`QuartierFileError` with a French message before touching the database when the file cannot be
used. Then it upserts the quartiers by code (geometry replaced, ``schematic=False``), removes the schematic
quartiers the file does not replace (unless ``keep_others``), and puts every lieu with coordinates in the
quartier that holds it (:mod:`.loading`). It flushes but does not commit: the caller owns the transaction.

A schematic quartier whose name is the name of an incoming quartier is *adopted* (it takes the official
code and contour) rather than removed and re-created: its id, slug (URLs) and lieux are kept.

The coordination's forms add, rename and recode one quartier (:mod:`.forms`).
"""

from __future__ import annotations

from .forms import QuartierConflict, add_quartier, check_quartier, unique_quartier_slug, update_quartier
from .geojson import (
    CODE_FIELDS,
    COMMUNE_FIELDS,
    COORDINATE_DECIMALS,
    NAME_FIELDS,
    Incoming,
    LoadReport,
    QuartierFileError,
    parse_quartiers,
    read_geojson_file,
    source_crs,
    to_geojson,
)
from .loading import load_geojson

__all__ = [
    "CODE_FIELDS",
    "COMMUNE_FIELDS",
    "COORDINATE_DECIMALS",
    "NAME_FIELDS",
    "Incoming",
    "LoadReport",
    "QuartierConflict",
    "QuartierFileError",
    "add_quartier",
    "check_quartier",
    "load_geojson",
    "parse_quartiers",
    "read_geojson_file",
    "source_crs",
    "to_geojson",
    "unique_quartier_slug",
    "update_quartier",
]
