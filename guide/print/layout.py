"""The layout of printed pages with WeasyPrint: an edition laid out part by part into one PDF (page numbers
known in advance for the contents and the indexes, a booklet padded to a multiple of 4 pages), and the HTML
of a fiche or a selection turned into a PDF."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .document import Chapter, ChapterPiece, PrintDocument, PrintFiche, ProgressCallback, no_progress
from .rendering import STATIC_PRINT, render_edition_html, render_html, stylesheet_files

# The chapters are laid out in parts of at most this many fiches: WeasyPrint's memory grows with the size of
# the document it lays out, not with the pages already laid out, and page numbers known in advance spare it
# the repagination that target-counter() would need for the table of contents and the indexes.
PART_FICHES = 80


def chapter_parts(chapters: Sequence[Chapter], size: int = PART_FICHES) -> list[list[ChapterPiece]]:
    """Chapters grouped into parts of about ``size`` fiches; a longer chapter is cut into pieces (the next
    piece starts on a new page and keeps the chapter's running header)."""
    parts: list[list[ChapterPiece]] = []
    current: list[ChapterPiece] = []
    count = 0
    for chapter in chapters:
        for start in range(0, len(chapter.fiches), size):
            piece = ChapterPiece(chapter, chapter.fiches[start : start + size], continued=start > 0)
            if current and (count + len(piece.fiches) > size or piece.continued):
                parts.append(current)
                current, count = [], 0
            current.append(piece)
            count += len(piece.fiches)
    if current:
        parts.append(current)
    return parts


@functools.cache
def font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def html_document(html: str) -> Any:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(STATIC_PRINT) + "/")


def _render(html: str) -> Any:
    return html_document(html).render(font_config=font_config(), optimize_images=True)


@dataclass
class PdfResult:
    data: bytes
    page_count: int
    page_of: dict[str, int]  # anchor (fiche-12, chapitre-3, carte…) -> page number

    def split_fiches(self, fiches: Iterable[PrintFiche]) -> list[PrintFiche]:
        """Fiches that start and end on different pages (longer than a page: the check list warns)."""
        return [
            f
            for f in fiches
            if self.page_of.get(f.anchor) is not None
            and self.page_of.get(f.anchor) != self.page_of.get(f"{f.anchor}-fin")
        ]


def pad_count(pages: int, multiple: int = 4) -> int:
    """How many blank pages bring ``pages`` to a multiple of ``multiple``."""
    return (-pages) % multiple


def render_pdf(
    document: PrintDocument,
    progress: ProgressCallback = no_progress,
    *,
    start: int = 25,
    end: int = 98,
) -> PdfResult:
    """Lay out an edition with WeasyPrint, part by part, and write one PDF (fonts embedded, metadata set).

    Order: cover, how to use, contents (front) · chapters · map · indexes · [notes] · credits, back cover
    (end). A booklet (A5) gets « Notes » pages before its last two pages so that its page count is a
    multiple of 4. Page numbers are physical (the cover is page 1) and printed from page 2.
    """
    stylesheets = stylesheet_files("edition.css")

    def html(parts: list[str], start_page: int, page_of: dict[str, int], **kw: Any) -> str:
        return render_edition_html(
            document, stylesheets, parts=parts, start_page=start_page, page_of=page_of, **kw
        )

    def collect(rendering: Any, first: int, page_of: dict[str, int]) -> None:
        for index, page in enumerate(rendering.pages):
            for anchor in page.anchors:
                page_of.setdefault(anchor, first + index)

    # Front matter with placeholder numbers: only its page count is needed now.
    placeholder = dict.fromkeys(_front_anchors(document), 888)
    draft = _render(html(["front"], 1, placeholder))
    front_count = len(draft.pages)
    page_of: dict[str, int] = {}
    collect(draft, 1, page_of)
    del draft
    pages: list[Any] = []
    next_page = front_count + 1
    parts = chapter_parts(document.chapters)
    total = max(1, len(document.fiches))
    done = 0
    layout_end = start + (end - start) * 85 // 100
    chapters_end = start + (layout_end - start) * 85 // 100
    for pieces in parts:
        rendering = _render(html(["chapters"], next_page, page_of, pieces=pieces))
        collect(rendering, next_page, page_of)
        pages.extend(rendering.pages)
        next_page += len(rendering.pages)
        done += sum(len(piece.fiches) for piece in pieces)
        progress(
            start + (chapters_end - start) * done // total,
            f"Mise en page des fiches ({done}/{total}, {next_page - 1} pages)",
        )
    progress(chapters_end, "Carte et index")
    for names in ([["agenda"]] if document.agenda else []) + [["map"], ["indexes"]]:
        rendering = _render(html(names, next_page, page_of))
        collect(rendering, next_page, page_of)
        pages.extend(rendering.pages)
        next_page += len(rendering.pages)
    end_rendering = _render(html(["end"], next_page, page_of))
    end_pages = list(end_rendering.pages)
    front = _render(html(["front"], 1, page_of))
    if len(front.pages) != front_count:  # pragma: no cover - placeholders are as wide as real numbers
        raise RuntimeError("le sommaire a changé de longueur entre deux mises en page")
    count = front_count + len(pages) + len(end_pages)
    missing = pad_count(count) if document.booklet else 0
    notes: list[Any] = []
    if missing:
        notes_html = render_html(
            "notes.jinja2", stylesheets, doc=document, count=missing, start_page=next_page
        )
        notes = list(_render(notes_html).pages[:missing])
    all_pages = [*front.pages, *pages, *notes, *end_pages]
    progress(layout_end, f"Écriture du PDF ({len(all_pages)} pages, polices incluses)")
    data = front.copy(all_pages).write_pdf()
    return PdfResult(data, len(all_pages), page_of)


def _front_anchors(document: PrintDocument) -> list[str]:
    return [
        "mode-emploi",
        "sommaire",
        "carte",
        "index-structures",
        "index-quartiers",
        *(["agenda"] if document.agenda else []),
        *(chapter.anchor for chapter in document.chapters),
    ]
