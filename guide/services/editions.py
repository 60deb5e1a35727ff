"""The printed guide: the annual edition, one fiche as a PDF, and the agents' selection.

The pipeline of an edition:

1. :func:`select_entries` picks the published fiches (all, or those of some thématiques / quartiers) and
   puts each in exactly one chapter (its first thématique, or the quartier of its first lieu);
2. :func:`freeze` stores the chosen fiche versions as :class:`~guide.models.EditionItem` rows, with a
   snapshot of what versions do not hold (organisation, lieux, quartier names) and of the helplines:
   regenerating the edition later prints the same text whatever changed since;
3. :func:`preflight` lists what would print badly (no hours, no address, not confirmed for a year, a
   summary too long for the layout…);
4. :func:`build_document` turns the entries into a plain print model (:class:`PrintDocument`);
5. :func:`render_html` renders ``templates/print/*.jinja2`` with a Jinja2 environment of its own (the
   core does not import the views), and :func:`render_pdf` lays it out with WeasyPrint, pads a booklet
   to a multiple of 4 pages with « Notes » pages and sets the PDF metadata.

:func:`generate` runs the whole of it for an :class:`~guide.models.Edition`, reporting progress through a
callback; the web app runs it in a separate process (``guide-edition --edition ID``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import hours, normalize
from ..formatting import date_fr, paragraphs, tel_uri, upper_first
from ..models import (
    Edition,
    EditionItem,
    EditionStatus,
    Fiche,
    FicheVersion,
    Helpline,
    Quartier,
    utcnow,
)
from ..text import fold, slugify
from ..vocabulary import CONDITIONS_ACCES, FRAIS, LANGUES, PUBLICS, labels
from .fiches import public_fiches_query
from .qrcode import qr_img

logger = logging.getLogger(__name__)

AUTHOR = "Ville de Clermont-Ferrand"
PUBLISHER = "Ville de Clermont-Ferrand"
STATIC_PRINT = Path(__file__).resolve().parent.parent / "static" / "print"

# Résumés longer than this do not fit the compact fiche of the layout (characters).
SUMMARY_LIMITS = {"A5": 180, "A4": 240}
# A fiche not confirmed by its organisation for longer than this is flagged before printing.
STALE_AFTER = dt.timedelta(days=365)
MAX_SELECTION = 50
OTHER_CHAPTER = {"thematique": "Autres services", "quartier": "Dans toute la ville"}

DEFAULT_HELPLINES: list[dict[str, str]] = [
    {
        "label": "Numéro d'urgence européen",
        "number": "112",
        "description": "Toute urgence, depuis un mobile.",
    },
    {"label": "SAMU", "number": "15", "description": "Urgence médicale."},
    {"label": "Police secours", "number": "17", "description": "Agression, violence, danger immédiat."},
    {"label": "Pompiers", "number": "18", "description": "Incendie, accident, personne en détresse."},
    {
        "label": "Urgences pour les personnes sourdes ou malentendantes",
        "number": "114",
        "description": "Par SMS ou par l'application, 24 h/24.",
    },
    {
        "label": "SAMU social — hébergement d'urgence",
        "number": "115",
        "description": "Sans abri, besoin d'un hébergement pour la nuit. Gratuit, 24 h/24.",
    },
    {
        "label": "Allô enfance en danger",
        "number": "119",
        "description": "Enfant ou adolescent en danger ou en risque de l'être. Gratuit, 24 h/24, anonyme.",
    },
    {
        "label": "Violences Femmes Info",
        "number": "3919",
        "description": "Écoute et orientation des femmes victimes de violences. Gratuit, anonyme, 24 h/24.",
    },
    {
        "label": "Prévention du suicide",
        "number": "3114",
        "description": "Détresse psychique, idées suicidaires, inquiétude pour un proche. Gratuit, 24 h/24.",
    },
]

ProgressCallback = Callable[[int, str], None]


def _no_progress(percent: int, message: str) -> None:
    return None


# --- helplines --------------------------------------------------------------------------------------------


def seed_helplines(db: Session) -> int:
    """Add the default emergency numbers when there is none yet; returns how many were added."""
    if db.scalar(select(Helpline.id).limit(1)) is not None:
        return 0
    for rank, item in enumerate(DEFAULT_HELPLINES, start=1):
        db.add(Helpline(position=rank * 10, **item))
    db.flush()
    return len(DEFAULT_HELPLINES)


def helplines(db: Session) -> list[Helpline]:
    return list(db.scalars(select(Helpline).order_by(Helpline.position, Helpline.id)))


def _helpline_data(rows: Iterable[Helpline]) -> list[dict[str, str]]:
    return [{"label": h.label, "number": h.number, "description": h.description} for h in rows]


# --- choosing the fiches ----------------------------------------------------------------------------------


@dataclass
class Entry:
    """One fiche to print: its version, its chapter and what the version does not hold."""

    fiche_id: int
    version: FicheVersion
    chapter: str
    snapshot: dict[str, Any]
    confirmed_at: dt.date | None = None


def _public_fiches(db: Session, ids: Sequence[int] | None = None) -> list[Fiche]:
    query = public_fiches_query()
    if ids is not None:
        query = query.where(Fiche.id.in_(list(ids)))
    return list(db.scalars(query))


def context_snapshot(fiche: Fiche, version: FicheVersion) -> dict[str, Any]:
    """What a printed fiche shows besides its version: the organisation and the lieux, as they are now."""
    organisation = fiche.organisation
    return {
        "organisation": {
            "nom": organisation.nom,
            "sigle": organisation.sigle,
            "telephone": organisation.telephone,
            "courriel": organisation.courriel,
            "site_web": organisation.site_web,
        },
        "lieux": [
            {
                "nom": lieu.nom,
                "adresse": lieu.one_line_address,
                "quartier": lieu.quartier.nom if lieu.quartier else "",
                "quartier_id": lieu.quartier_id,
                "latitude": lieu.latitude,
                "longitude": lieu.longitude,
            }
            for lieu in version.lieux
        ],
    }


def _filters(filters: dict[str, Any] | None) -> tuple[set[str], set[int]]:
    filters = filters or {}
    slugs = {str(s) for s in filters.get("thematiques") or []}
    quartier_ids = set()
    for value in filters.get("quartiers") or []:
        try:
            quartier_ids.add(int(value))
        except (TypeError, ValueError):
            continue
    return slugs, quartier_ids


def select_entries(
    db: Session, grouping: str = "thematique", filters: dict[str, Any] | None = None
) -> list[Entry]:
    """The published fiches to print, each once, in chapter order then alphabetical order.

    With thématiques chosen, a fiche is printed when it has one of them; with quartiers chosen, when one of
    its lieux is in one of them (both: both conditions). Its chapter is its first thématique (or the quartier
    of its first lieu) among the chosen ones; fiches with none go to a last chapter.
    """
    slugs, quartier_ids = _filters(filters)
    chosen: list[tuple[Fiche, FicheVersion]] = []
    for fiche in _public_fiches(db):
        version = fiche.published_version
        assert version is not None
        if slugs and not any(t.slug in slugs for t in version.thematiques):
            continue
        if quartier_ids and not any(lieu.quartier_id in quartier_ids for lieu in version.lieux):
            continue
        chosen.append((fiche, version))

    other = OTHER_CHAPTER.get(grouping, OTHER_CHAPTER["thematique"])
    chapters: dict[str, tuple[Any, ...]] = {}  # chapter title -> sort key
    placed: list[tuple[str, Fiche, FicheVersion]] = []
    for fiche, version in chosen:
        if grouping == "quartier":
            quartiers = [lieu.quartier for lieu in version.lieux if lieu.quartier is not None]
            if quartier_ids:
                quartiers = [q for q in quartiers if q.id in quartier_ids]
            if quartiers:
                title, key = quartiers[0].nom, (0, fold(quartiers[0].nom))
            else:
                title, key = other, (1, "")
        else:
            thematiques = list(version.thematiques)
            if slugs:
                thematiques = [t for t in thematiques if t.slug in slugs]
            if thematiques:
                first = min(thematiques, key=lambda t: (t.position, fold(t.label)))
                title, key = first.label, (0, first.position, fold(first.label))
            else:
                title, key = other, (1,)
        chapters.setdefault(title, key)
        placed.append((title, fiche, version))
    placed.sort(key=lambda item: (chapters[item[0]], fold(item[2].nom), item[1].id))
    return [
        Entry(fiche.id, version, title, context_snapshot(fiche, version), fiche.confirmed_at)
        for title, fiche, version in placed
    ]


def frozen_entries(db: Session, edition: Edition) -> list[Entry]:
    items = db.scalars(
        select(EditionItem)
        .where(EditionItem.edition_id == edition.id)
        .order_by(EditionItem.position)
        .options(
            selectinload(EditionItem.version).selectinload(FicheVersion.thematiques),
            selectinload(EditionItem.fiche),
        )
    ).all()
    return [
        Entry(item.fiche_id, item.version, item.chapter, item.snapshot or {}, item.fiche.confirmed_at)
        for item in items
    ]


def entries_for(db: Session, edition: Edition) -> list[Entry]:
    """What the edition prints: its frozen versions once generated, the live selection before."""
    if edition.frozen:
        return frozen_entries(db, edition)
    return select_entries(db, edition.grouping, edition.filters)


def freeze(db: Session, edition: Edition, today: dt.date | None = None) -> int:
    """Store the fiche versions the edition prints (and the helplines); returns the number of fiches."""
    entries = select_entries(db, edition.grouping, edition.filters)
    edition.items.clear()
    db.flush()
    for position, entry in enumerate(entries, start=1):
        edition.items.append(
            EditionItem(
                fiche_id=entry.fiche_id,
                version_id=entry.version.id,
                chapter=entry.chapter,
                position=position,
                snapshot=entry.snapshot,
            )
        )
    edition.snapshot = {"helplines": _helpline_data(helplines(db))}
    edition.data_date = today or hours.today()
    db.flush()
    return len(entries)


# --- check list before printing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    fiche_id: int
    title: str
    organisation: str
    kind: str
    message: str


PROBLEM_LABELS = {
    "horaires": "Sans horaires",
    "horaires_illisibles": "Horaires difficiles à imprimer",
    "adresse": "Sans adresse",
    "contact": "Sans moyen de contact",
    "ancienne": "Non confirmée depuis plus de 12 mois",
    "resume": "Résumé trop long",
}


_CLOCK = re.compile(r"(\d) h( \d\d)?")


@functools.lru_cache(maxsize=2048)
def hours_text(value: str) -> str:
    """Opening hours in plain French, cached (an edition describes the same strings many times); a time
    is never cut at the end of a line (« 13 h 30 » keeps its non-breaking spaces)."""
    text = hours.describe_safe(value)
    return _CLOCK.sub(
        lambda m: f"{m.group(1)}\u00a0h" + (f"\u00a0{m.group(2)[1:]}" if m.group(2) else ""), text
    )


def _hours_problem(value: str) -> str | None:
    if not value.strip():
        return None
    try:
        text = hours.describe(value)
    except ValueError:
        return "Les horaires ne sont pas compris : la chaîne brute serait imprimée."
    if text.startswith("semaine du"):
        return "Horaires trop particuliers : seule la semaine en cours pourrait être décrite."
    return None


def preflight(db: Session, edition: Edition, today: dt.date | None = None) -> list[Problem]:
    """What would print badly, fiche by fiche, in the order of the edition."""
    today = today or hours.today()
    limit = SUMMARY_LIMITS.get(edition.page_format, SUMMARY_LIMITS["A5"])
    problems: list[Problem] = []
    for entry in entries_for(db, edition):
        version = entry.version
        organisation = entry.snapshot.get("organisation", {})

        def add(kind: str, message: str, entry: Entry = entry, organisation: dict = organisation) -> None:
            problems.append(
                Problem(entry.fiche_id, entry.version.nom, organisation.get("nom", ""), kind, message)
            )

        if not version.horaires.strip() and not version.horaires_precisions.strip():
            add("horaires", "Aucun horaire : la fiche imprimée dira « Horaires non renseignés ».")
        elif message := _hours_problem(version.horaires):
            add("horaires_illisibles", message)
        lieux = entry.snapshot.get("lieux", [])
        if not any((lieu.get("adresse") or "").strip() for lieu in lieux):
            add("adresse", "Aucune adresse : la fiche n'aura ni lieu ni point sur la carte.")
        if not (
            version.telephone
            or version.courriel
            or version.site_web
            or organisation.get("telephone")
            or organisation.get("courriel")
        ):
            add("contact", "Ni téléphone, ni courriel, ni site web.")
        if entry.confirmed_at is None or today - entry.confirmed_at > STALE_AFTER:
            when = format_date(entry.confirmed_at, "d MMMM y", locale="fr_FR") if entry.confirmed_at else None
            add(
                "ancienne",
                f"Dernière confirmation le {when}." if when else "Jamais confirmée par la structure.",
            )
        if len(version.resume) > limit:
            add(
                "resume",
                f"Résumé de {len(version.resume)} caractères : au-delà de {limit} il déborde de la fiche "
                f"compacte au format {edition.page_format}.",
            )
    return problems


# --- the print model --------------------------------------------------------------------------------------


@dataclass
class PrintLieu:
    nom: str
    adresse: str
    quartier: str
    quartier_id: int | None
    latitude: float | None
    longitude: float | None


@dataclass
class PrintFiche:
    fiche_id: int
    number: int
    anchor: str
    title: str
    chapter: str
    organisation: str
    resume: str
    description: str
    lieux: list[PrintLieu]
    hours: str
    hours_details: str
    closures: list[dict[str, str]]
    publics: str
    conditions: str
    fees: str
    languages: str
    contact_name: str
    phone: str
    email: str
    website: str
    url: str
    short_url: str
    qr: Markup

    @property
    def quartiers(self) -> list[str]:
        return list(dict.fromkeys(lieu.quartier for lieu in self.lieux if lieu.quartier))


@dataclass
class Chapter:
    title: str
    anchor: str
    fiches: list[PrintFiche] = field(default_factory=list)


@dataclass
class IndexGroup:
    title: str
    fiches: list[PrintFiche]


@dataclass
class PrintDocument:
    title: str
    year: int
    page_format: str
    grouping: str
    chapters: list[Chapter]
    helplines: list[dict[str, str]]
    data_date: dt.date
    site_url: str
    map_svg: Markup = field(default_factory=Markup)
    organisations: list[IndexGroup] = field(default_factory=list)
    quartiers: list[IndexGroup] = field(default_factory=list)
    created: dt.datetime = field(default_factory=utcnow)

    @property
    def fiches(self) -> list[PrintFiche]:
        return [fiche for chapter in self.chapters for fiche in chapter.fiches]

    @property
    def booklet(self) -> bool:
        return self.page_format == "A5"

    @property
    def pieces(self) -> list[ChapterPiece]:
        """Every chapter whole (the preview renders the document in one piece)."""
        return [ChapterPiece(chapter, chapter.fiches) for chapter in self.chapters]


def format_phone(value: str) -> str:
    if not value:
        return ""
    try:
        return normalize.phone(value)
    except normalize.NormalizeError:
        return value


_BEFORE_PUNCTUATION = re.compile(r"[ \t]+([:;!?%»])")
_AFTER_QUOTE = re.compile(r"«[ \t]+")


def french_spaces(text: str) -> str:
    """French typography: a non-breaking space before « : ; ! ? % » » and after « « », so that a line
    never starts with them."""
    if not text:
        return text
    return _AFTER_QUOTE.sub("«\u00a0", _BEFORE_PUNCTUATION.sub("\u00a0\\1", text))


def _display_url(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


def fiche_url(site_url: str, fiche_id: int) -> str:
    """The short public address of a fiche (the site redirects it to the canonical one)."""
    return f"{site_url.rstrip('/')}/fiche/{fiche_id}"


def _ages(version: FicheVersion) -> str:
    if version.age_min is not None and version.age_max is not None:
        return f"de {version.age_min} à {version.age_max} ans"
    if version.age_min is not None:
        return f"à partir de {version.age_min} ans"
    if version.age_max is not None:
        return f"jusqu'à {version.age_max} ans"
    return ""


def print_fiche(entry: Entry, number: int, site_url: str) -> PrintFiche:
    version = entry.version
    organisation = entry.snapshot.get("organisation", {})
    publics = ", ".join(labels(PUBLICS, version.publics)) or "Tous publics"
    if ages := _ages(version):
        publics += f" ({ages})"
    if version.publics_precisions:
        publics += f". {version.publics_precisions}"
    conditions = ", ".join(labels(CONDITIONS_ACCES, version.conditions_acces))
    if version.conditions_precisions:
        conditions = (
            f"{conditions}. {version.conditions_precisions}" if conditions else version.conditions_precisions
        )
    fees = FRAIS.get(version.frais or "", version.frais or "")
    if version.frais_precisions:
        fees = f"{fees} — {version.frais_precisions}" if fees else version.frais_precisions
    url = fiche_url(site_url, entry.fiche_id)
    return PrintFiche(
        fiche_id=entry.fiche_id,
        number=number,
        anchor=f"fiche-{entry.fiche_id}",
        title=french_spaces(version.nom),
        chapter=entry.chapter,
        organisation=organisation.get("nom", ""),
        resume=french_spaces(version.resume),
        description=french_spaces(version.description),
        lieux=[
            PrintLieu(
                nom=lieu.get("nom", ""),
                adresse=lieu.get("adresse", ""),
                quartier=lieu.get("quartier", ""),
                quartier_id=lieu.get("quartier_id"),
                latitude=lieu.get("latitude"),
                longitude=lieu.get("longitude"),
            )
            for lieu in entry.snapshot.get("lieux", [])
        ],
        hours=hours_text(version.horaires) if version.horaires else "",
        hours_details=french_spaces(version.horaires_precisions),
        closures=list(version.fermetures or []),
        publics=french_spaces(publics),
        conditions=french_spaces(conditions),
        fees=french_spaces(fees),
        languages=", ".join(labels(LANGUES, [code for code in version.langues if code != "fr"])),
        contact_name=version.contact_nom,
        phone=format_phone(version.telephone or organisation.get("telephone", "")),
        email=version.courriel or organisation.get("courriel", ""),
        website=_display_url(version.site_web or organisation.get("site_web", "")),
        url=url,
        short_url=_display_url(url),
        qr=qr_img(url, label=f"Code QR de la fiche en ligne : {url}"),
    )


def _index_groups(
    fiches: Iterable[PrintFiche], key: Callable[[PrintFiche], Iterable[str]]
) -> list[IndexGroup]:
    groups: dict[str, list[PrintFiche]] = {}
    for fiche in fiches:
        for name in key(fiche):
            groups.setdefault(name, []).append(fiche)
    return [
        IndexGroup(name, sorted(items, key=lambda f: (fold(f.title), f.number)))
        for name, items in sorted(groups.items(), key=lambda item: fold(item[0]))
    ]


UNLOCATED = "Sans quartier précisé"


def build_document(
    db: Session,
    edition: Edition,
    site_url: str,
    progress: ProgressCallback = _no_progress,
    *,
    start: int = 5,
    end: int = 25,
) -> PrintDocument:
    """The print model of an edition (its frozen versions once frozen, the live selection before)."""
    entries = entries_for(db, edition)
    snapshot = edition.snapshot or {}
    lines = snapshot.get("helplines") if edition.frozen else None
    if lines is None:
        lines = _helpline_data(helplines(db))
    document = PrintDocument(
        title=edition.title,
        year=edition.year,
        page_format=edition.page_format,
        grouping=edition.grouping,
        chapters=[],
        helplines=lines,
        data_date=edition.data_date or hours.today(),
        site_url=site_url,
    )
    by_title: dict[str, Chapter] = {}
    total = max(1, len(entries))
    for number, entry in enumerate(entries, start=1):
        chapter = by_title.get(entry.chapter)
        if chapter is None:
            chapter = by_title[entry.chapter] = Chapter(entry.chapter, f"chapitre-{len(by_title) + 1}")
            document.chapters.append(chapter)
        chapter.fiches.append(print_fiche(entry, number, site_url))
        if number % 25 == 0:
            progress(
                start + (end - start - 3) * number // total, f"Préparation des fiches ({number}/{total})"
            )
    fiches = document.fiches
    document.organisations = _index_groups(fiches, lambda f: [f.organisation or "Structure non précisée"])
    document.quartiers = _index_groups(fiches, lambda f: f.quartiers or [UNLOCATED])
    progress(end - 2, "Dessin de la carte des quartiers")
    document.map_svg = edition_map(db, fiches, edition.page_format)
    progress(end, "Fiches prêtes")
    return document


def edition_map(db: Session, fiches: Sequence[PrintFiche], page_format: str) -> Markup:
    """The quartier map with one numbered marker per fiche and lieu (the numbers of the fiches)."""
    from .mapsvg import MapMarker, render_map

    quartiers = list(db.scalars(select(Quartier).order_by(Quartier.nom)))
    counts: dict[int, int] = {}
    markers = []
    for fiche in fiches:
        for quartier_id in {lieu.quartier_id for lieu in fiche.lieux if lieu.quartier_id is not None}:
            counts[quartier_id] = counts.get(quartier_id, 0) + 1
        for lieu in fiche.lieux:
            if lieu.latitude is not None and lieu.longitude is not None:
                markers.append(MapMarker(lieu.latitude, lieu.longitude, fiche.title, number=fiche.number))
    width = 480 if page_format == "A5" else 680
    return render_map(
        quartiers,
        markers,
        counts=counts,
        numbered=True,
        width=width,
        font_size=9.5 if page_format == "A5" else 11,
        title="Carte des quartiers",
        id_prefix="carte-edition",
    )


# --- HTML -------------------------------------------------------------------------------------------------


def environment() -> jinja2.Environment:
    """The Jinja2 environment of the print templates (``templates/print/``)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("templates", "print"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        date_fr=date_fr,
        phone=format_phone,
        tel_uri=tel_uri,
        hours_fr=hours_text,
        paragraphs=paragraphs,
        upper_first=upper_first,
    )
    env.globals.update(AUTHOR=AUTHOR, PUBLISHER=PUBLISHER)
    return env


def stylesheet_files(*names: str) -> list[str]:
    return [(STATIC_PRINT / name).as_uri() for name in names]


def render_html(template: str, stylesheets: Sequence[str], screen: bool = False, **context: Any) -> str:
    """Render a print template. ``stylesheets`` are URLs (file: URIs for WeasyPrint, static paths for a
    browser); ``screen`` adds what a browser needs around the sheets (tool bar, sheet shadows)."""
    return (
        environment().get_template(template).render(stylesheets=list(stylesheets), screen=screen, **context)
    )


def render_edition_html(document: PrintDocument, stylesheets: Sequence[str] | None = None, **kw: Any) -> str:
    return render_html(
        "edition.jinja2",
        stylesheets if stylesheets is not None else stylesheet_files("edition.css"),
        doc=document,
        **kw,
    )


# --- PDF --------------------------------------------------------------------------------------------------

# The chapters are laid out in parts of at most this many fiches: WeasyPrint's memory grows with the size of
# the document it lays out, not with the pages already laid out, and page numbers known in advance spare it
# the repagination that target-counter() would need for the table of contents and the indexes.
PART_FICHES = 80


@dataclass
class ChapterPiece:
    chapter: Chapter
    fiches: list[PrintFiche]
    continued: bool = False


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
def _font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _html(html: str) -> Any:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(STATIC_PRINT) + "/")


def _render(html: str) -> Any:
    return _html(html).render(font_config=_font_config(), optimize_images=True)


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
    progress: ProgressCallback = _no_progress,
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
    for names in (["map"], ["indexes"]):
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
        *(chapter.anchor for chapter in document.chapters),
    ]


# --- generating an edition --------------------------------------------------------------------------------


def editions_dir(var_dir: str | Path) -> Path:
    path = Path(var_dir) / "editions"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pdf_name(edition: Edition) -> str:
    return f"edition-{edition.id}-{slugify(edition.title, 60)}.pdf"


def generate(
    db: Session,
    edition: Edition,
    *,
    var_dir: str | Path,
    site_url: str,
    progress: ProgressCallback = _no_progress,
) -> Path:
    """Freeze (the first time), lay out and store an edition's PDF under ``<var_dir>/editions/``.

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
    directory = editions_dir(var_dir)
    name = pdf_name(edition)
    temporary = directory / f".{name}.{os.getpid()}.tmp"
    temporary.write_bytes(result.data)
    temporary.replace(directory / name)
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
    return directory / name


# --- print on demand --------------------------------------------------------------------------------------


def live_entries(db: Session, fiche_ids: Sequence[int]) -> list[Entry]:
    """Published fiches by id, in the given order (the others are left out)."""
    found = {fiche.id: fiche for fiche in _public_fiches(db, fiche_ids)}
    entries = []
    for fiche_id in fiche_ids:
        fiche = found.get(fiche_id)
        if fiche is None or fiche.published_version is None:
            continue
        entries.append(
            Entry(
                fiche.id,
                fiche.published_version,
                "",
                context_snapshot(fiche, fiche.published_version),
                fiche.confirmed_at,
            )
        )
    return entries


def _locator(db: Session, version: FicheVersion, fiche_id: int) -> Markup:
    """The small map of where the fiche's lieux are (empty when none has coordinates)."""
    from .mapsvg import render_locator

    if not any(lieu.latitude is not None and lieu.longitude is not None for lieu in version.lieux):
        return Markup("")
    quartiers = list(db.scalars(select(Quartier)))
    return render_locator(version.lieux, quartiers, width=300, height=200, id_prefix=f"situation-{fiche_id}")


def render_fiche_html(
    db: Session,
    fiche_id: int,
    site_url: str,
    stylesheets: Sequence[str] | None = None,
    *,
    level: int = 0,
    **kw: Any,
) -> str | None:
    """The one-page print of a published fiche (None when it is not public). ``level`` 1 and 2 make it
    more compact when it does not fit on one page (smaller type, then a shortened description)."""
    entries = live_entries(db, [fiche_id])
    if not entries:
        return None
    fiche = print_fiche(entries[0], 1, site_url)
    if level >= 2 and len(fiche.description) > 900:
        fiche.description = fiche.description[:900].rsplit(" ", 1)[0] + " […] (suite sur la fiche en ligne)"
    return render_html(
        "fiche.jinja2",
        stylesheets if stylesheets is not None else stylesheet_files("fiche.css"),
        fiche=fiche,
        locator=_locator(db, entries[0].version, fiche_id),
        printed=hours.today(),
        created=utcnow(),
        level=level,
        **kw,
    )


def fiche_print_levels(db: Session, fiche_id: int, site_url: str) -> list[str] | None:
    """The HTML of a fiche's one-page print at each level of compactness, most readable first, without
    repeats (None when the fiche is not public): what the PDF worker, which has no database, lays out."""
    entries = live_entries(db, [fiche_id])
    if not entries:
        return None
    fiche = print_fiche(entries[0], 1, site_url)
    context = {
        "locator": _locator(db, entries[0].version, fiche_id),
        "printed": hours.today(),
        "created": utcnow(),
    }
    pages: list[str] = []
    for level in range(3):
        if level == 2 and len(fiche.description) > 900:
            fiche = dataclasses.replace(
                fiche,
                description=fiche.description[:900].rsplit(" ", 1)[0] + " […] (suite sur la fiche en ligne)",
            )
        html = render_html("fiche.jinja2", stylesheet_files("fiche.css"), fiche=fiche, level=level, **context)
        if not pages or html != pages[-1]:
            pages.append(html)
    return pages


def render_fiche_pdf(db: Session, fiche_id: int, site_url: str) -> bytes | None:
    """A published fiche on one A4 page (None when the fiche is not public), laid out here: the site hands
    this work to its PDF worker (:mod:`.pdfworker`)."""
    from .pdfworker import Job, layout

    pages = fiche_print_levels(db, fiche_id, site_url)
    return None if pages is None else layout(Job(tuple(pages), one_page=True))


def render_selection_html(
    db: Session,
    fiche_ids: Sequence[int],
    site_url: str,
    *,
    large: bool = False,
    stylesheets: Sequence[str] | None = None,
    **kw: Any,
) -> str:
    """The agents' selection, to hand to the person at the desk; ``large``: the large-print version
    (FALC-friendly: big type, short lines, no hyphenation, pictograms for phone, address and hours)."""
    fiches = [
        print_fiche(entry, number, site_url)
        for number, entry in enumerate(live_entries(db, fiche_ids), start=1)
    ]
    css = "selection-large.css" if large else "selection.css"
    return render_html(
        "selection.jinja2",
        stylesheets if stylesheets is not None else stylesheet_files(css),
        fiches=fiches,
        large=large,
        printed=hours.today(),
        created=utcnow(),
        helplines=_helpline_data(helplines(db))[:4] if not large else [],
        **kw,
    )


def render_selection_pdf(
    db: Session, fiche_ids: Sequence[int], site_url: str, *, large: bool = False
) -> bytes:
    """The selection as a PDF, laid out here (the site hands this work to :mod:`.pdfworker`)."""
    from .pdfworker import Job, layout

    return layout(Job((render_selection_html(db, fiche_ids, site_url, large=large),)))
