"""Read-only JSON API, for the site's own scripts, partners and tests. Only published versions."""

from __future__ import annotations

from typing import Any

from pyramid.view import exception_view_config, view_config
from sqlalchemy import select

from guide import hours
from guide.models import Fiche, FicheVersion
from guide.vocabulary import ACCESSIBILITY_FIELDS, LOCAL_PUBLIC_TO_DI

from .public import fiche_url


class APIError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@exception_view_config(APIError, renderer="json")
def api_error(error: APIError, request: Any) -> Any:
    request.response.status = error.status
    return {"erreur": error.message}


def fiche_json(request: Any, fiche: Fiche, version: FicheVersion) -> dict[str, Any]:
    organisation = fiche.organisation
    status = hours.status(version.horaires, version.fermetures)
    quartiers = [lieu.quartier.nom for lieu in version.lieux if lieu.quartier is not None]
    return {
        "id": fiche.stable_id,
        "nom": version.nom,
        "presentation_resume": version.resume,
        "presentation_detail": version.description,
        "type": version.type_service,
        "structure": {
            "id": f"{organisation.source}--{organisation.source_id}"
            if organisation.source
            else str(organisation.id),
            "nom": organisation.nom,
            "siret": organisation.siret,
            "telephone": organisation.telephone,
            "courriel": organisation.courriel,
            "site_web": organisation.site_web,
            "url": request.route_url("organisation", slug=organisation.slug),
        },
        "thematiques": [t.slug for t in version.thematiques],
        "thematiques_data_inclusion": sorted({code for t in version.thematiques for code in t.di_codes}),
        "publics": version.publics,
        "publics_data_inclusion": sorted({LOCAL_PUBLIC_TO_DI.get(p, p) for p in version.publics}),
        "publics_precisions": version.publics_precisions,
        "age_min": version.age_min,
        "age_max": version.age_max,
        "conditions_acces": version.conditions_acces,
        "conditions_precisions": version.conditions_precisions,
        "frais": version.frais,
        "frais_precisions": version.frais_precisions,
        "langues": version.langues,
        "horaires_accueil": version.horaires,
        "horaires_texte": hours.describe_safe(version.horaires),
        "horaires_precisions": version.horaires_precisions,
        "fermetures": version.fermetures,
        "ouvert_maintenant": status.is_open,
        "statut_ouverture": status.label,
        "quartier": quartiers[0] if quartiers else None,
        "lieux": [
            {
                "nom": lieu.nom,
                "adresse": lieu.adresse,
                "complement_adresse": lieu.complement_adresse,
                "code_postal": lieu.code_postal,
                "commune": lieu.commune,
                "code_insee": lieu.code_insee,
                "latitude": lieu.latitude,
                "longitude": lieu.longitude,
                "quartier": lieu.quartier.nom if lieu.quartier else None,
                "accessibilite": {name: getattr(lieu, name).value for name in ACCESSIBILITY_FIELDS},
            }
            for lieu in version.lieux
        ],
        "contact_nom_prenom": version.contact_nom,
        "telephone": version.telephone or organisation.telephone,
        "courriel": version.courriel or organisation.courriel,
        "site_web": version.site_web or organisation.site_web,
        "url": request.route_url("fiche", ref=fiche_url(request, fiche).rsplit("/", 1)[-1]),
        "date_maj": (fiche.published_at.date().isoformat() if fiche.published_at else None),
        "date_confirmation": fiche.confirmed_at.isoformat() if fiche.confirmed_at else None,
    }


@view_config(route_name="api_fiche", renderer="json")
def api_fiche(request: Any) -> Any:
    ref = request.matchdict["id"]
    if len(ref) > 220 or not ref.isprintable():
        raise APIError(400, "Identifiant de fiche invalide.")
    fiche = request.dbsession.scalar(select(Fiche).where(Fiche.uid == ref))
    if fiche is None and ref.isascii() and ref.isdigit() and len(ref) < 12:
        fiche = request.dbsession.get(Fiche, int(ref))
    if fiche is None or not fiche.is_public or fiche.published_version is None:
        raise APIError(404, "Aucune fiche publiée ne porte cet identifiant.")
    return fiche_json(request, fiche, fiche.published_version)
