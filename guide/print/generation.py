"""Generating an edition: freeze its fiches (the first time), build its print model, lay it out and store
its PDF in the shared storage (:mod:`guide.storage`, kind ``editions``: every app server serves it),
reporting progress as it goes (the work of the ``guide-worker`` task and of ``guide-edition``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from .. import storage
from ..models import Edition, EditionStatus, utcnow
from ..text import slugify
from .document import ProgressCallback, build_document, no_progress
from .layout import render_pdf
from .selection import freeze


def editions_dir(var_dir: str | Path) -> Path:
    """The folder of the generations' logs (the PDFs themselves are in the shared storage)."""
    path = Path(var_dir) / "editions"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pdf_name(edition: Edition) -> str:
    return f"edition-{edition.id}-{slugify(edition.title, 60)}.pdf"


def generate(
    db: Session,
    edition: Edition,
    *,
    site_url: str,
    progress: ProgressCallback = no_progress,
    var_dir: str | Path | None = None,  # unused since the PDFs are in the shared storage
) -> bytes:
    """Freeze (the first time), lay out and store an edition's PDF in the shared storage; returns the PDF.

    Does not commit: ``progress`` is called with (percent, French message) and the caller decides what to do
    with it (the console script commits each report so that the web page can follow). On success the
    edition is ``terminee`` with its file name, page count and generation time.
    """
    progress(2, "Sélection des fiches")
    if not edition.frozen:
        freeze(db, edition)
    document = build_document(db, edition, site_url, progress, start=5, end=25)
    if not document.fiches:
        raise ValueError("Aucune fiche publiée ne correspond aux choix de cette édition.")
    result = render_pdf(document, progress, start=25, end=98)
    name = pdf_name(edition)
    storage.put(db, storage.EDITIONS, name, result.data, "application/pdf")
    edition.pdf_file = name
    edition.page_count = result.page_count
    edition.generated_at = utcnow()
    edition.status = EditionStatus.DONE
    edition.progress = 100
    edition.message = f"{result.page_count} pages, {len(document.fiches)} fiches."
    if split := result.split_fiches(document.fiches):
        numbers = ", ".join(str(f.number) for f in split[:10])
        edition.message += f" Attention, trop longues pour une page, donc coupées : fiches n° {numbers}."
    edition.updated_at = utcnow()
    progress(100, edition.message)
    return result.data
