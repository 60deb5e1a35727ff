"""The agenda in the API: published events not over, filters, cursor paging, one event, French errors."""

from __future__ import annotations

import datetime as dt

from guide.models import State

from .agenda_helpers import local_start, make_event, tomorrow


def test_list_and_one_event(testapp, world, db):
    day = tomorrow()
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[day.weekday()]
    series = make_event(
        db,
        world.orgs["a"],
        "Atelier hebdomadaire",
        local_start(day, 14),
        rrule=f"FREQ=WEEKLY;COUNT=4;BYDAY={weekday}",
        thematiques=("acces-aux-droits",),
        lieu=world.lieux["a"],
        fiche=world.fiches["published_a"],
    )
    paid = make_event(
        db, world.orgs["b"], "Dépistage", local_start(day, 9), thematiques=("sante",), gratuit=False
    )
    draft = make_event(db, world.orgs["b"], "Brouillon", local_start(day, 9), state=State.DRAFT)
    past = make_event(db, world.orgs["b"], "Passé", local_start(day - dt.timedelta(days=3), 9))
    listing = testapp.get("/api/v1/evenements").json
    assert [e["titre"] for e in listing["evenements"]] == ["Atelier hebdomadaire", "Dépistage"]
    assert listing["curseur_suivant"] is None
    item = listing["evenements"][0]
    assert item["recurrence"].startswith("FREQ=WEEKLY")
    assert item["recurrence_texte"].startswith("tous les")
    assert len(item["prochaines_dates"]) == 4
    assert item["prochaines_dates"][0]["debut"] == f"{day.isoformat()}T14:00:00{item['debut'][-6:]}"
    assert item["lieu"]["quartier"] == "Quartier test"
    assert item["fiche"].startswith(f"http://localhost/fiche/{world.fiches['published_a'].id}-")
    assert item["ical"] == f"http://localhost/agenda/rendez-vous/{series.id}.ics"
    assert item["url"].startswith(f"http://localhost/agenda/rendez-vous/{series.id}-")
    only_sante = testapp.get("/api/v1/evenements", params={"thematique": "sante"}).json
    assert [e["id"] for e in only_sante["evenements"]] == [str(paid.id)]
    free = testapp.get("/api/v1/evenements", params={"gratuit": "1"}).json
    assert [e["id"] for e in free["evenements"]] == [str(series.id)]
    by_org = testapp.get("/api/v1/evenements", params={"structure": "alpha"}).json
    assert [e["id"] for e in by_org["evenements"]] == [str(series.id)]
    first = testapp.get("/api/v1/evenements", params={"limit": "1"})
    assert first.json["curseur_suivant"] == str(series.id)
    assert first.headers["Link"].startswith("<http://localhost/api/v1/evenements?")
    second = testapp.get(first.json["suivant"]).json
    assert [e["id"] for e in second["evenements"]] == [str(paid.id)] and second["suivant"] is None
    assert testapp.get(f"/api/v1/evenements/{series.id}").json["titre"] == "Atelier hebdomadaire"
    for hidden in (draft, past):
        assert "erreur" in testapp.get(f"/api/v1/evenements/{hidden.id}", status=404).json
    assert testapp.get("/api/v1/evenements/abc", status=404).json["erreur"]


def test_bad_parameters_are_french_400s(testapp, world):
    for params in (
        {"thematique": "inconnue"},
        {"quartier": "x"},
        {"structure": "x" * 161},
        {"structure": "Alpha"},
        {"gratuit": "oui"},
        {"limit": "0"},
        {"after": "-1"},
        {"q": "atelier"},
    ):
        answer = testapp.get("/api/v1/evenements", params=params, status=400).json
        assert answer["erreur"]
    assert testapp.get("/api/v1/evenements", params={"structure": "personne"}).json["evenements"] == []
    assert testapp.options("/api/v1/evenements", status=204).headers["Access-Control-Allow-Methods"]
