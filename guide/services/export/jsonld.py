"""schema.org JSON-LD for a fiche page: the service, who provides it, where and when.

A fiche is a ``Service`` (a ``GovernmentService`` provided by a ``GovernmentOrganization`` when its
organisation is a public body: a SIRET starting with 1 or 2, the INSEE's public legal categories) with an
``availableChannel`` per lieu whose ``serviceLocation`` is a ``Place`` with its address, coordinates and
``openingHoursSpecification``: one entry per group of days sharing the same slots, when the hours are a plain
week (:func:`guide.hours.osm_to_grid`), and a closed entry (``opens`` = ``closes`` = 00:00, schema.org's
convention) for each temporary closure not over yet. Hours the grid cannot show are given as text in
``hoursAvailable``'s description instead of being guessed.

The page writes the result with Jinja's ``tojson`` filter, which escapes ``<``, ``>``, ``&`` and ``'`` as
``\\u003c``… so that no value can close the ``<script type="application/ld+json">`` element.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ... import hours
from ...models import Fiche, Lieu
from ...vocabulary import PUBLICS, TYPES_SERVICE

SCHEMA_DAYS = {
    "Mo": "Monday",
    "Tu": "Tuesday",
    "We": "Wednesday",
    "Th": "Thursday",
    "Fr": "Friday",
    "Sa": "Saturday",
    "Su": "Sunday",
}


def is_public_body(siret: str | None) -> bool:
    return bool(siret) and siret[0] in "12"


def opening_hours_specification(
    horaires: str, fermetures: list[dict[str, str]], today: dt.date
) -> list[dict]:
    specs: list[dict[str, Any]] = []
    grid = hours.osm_to_grid(horaires) if horaires else None
    if grid is not None:
        days, _closed_on_holidays = grid
        groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
        for day, slots in days.items():
            if slots:
                groups.setdefault(tuple(slots), []).append(day)
        for slots, group in groups.items():
            for opens, closes in slots:
                specs.append(
                    {
                        "@type": "OpeningHoursSpecification",
                        "dayOfWeek": [f"https://schema.org/{SCHEMA_DAYS[d]}" for d in group],
                        "opens": opens,
                        "closes": "23:59" if closes == "24:00" else closes,
                    }
                )
    for closure in fermetures or []:
        first, last = closure.get("debut", ""), closure.get("fin", "")
        try:
            if dt.date.fromisoformat(last) < today:
                continue
            dt.date.fromisoformat(first)
        except (TypeError, ValueError):
            continue
        specs.append(
            {
                "@type": "OpeningHoursSpecification",
                "opens": "00:00",
                "closes": "00:00",
                "validFrom": first,
                "validThrough": last,
                "description": closure.get("message") or "Fermeture temporaire",
            }
        )
    return specs


def _place(lieu: Lieu, specs: list[dict[str, Any]]) -> dict[str, Any]:
    place: dict[str, Any] = {
        "@type": "Place",
        "name": lieu.nom,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": ", ".join(p for p in (lieu.adresse, lieu.complement_adresse) if p),
            "postalCode": lieu.code_postal,
            "addressLocality": lieu.commune,
            "addressCountry": "FR",
        },
    }
    if lieu.latitude is not None and lieu.longitude is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": lieu.latitude, "longitude": lieu.longitude}
    if specs:
        place["openingHoursSpecification"] = specs
    return place


def fiche_jsonld(fiche: Fiche, *, url: str, organisation_url: str, today: dt.date) -> dict[str, Any]:
    version = fiche.published_version
    organisation = fiche.organisation
    public_body = is_public_body(organisation.siret)
    provider: dict[str, Any] = {
        "@type": "GovernmentOrganization" if public_body else "Organization",
        "name": organisation.nom,
        "url": organisation_url,
    }
    for key, value in (
        ("telephone", organisation.telephone),
        ("email", organisation.courriel),
        ("sameAs", organisation.site_web),
        ("taxID", organisation.siret),
    ):
        if value:
            provider[key] = value
    specs = opening_hours_specification(version.horaires, version.fermetures, today)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentService" if public_body else "Service",
        "@id": url,
        "url": url,
        "name": version.nom,
        "description": version.resume or version.description,
        "provider": provider,
        "availableLanguage": list(version.langues or []),
        "audience": [{"@type": "Audience", "audienceType": PUBLICS.get(p, p)} for p in version.publics or []],
        "availableChannel": [
            {
                "@type": "ServiceChannel",
                "name": lieu.nom,
                "serviceLocation": _place(lieu, specs),
                **({"servicePhone": {"@type": "ContactPoint", "telephone": version.telephone}}
                   if version.telephone else {}),
            }
            for lieu in version.lieux
        ],
    }  # fmt: skip
    if version.type_service:
        data["serviceType"] = TYPES_SERVICE.get(version.type_service, version.type_service)
    if version.frais:
        data["isAccessibleForFree"] = version.frais == "gratuit"
    if version.horaires and hours.osm_to_grid(version.horaires) is None:
        data["hoursAvailable"] = {
            "@type": "OpeningHoursSpecification",
            "description": hours.describe_safe(version.horaires),
        }
    if version.lieux and version.lieux[0].commune:
        data["areaServed"] = {"@type": "City", "name": version.lieux[0].commune}
    return data
