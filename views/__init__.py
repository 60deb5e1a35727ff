"""Pyramid views: the public guide, the partner space, coordination and administration."""

from __future__ import annotations

from typing import Any

import guide.print
from guide.services import public_labels
from templates import print_loader

from .partner_pro import pro_blocks
from .resources import fiche_factory, lieu_factory, organisation_factory
from .selection import selection_ids


def add_routes(config: Any) -> None:
    """Every route of the site, in matching order (the views are found by ``config.scan``)."""
    # public guide
    config.add_route("home", "/")
    config.add_route("fiche", "/fiche/{ref}", factory=fiche_factory)
    config.add_route("fiche_report", "/fiche/{ref}/signaler", factory=fiche_factory)
    config.add_route("organisation", "/structure/{slug}")
    config.add_route("quartier", "/quartier/{slug}")
    # the public agenda (views/agenda_public.py) and its iCalendar feeds (views/agenda_feeds.py): feeds first
    config.add_route("agenda_feed", "/agenda.ics")
    config.add_route("agenda", "/agenda")
    config.add_route("agenda_event_ics", r"/agenda/rendez-vous/{id:\d+}.ics")
    config.add_route("agenda_event", "/agenda/rendez-vous/{ref}")
    config.add_route("agenda_thematique_feed", "/agenda/thematique/{slug}.ics")
    config.add_route("agenda_thematique", "/agenda/thematique/{slug}")
    config.add_route("agenda_quartier_feed", "/agenda/quartier/{slug}.ics")
    config.add_route("agenda_quartier", "/agenda/quartier/{slug}")
    config.add_route("agenda_organisation_feed", "/agenda/structure/{slug}.ics")
    config.add_route("agenda_organisation", "/agenda/structure/{slug}")
    config.add_route("api_events", "/api/v1/evenements")  # the agenda in the API (views/api_agenda.py)
    config.add_route("api_event", "/api/v1/evenements/{id}")
    config.add_route("map_geojson", "/carte.geojson")
    config.add_route("search", "/recherche")
    config.add_route("api_search", "/api/v1/search")
    config.add_route("manifest", "/manifest.webmanifest")
    # offline and accessibility (views/offline.py): the service worker at the root, so its scope is the site
    config.add_route("service_worker", "/sw.js")
    config.add_route("offline", "/hors-connexion")
    config.add_route("accessibility", "/accessibilite")
    config.add_route("api_fiche", "/api/v1/fiches/{id}")
    # open data, the documented API and the partners' widget (views/opendata.py, api.py, widget.py)
    config.add_route("api_fiches", "/api/v1/fiches")
    config.add_route("api_openapi", "/api/v1/openapi.json")
    config.add_route("api_doc", "/api/v1/")
    config.add_route("opendata", "/opendata")
    config.add_route("opendata_file", "/opendata/{format}/{name}")
    config.add_route("sitemap", "/sitemap.xml")
    config.add_route("robots", "/robots.txt")
    config.add_route("widget", "/widget")
    config.add_route("widget_js", "/widget.js")
    config.add_route("widget_css", "/widget.css")
    config.add_route("health", "/sante")  # monitoring: views/health.py
    # accounts
    config.add_route("login", "/connexion")
    config.add_route("logout", "/deconnexion")
    config.add_route("reset_request", "/mot-de-passe-oublie")
    config.add_route("reset", "/mot-de-passe/{token}")
    config.add_route("invitation", "/invitation/{token}")
    # partner space (views/partner.py, partner_orgs.py, partner_fiches.py, partner_pro.py)
    config.add_route("dashboard", "/espace")
    config.add_route("org_manage", "/espace/structures/{org_id}", factory=organisation_factory)
    config.add_route("org_edit", "/espace/structures/{org_id}/modifier", factory=organisation_factory)
    config.add_route("org_members", "/espace/structures/{org_id}/membres", factory=organisation_factory)
    config.add_route(
        "org_member_remove",
        "/espace/structures/{org_id}/membres/{membership_id}/retirer",
        factory=organisation_factory,
    )
    config.add_route("lieu_add", "/espace/structures/{org_id}/lieux/nouveau", factory=organisation_factory)
    config.add_route("fiche_add", "/espace/structures/{org_id}/fiches/nouvelle", factory=organisation_factory)
    config.add_route("lieu_edit", "/espace/lieux/{lieu_id}/modifier", factory=lieu_factory)
    config.add_route("org_pro_edit", "/espace/structures/{org_id}/infos-pro", factory=organisation_factory)
    config.add_route("lieu_pro_edit", "/espace/lieux/{lieu_id}/infos-pro", factory=lieu_factory)
    config.add_route("fiche_pro_edit", "/espace/fiches/{fiche_id}/infos-pro", factory=fiche_factory)
    config.add_route("org_history", "/espace/structures/{org_id}/historique", factory=organisation_factory)
    config.add_route("lieu_history", "/espace/lieux/{lieu_id}/historique", factory=lieu_factory)
    config.add_route("fiche_manage", "/espace/fiches/{fiche_id}", factory=fiche_factory)
    config.add_route("fiche_edit", "/espace/fiches/{fiche_id}/modifier", factory=fiche_factory)
    config.add_route("fiche_transition", "/espace/fiches/{fiche_id}/etat/{name}", factory=fiche_factory)
    config.add_route("fiche_confirm", "/espace/fiches/{fiche_id}/confirmer", factory=fiche_factory)
    config.add_route("fiche_history", "/espace/fiches/{fiche_id}/historique", factory=fiche_factory)
    config.add_route("fiche_compare", "/espace/fiches/{fiche_id}/comparer", factory=fiche_factory)
    config.add_route("fiche_version", "/espace/fiches/{fiche_id}/versions/{number}", factory=fiche_factory)
    config.add_route(
        "fiche_restore", "/espace/fiches/{fiche_id}/versions/{number}/restaurer", factory=fiche_factory
    )
    # fiche translations (views/translations.py)
    tr = "/espace/fiches/{fiche_id}/traductions"
    config.add_route("fiche_translations", tr, factory=fiche_factory)
    config.add_route("fiche_translation_edit", tr + "/{lang}/modifier", factory=fiche_factory)
    config.add_route("fiche_translation_action", tr + "/{lang}/etat/{action}", factory=fiche_factory)
    config.add_route("fiche_translation", tr + "/{lang}", factory=fiche_factory)
    # coordination
    config.add_route("review_queue", "/coordination")
    config.add_route("directory_change_publish", "/coordination/modifications/{change_id}/publier")
    config.add_route("directory_change_send_back", "/coordination/modifications/{change_id}/renvoyer")
    config.add_route("coord_organisations", "/coordination/structures")
    config.add_route("coord_organisation_add", "/coordination/structures/nouvelle")
    config.add_route(
        "coord_direct", "/coordination/structures/{org_id}/publication-directe", factory=organisation_factory
    )
    config.add_route("coord_invite", "/coordination/inviter")
    config.add_route("coord_reports", "/coordination/signalements")
    config.add_route("coord_quartiers", "/coordination/quartiers")
    config.add_route("coord_quartier_edit", "/coordination/quartiers/{quartier_id}")
    config.add_route("coord_thematiques", "/coordination/thematiques")
    config.add_route("coord_thematique_edit", "/coordination/thematiques/{thematique_id}")
    # update campaigns (views/campaigns.py) and the password-less link they mail (views/confirm.py)
    config.add_route("campaigns", "/coordination/campagnes")
    config.add_route("campaign_new", "/coordination/campagnes/nouvelle")
    config.add_route("campaign", "/coordination/campagnes/{campaign_id}")
    config.add_route("campaign_send", "/coordination/campagnes/{campaign_id}/envoyer")
    config.add_route("campaign_close", "/coordination/campagnes/{campaign_id}/clore")
    config.add_route(
        "campaign_resend", "/coordination/campagnes/{campaign_id}/structures/{recipient_id}/renvoyer"
    )
    config.add_route(
        "campaign_phone", "/coordination/campagnes/{campaign_id}/structures/{recipient_id}/telephone"
    )
    config.add_route("confirm_link", "/mise-a-jour/{token}")
    config.add_route("fiche_period", "/espace/fiches/{fiche_id}/delai", factory=fiche_factory)
    config.add_route("urgent_seen", "/coordination/urgents/{change_id}/vu")
    config.add_route("report_answer", "/espace/signalements/{report_id}")  # views/partner_reports.py
    # the agenda, partner side and its review (views/agenda_partner.py)
    event = "views.agenda_partner.event_factory"
    config.add_route("event_list", "/espace/structures/{org_id}/agenda", factory=organisation_factory)
    config.add_route("event_add", "/espace/structures/{org_id}/agenda/nouveau", factory=organisation_factory)
    config.add_route("event_manage", "/espace/agenda/{event_id}", factory=event)
    config.add_route("event_edit", "/espace/agenda/{event_id}/modifier", factory=event)
    config.add_route("event_transition", "/espace/agenda/{event_id}/etat/{name}", factory=event)
    config.add_route("event_cancel_date", "/espace/agenda/{event_id}/annuler-une-date", factory=event)
    config.add_route("event_review", "/coordination/agenda")
    # administration
    config.add_route("admin_users", "/admin/comptes")
    config.add_route("admin_user", "/admin/comptes/{user_id}")
    # search administration (views/search_admin.py)
    config.add_route("coord_synonyms", "/coordination/synonymes")
    config.add_route("coord_synonym_edit", "/coordination/synonymes/{synonym_id}")
    config.add_route("coord_synonym_delete", "/coordination/synonymes/{synonym_id}/supprimer")
    config.add_route("coord_misses", "/coordination/recherches-sans-resultat")
    # print: annual edition (views/editions.py), helplines (views/helplines.py), fiche PDFs and the agents'
    # selection (views/selection.py)
    config.add_route("editions", "/coordination/editions")
    config.add_route("edition_new", "/coordination/editions/nouvelle")
    config.add_route("edition", "/coordination/editions/{edition_id}")
    config.add_route("edition_edit", "/coordination/editions/{edition_id}/modifier")
    config.add_route("edition_preview", "/coordination/editions/{edition_id}/apercu")
    config.add_route("edition_check", "/coordination/editions/{edition_id}/verification")
    config.add_route("edition_generate", "/coordination/editions/{edition_id}/generer")
    config.add_route("edition_regenerate", "/coordination/editions/{edition_id}/regenerer")
    config.add_route("edition_generation", "/coordination/editions/{edition_id}/generation")
    config.add_route("edition_progress", "/coordination/editions/{edition_id}/progression")
    config.add_route("edition_pdf", "/coordination/editions/{edition_id}/pdf")
    config.add_route("helplines", "/coordination/numeros-utiles")
    config.add_route("helpline_edit", "/coordination/numeros-utiles/{helpline_id}")
    config.add_route("helpline_delete", "/coordination/numeros-utiles/{helpline_id}/supprimer")
    config.add_route("fiche_pdf", "/fiche/{ref}/pdf", factory=fiche_factory)
    config.add_route("selection", "/selection")
    config.add_route("selection_add", "/selection/ajouter")
    config.add_route("selection_remove", "/selection/retirer")
    config.add_route("selection_clear", "/selection/vider")
    config.add_route("selection_print", "/selection/imprimer")
    config.add_route("selection_pdf", "/selection.pdf")
    config.add_route("selection_move", "/selection/deplacer")
    config.add_route("selection_note", "/selection/note")
    config.add_route("selection_share", "/selection/partager")
    config.add_route("selection_shared_pdf", "/s/{token}.pdf")  # the short link's read-only copy
    config.add_route("selection_shared", "/s/{token}")
    # quality and indicators (views/quality.py)
    config.add_route("quality_state", "/coordination/etat-du-guide")
    config.add_route("quality_groups_csv", "/coordination/etat-du-guide/delais/{by}.csv")
    config.add_route("quality_list_csv", "/coordination/etat-du-guide/{list}.csv")
    config.add_route("quality_list", "/coordination/etat-du-guide/{list}")
    config.add_route("indicators", "/coordination/indicateurs")
    config.add_route("indicators_csv", "/coordination/indicateurs/{table}.csv")
    config.add_route("public_freshness", "/fraicheur-du-guide")
    config.add_route("usage_beacon", "/mesure/clic")
    # référents par thématique and the « Réseau » page (views/network.py)
    config.add_route("network", "/reseau")
    config.add_route("network_card", "/reseau/mes-coordonnees")
    config.add_route("coord_referents", "/coordination/referents")
    config.add_route("coord_referent_remove", "/coordination/referents/{referent_id}/retirer")
    # the professionals' directory, members only (views/professionals.py)
    config.add_route("pro_directory", "/espace/annuaire")
    config.add_route("pro_directory_card", "/espace/annuaire/ma-fiche")
    config.add_route("pro_directory_withdraw", "/espace/annuaire/retirer")
    # public labels in plain words (views/coord_labels.py)
    config.add_route("coord_public_labels", "/coordination/libelles-publics")
    config.add_route("coord_public_label", "/coordination/libelles-publics/{kind}/{code}")
    # « En mots simples »: the fiche form's live readability hint (views/easy_read.py)
    config.add_route("readability", "/espace/lisibilite")


def includeme(config: Any) -> None:
    config.include(".rendering")  # Jinja2 templates, filters and French formats
    guide.print.configure(print_loader())  # the printed guide renders the print templates of templates/
    add_routes(config)  # every route of the site
    config.add_request_method(selection_ids, "selection_ids")  # the agent's selection of fiches to print
    config.add_request_method(pro_blocks, "pro_blocks")  # information for professionals, members only
    config.add_request_method(public_labels.for_request, "public_labels", property=True)  # plain words
    config.include(".quality")  # usage counters for the indicators: in memory, written in batches
    config.include(".agenda_public")  # request.upcoming_events: « Prochains rendez-vous » of a page
    config.include(".easy_read")  # the visitors' « Mots simples » mode (cookie, ?simple=1)
    config.scan(".")
