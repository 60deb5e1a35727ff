"""The print model: plain data for the print templates (fiches in chapters, indexes, the quartier map), built
from the entries an edition or a selection prints, with French typography already applied."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy.orm import Session, object_session

from .. import hours
from ..formatting import display_url, format_phone, french_spaces, unbreakable_times
from ..models import Edition, FicheVersion, Quartier, utcnow
from ..services import public_labels
from ..services.qrcode import qr_img
from ..text import fold
from ..vocabulary import LANGUES, labels
from .agenda import PrintEvent, print_events
from .helplines import helpline_data, helplines
from .selection import Entry, edition_quartiers, entries_for

ProgressCallback = Callable[[int, str], None]
UNLOCATED = "Sans quartier précisé"


def no_progress(percent: int, message: str) -> None:
    return None


def hours_text(value: str) -> str:
    """Opening hours in plain French, cached per day (an edition describes the same strings many times,
    and « prochaines permanences » change with the date); a time is never cut at the end of a line
    (« 13 h 30 » keeps its non-breaking spaces)."""
    return _hours_text(value, hours.today())


@functools.lru_cache(maxsize=2048)
def _hours_text(value: str, day: object) -> str:
    return unbreakable_times(hours.describe_safe(value))


@dataclass
class PrintLieu:
    nom: str
    adresse: str
    quartier: str
    quartier_id: int | None
    latitude: float | None
    longitude: float | None
    accessibility: list[str] = field(default_factory=list)  # features the lieu offers


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
class ChapterPiece:
    """A chapter, or a piece of a long one, laid out in one go (the next piece starts on a new page)."""

    chapter: Chapter
    fiches: list[PrintFiche]
    continued: bool = False


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
    agenda: list[PrintEvent] = field(default_factory=list)  # the optional « Agenda » section (.agenda)

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


def _plain_labels(version: FicheVersion) -> public_labels.PublicLabels:
    """The public labels in plain words, with the coordination's French wording (issue 12)."""
    return public_labels.load(object_session(version))


def print_fiche(entry: Entry, number: int, site_url: str) -> PrintFiche:
    version = entry.version
    organisation = entry.snapshot.get("organisation", {})
    plain = _plain_labels(version)
    publics = ", ".join(plain.publics(version.publics)) or "Publics non précisés"
    if ages := _ages(version):
        publics += f" ({ages})"
    if version.publics_precisions:
        publics += f". {version.publics_precisions}"
    conditions = ", ".join(plain.conditions(version.conditions_acces))
    if version.conditions_precisions:
        conditions = (
            f"{conditions}. {version.conditions_precisions}" if conditions else version.conditions_precisions
        )
    fees = plain.frais(version.frais)
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
                # editions frozen before it was recorded print none (a reprint stays the same)
                accessibility=list(lieu.get("accessibilite") or []),
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
        website=display_url(version.site_web or organisation.get("site_web", "")),
        url=url,
        short_url=display_url(url),
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


def build_document(
    db: Session,
    edition: Edition,
    site_url: str,
    progress: ProgressCallback = no_progress,
    *,
    start: int = 5,
    end: int = 25,
) -> PrintDocument:
    """The print model of an edition (its frozen versions once frozen, the live selection before)."""
    entries = entries_for(db, edition)
    snapshot = edition.snapshot or {}
    lines = snapshot.get("helplines") if edition.frozen else None
    if lines is None:
        lines = helpline_data(helplines(db))
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
    document.agenda = print_events(db, edition, site_url)
    progress(end - 2, "Dessin de la carte des quartiers")
    document.map_svg = edition_map(edition_quartiers(db, edition), fiches, edition.page_format)
    progress(end, "Fiches prêtes")
    return document


def edition_map(quartiers: Sequence[Quartier], fiches: Sequence[PrintFiche], page_format: str) -> Markup:
    """The quartier map with one numbered marker per fiche and lieu (the numbers of the fiches)."""
    from ..services.mapsvg import MapMarker, render_map

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
