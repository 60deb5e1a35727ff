"""Printing on demand: the HTML of one published fiche on one A4 page and of the agents' selection (normal
or large print), for the browser or for the PDF worker (:mod:`.worker`) to lay out."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from .. import hours
from ..models import FicheVersion, Quartier, utcnow
from ..services import public_labels
from ..services.selection import is_sensitive, sensitive_terms
from .document import print_fiche
from .helplines import helpline_data, helplines
from .rendering import render_html, stylesheet_files
from .selection import live_entries


def _locator(db: Session, version: FicheVersion, fiche_id: int) -> Markup:
    """The small map of where the fiche's lieux are (empty when none has coordinates)."""
    from ..services.mapsvg import render_locator

    if not any(lieu.latitude is not None and lieu.longitude is not None for lieu in version.lieux):
        return Markup("")
    quartiers = list(db.scalars(select(Quartier)))
    return render_locator(version.lieux, quartiers, width=300, height=200, id_prefix=f"situation-{fiche_id}")


def fiche_print_levels(
    db: Session,
    fiche_id: int,
    site_url: str,
    *,
    language: Any = None,
    translate: Callable[[str], str] | None = None,
    pluralize: Callable[[str, str, int], str] | None = None,
) -> list[str] | None:
    """The HTML of a fiche's one-page print at each level of compactness, most readable first, without
    repeats (None when the fiche is not public): what the PDF worker, which has no database, lays out.
    ``language``, ``translate``, ``pluralize``: the page's fixed texts in the visitor's language, as the
    selection's (:func:`render_selection_html`); the fiche's own texts stay as written."""
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
        cut = level == 2 and len(fiche.description) > 900
        if cut:
            fiche = dataclasses.replace(fiche, description=fiche.description[:900].rsplit(" ", 1)[0] + " […]")
        html = render_html(
            "fiche.jinja2",
            stylesheet_files("fiche.css"),
            fiche=fiche,
            level=level,
            cut=cut,
            **context,
            **_language_context(language, translate, pluralize),
        )
        if not pages or html != pages[-1]:
            pages.append(html)
    return pages


def render_selection_html(
    db: Session,
    fiche_ids: Sequence[int],
    site_url: str,
    *,
    large: bool = False,
    stylesheets: Sequence[str] | None = None,
    notes: Mapping[str, str] | None = None,
    discreet: bool = False,
    language: Any = None,
    translate: Callable[[str], str] | None = None,
    pluralize: Callable[[str, str, int], str] | None = None,
    **kw: Any,
) -> str:
    """The agents' selection, to hand to the person at the desk; ``large``: the large-print version
    (FALC-friendly: big type, short lines, no hyphenation, pictograms for phone, address and hours).

    ``notes`` (by fiche id, as text) are printed under their fiche. ``discreet``: a sheet a person can take
    home safely — a fiche whose subject is sensitive (violences…, see guide.services.selection) keeps its
    address, hours and phone under a neutral title, without its organisation, lieu name, summary, publics,
    e-mail, website or QR code; the helplines (the 3919…) are left out too.

    ``language`` (a :class:`guide.i18n.Language`), ``translate`` and ``pluralize``: the sheet's fixed texts in
    the resident's language (the fiches' own texts stay as written); French without them."""
    fiches = []
    for number, entry in enumerate(live_entries(db, fiche_ids), start=1):
        fiche = print_fiche(entry, number, site_url)
        if discreet and is_sensitive(entry.version, entry.snapshot.get("organisation", {}).get("nom", "")):
            fiche = dataclasses.replace(
                fiche,
                title=sensitive_terms()["neutral_title"],
                organisation="",
                resume="",
                description="",
                publics="",
                email="",
                website="",
                contact_name="",
                conditions=", ".join(
                    public_labels.load(object_session(entry.version)).conditions(
                        entry.version.conditions_acces
                    )
                ),
                qr=Markup(""),
                short_url="",
                lieux=[dataclasses.replace(lieu, nom="") for lieu in fiche.lieux],
            )
        fiches.append(fiche)
    css = "selection-large.css" if large else "selection.css"
    return render_html(
        "selection.jinja2",
        stylesheets if stylesheets is not None else stylesheet_files(css),
        fiches=fiches,
        large=large,
        discreet=discreet,
        notes={str(k): v for k, v in (notes or {}).items()},
        printed=hours.today(),
        created=utcnow(),
        helplines=helpline_data(helplines(db))[:4] if not (large or discreet) else [],
        **_language_context(language, translate, pluralize),
        **kw,
    )


def _language_context(
    language: Any, translate: Callable[[str], str] | None, pluralize: Callable[[str, str, int], str] | None
) -> dict[str, Any]:
    if language is None or translate is None or pluralize is None:
        return {}
    return {
        "_": translate,
        "ngettext": pluralize,
        "lang_tag": language.tag,
        "lang_dir": language.dir,
        "date_locale": language.locale,
    }
