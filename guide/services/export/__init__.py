"""Open data out: the public guide exported as data·inclusion v1, Open Referral HSDS 3.0 or CSV.

* :func:`build` gives the files of one format as ``{name: bytes}``; :func:`write` writes them to a folder
  (``guide-export``); :mod:`.cache` keeps them on disk for the ``/opendata/…`` URLs, built once per day and
  per change of the public guide, never per request.
* Only published content is exported (see :mod:`.snapshot`). Every format carries the licence (the
  ``opendata.licence`` setting, Licence Ouverte 2.0 by default) and the date of the export: in
  ``metadata.json`` for data·inclusion and CSV, in ``datapackage.json`` for HSDS.
* :mod:`.jsonld` gives the schema.org description of a fiche page.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from translationstring import TranslationStringFactory

from . import datainclusion, flat, hsds
from .snapshot import PublicGuide, read_public_guide

_ = TranslationStringFactory("guide")  # the open data page shows the labels in the visitor's language

FORMATS = ("data-inclusion", "hsds", "csv")
FORMAT_LABELS = {
    "data-inclusion": "data·inclusion v1 (structures.json, services.json)",
    "hsds": _("Open Referral HSDS 3.0 (paquet de données tabulaires : datapackage.json et fichiers CSV)"),
    "csv": _("CSV (fiches.csv, une ligne par fiche)"),
}
# Known licences: setting value -> (title, URL). Any other value is written as given, without a URL.
LICENCES = {
    "etalab-2.0": ("Licence Ouverte / Open Licence version 2.0", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
    "odbl-1.0": ("Open Database License (ODbL) 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "cc-by-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "cc0-1.0": ("Creative Commons Zero 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
}  # fmt: skip


def licence(value: str) -> dict[str, str]:
    """The licence of a setting value: ``{"id", "titre", "url"}`` (url "" for an unknown licence)."""
    key = (value or "etalab-2.0").strip()
    title, url = LICENCES.get(key.lower(), (key, ""))
    return {"id": key, "titre": title, "url": url}


def metadata(
    guide: PublicGuide, fmt: str, *, site_name: str, site_url: str, licence_setting: str
) -> dict[str, Any]:
    return {
        "titre": f"{site_name} — données ouvertes",
        "producteur": site_name,
        "url": site_url,
        "format": FORMAT_LABELS[fmt],
        "licence": licence(licence_setting),
        "date": guide.generated_at.astimezone(dt.UTC)
        .replace(microsecond=0)
        .isoformat()
        .replace("+00:00", "Z"),
        "structures": len(guide.organisations),
        "services": len(guide.all_fiches),
    }


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def build_from(
    guide: PublicGuide, fmt: str, *, site_name: str, site_url: str, licence_setting: str = ""
) -> dict[str, bytes]:
    """The files of format ``fmt`` for an already read public guide."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    meta = metadata(guide, fmt, site_name=site_name, site_url=site_url, licence_setting=licence_setting)
    if fmt == "hsds":
        return hsds.package(guide, site_url, meta)
    if fmt == "csv":
        return {"fiches.csv": flat.fiches_csv(guide, site_url), "metadata.json": _json(meta)}
    structures, services = datainclusion.rows(guide, site_url)
    return {
        "structures.json": _json(structures),
        "services.json": _json(services),
        "metadata.json": _json(meta),
    }


def build(
    db: Session, fmt: str, *, site_name: str, site_url: str, licence_setting: str = ""
) -> dict[str, bytes]:
    return build_from(
        read_public_guide(db), fmt, site_name=site_name, site_url=site_url, licence_setting=licence_setting
    )


def write(files: dict[str, bytes], folder: str | Path) -> list[Path]:
    """Write the files of an export into ``folder`` (created if needed); each file replaced atomically."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        target = folder / name
        partial = target.with_name(f".{name}.partial")
        partial.write_bytes(content)
        partial.replace(target)
        written.append(target)
    return written


__all__ = [
    "FORMATS",
    "FORMAT_LABELS",
    "LICENCES",
    "PublicGuide",
    "build",
    "build_from",
    "licence",
    "read_public_guide",
    "write",
]
