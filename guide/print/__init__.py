"""The printed guide: the annual edition, one fiche on a page, and the agents' selection.

The pipeline of an edition, one module per step:

1. :mod:`.selection` picks the published fiches (all, or those of some thématiques / quartiers), puts each in
   exactly one chapter, and freezes the chosen fiche versions as :class:`~guide.models.EditionItem` rows with
   a snapshot of what versions do not hold (organisation, lieux, the :mod:`.helplines`): regenerating the
   edition later prints the same text whatever changed since;
2. :mod:`.checklist` lists what would print badly (no hours, no address, not confirmed for a year…);
3. :mod:`.document` turns the entries into a plain print model (:class:`PrintDocument`), French typography
   applied (:mod:`guide.formatting`);
4. :mod:`.rendering` renders the print templates with ONE Jinja2 environment, :mod:`.layout` lays the HTML
   out with WeasyPrint;
5. :mod:`.generation` runs the whole of it for an :class:`~guide.models.Edition` (the ``generate_edition``
   task of ``guide-worker``, or ``guide-edition``), its PDF in the shared storage (:mod:`guide.storage`).

Printing on demand (:mod:`.on_demand`) goes through a cache keyed by content in the shared storage
(:mod:`.cache`) and the ``render_pdf`` task of ``guide-worker`` (:mod:`.worker`, ``registry["pdf_service"]``).

Where the templates come from: the core must not know the path of the ``templates`` room. The site's views
call :func:`configure` with ``templates.print_loader()`` at start-up. Console scripts live in ``guide/`` and
cannot import ``templates``; rather than a setting every ini file and spawned process would have to carry,
the project advertises the loader in its own metadata — the entry point ``guide.print_templates`` in
``setup.cfg``, beside ``paste.app_factory`` — and :func:`~.rendering.environment` loads it the first time a
process renders without having been configured (``guide-edition``, tests, benchmarks).
"""

from __future__ import annotations

from .checklist import PROBLEM_LABELS, STALE_AFTER, SUMMARY_LIMITS, Problem, preflight
from .document import (
    Chapter,
    ChapterPiece,
    IndexGroup,
    PrintDocument,
    PrintFiche,
    PrintLieu,
    ProgressCallback,
    build_document,
    edition_map,
    fiche_url,
    hours_text,
    print_fiche,
)
from .generation import editions_dir, generate, pdf_name
from .helplines import DEFAULT_HELPLINES, helpline_data, helplines, seed_helplines
from .layout import PdfResult, chapter_parts, pad_count, render_pdf
from .on_demand import fiche_print_levels, render_selection_html
from .rendering import configure, environment, render_edition_html, render_html, stylesheet_files
from .selection import (
    MAX_SELECTION,
    Entry,
    context_snapshot,
    entries_for,
    freeze,
    frozen_entries,
    live_entries,
    select_entries,
)

__all__ = [
    "DEFAULT_HELPLINES",
    "MAX_SELECTION",
    "PROBLEM_LABELS",
    "STALE_AFTER",
    "SUMMARY_LIMITS",
    "Chapter",
    "ChapterPiece",
    "Entry",
    "IndexGroup",
    "PdfResult",
    "PrintDocument",
    "PrintFiche",
    "PrintLieu",
    "Problem",
    "ProgressCallback",
    "build_document",
    "chapter_parts",
    "configure",
    "context_snapshot",
    "edition_map",
    "editions_dir",
    "entries_for",
    "environment",
    "fiche_print_levels",
    "fiche_url",
    "freeze",
    "frozen_entries",
    "generate",
    "helpline_data",
    "helplines",
    "hours_text",
    "live_entries",
    "pad_count",
    "pdf_name",
    "preflight",
    "print_fiche",
    "render_edition_html",
    "render_html",
    "render_pdf",
    "render_selection_html",
    "seed_helplines",
    "select_entries",
    "stylesheet_files",
]
