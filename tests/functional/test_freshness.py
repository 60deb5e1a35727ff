"""Freshness of published fiches: the per-object answer and the set-based SQL agree."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from guide.models import Fiche, Thematique
from guide.services import freshness as fr
from guide.services.freshness import Freshness

TODAY = dt.date(2027, 2, 16)


def test_add_months_clips_to_the_month_end():
    assert fr.add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert fr.add_months(dt.date(2028, 3, 31), -1) == dt.date(2028, 2, 29)
    assert fr.add_months(dt.date(2026, 11, 15), 14) == dt.date(2028, 1, 15)


def test_a_fiche_confirmed_18_months_ago_is_to_check_and_the_last_month_is_soon():
    assert fr.freshness_for(fr.add_months(TODAY, -18), 12, TODAY) is Freshness.A_VERIFIER
    assert fr.freshness_for(fr.add_months(TODAY, -12), 12, TODAY) is Freshness.A_VERIFIER
    assert fr.freshness_for(fr.add_months(TODAY, -12) + dt.timedelta(days=1), 12, TODAY) is Freshness.BIENTOT
    assert fr.freshness_for(fr.add_months(TODAY, -11), 12, TODAY) is Freshness.BIENTOT
    assert fr.freshness_for(fr.add_months(TODAY, -11) + dt.timedelta(days=1), 12, TODAY) is Freshness.A_JOUR
    assert fr.freshness_for(None, 12, TODAY) is Freshness.A_VERIFIER
    # a one-month period: « bientôt » is its last week only
    assert fr.freshness_for(TODAY, 1, TODAY) is Freshness.A_JOUR
    assert fr.freshness_for(TODAY - dt.timedelta(days=25), 1, TODAY) is Freshness.BIENTOT


def test_period_comes_from_the_fiche_then_its_thematiques_then_the_default(world, db):
    fiche = world.fiches["published_a"]
    assert fr.period_months(fiche) == 12
    them = db.scalar(select(Thematique).where(Thematique.slug == "acces-aux-droits"))
    them.update_period_months = 3
    assert fr.period_months(fiche) == 3
    fiche.update_period_months = 6
    assert fr.period_months(fiche) == 6
    fiche.confirmed_at = fr.add_months(TODAY, -5)
    assert fr.freshness_of(fiche, TODAY) is Freshness.BIENTOT
    assert fr.freshness_of(world.fiches["draft_a"], TODAY) is None
    assert fr.freshness_of(world.fiches["archived_a"], TODAY) is None


def test_sql_agrees_with_python_on_every_day_of_two_years(world, db):
    """For many confirmation dates and periods, the CASE gives exactly freshness_of."""
    them = db.scalar(select(Thematique).where(Thematique.slug == "acces-aux-droits"))
    public = [world.fiches[f"published_{k}"] for k in "abc"]
    cases = [(None, None)] + [
        (TODAY - dt.timedelta(days=d), p) for d in range(0, 800, 7) for p in (None, 1, 3, 12)
    ]
    status = fr.freshness_expression(TODAY)
    for confirmed, period in cases:
        for fiche in public:
            fiche.confirmed_at = confirmed
            fiche.update_period_months = period
        them.update_period_months = 2 if period is None and confirmed and confirmed.day % 2 else None
        db.flush()
        got = dict(db.execute(select(Fiche.id, status).where(Fiche.id.in_([f.id for f in public]))).all())
        for fiche in public:
            assert got[fiche.id] == fr.freshness_of(fiche, TODAY).value, (confirmed, period)


def test_counts_and_stale_query(world, db):
    a, b, c = (world.fiches[f"published_{k}"] for k in "abc")
    a.confirmed_at = fr.add_months(TODAY, -18)
    b.confirmed_at = fr.add_months(TODAY, -11) - dt.timedelta(days=3)
    c.confirmed_at = TODAY
    db.flush()
    total = fr.freshness_counts(db, TODAY)
    assert total.counts == {Freshness.A_VERIFIER: 1, Freshness.BIENTOT: 1, Freshness.A_JOUR: 1}
    assert total.total == 3 and total.share_confirmed == 2 / 3
    by_org = {g.label: g.counts for g in fr.freshness_counts(db, TODAY, by="organisation")}
    assert by_org["Association Alpha"][Freshness.A_VERIFIER] == 1
    assert sum(by_org["Bêta Santé"].values()) == 1
    (quartier,) = fr.freshness_counts(db, TODAY, by="quartier")
    assert quartier.label == "Quartier test" and quartier.total == 3
    (them,) = fr.freshness_counts(db, TODAY, by="thematique")
    assert them.label == "Accès aux droits" and them.total == 3
    assert list(db.scalars(fr.stale_fiches_query(db, TODAY))) == [a]
    assert list(db.scalars(fr.stale_fiches_query(db, TODAY, include_soon=True))) == [a, b]


def test_partner_dashboard_lists_a_fiche_confirmed_18_months_ago_first(testapp, world, login, db):
    from .helpers import visible

    stale = world.fiches["published_a"]
    stale.confirmed_at = fr.add_months(dt.date.today(), -18)
    db.flush()
    login("owner.a@test.fr")
    page = testapp.get("/espace")
    section = page.html.find(id="a-verifier").find_parent("section")
    text = " ".join(section.get_text(" ").split())
    assert "Fiche published a" in text and "À vérifier" in text
    # « À jour » there confirms it
    form = next(f for f in page.forms.values() if f.action.endswith(f"/espace/fiches/{stale.id}/confirmer"))
    form.submit()
    db.refresh(stale)
    assert stale.confirmed_at == dt.date.today()
    assert testapp.get("/espace").html.find(id="a-verifier") is None
    page = testapp.get(f"/espace/fiches/{stale.id}")
    assert "À vérifier tous les 12 mois" in visible(page) and "À jour" in visible(page)


def test_coordinators_set_the_period_per_thematique_and_per_fiche(testapp, world, login, db):
    from .helpers import csrf_token, visible

    fiche = world.fiches["published_a"]
    fiche.confirmed_at = fr.add_months(dt.date.today(), -5) - dt.timedelta(days=3)
    db.flush()
    login("coord@test.fr")
    them = db.scalar(select(Thematique).where(Thematique.slug == "acces-aux-droits"))
    form = testapp.get(f"/coordination/thematiques/{them.id}").forms["deform"]
    form["update_period_months"] = "3"
    form.submit("save")
    db.refresh(them)
    assert them.update_period_months == 3
    page = testapp.get(f"/espace/fiches/{fiche.id}")
    assert "À vérifier tous les 3 mois" in visible(page)
    form = page.forms["fiche-period"]
    form["update_period_months"] = "6"
    form.submit()
    db.refresh(fiche)
    assert fiche.update_period_months == 6
    assert "À vérifier bientôt" in visible(testapp.get(f"/espace/fiches/{fiche.id}"))
    # odd values are refused, nothing changes
    testapp.post(
        f"/espace/fiches/{fiche.id}/delai",
        {"update_period_months": "5000", "csrf_token": csrf_token(testapp)},
    )
    db.refresh(fiche)
    assert fiche.update_period_months == 6
    # a partner cannot set it
    login("owner.a@test.fr")
    assert "fiche-period" not in testapp.get(f"/espace/fiches/{fiche.id}").forms
    response = testapp.post(
        f"/espace/fiches/{fiche.id}/delai",
        {"update_period_months": "", "csrf_token": csrf_token(testapp)},
        expect_errors=True,
    )
    assert response.status_int == 403


def test_the_organisation_page_flags_fiches_to_check(testapp, world, login, db):
    from .helpers import visible

    world.fiches["published_a"].confirmed_at = fr.add_months(dt.date.today(), -18)
    db.flush()
    login("owner.a@test.fr")
    page = testapp.get(f"/espace/structures/{world.orgs['a'].id}")
    row = page.html.find("a", string="Fiche published a").find_parent("tr")
    assert "À vérifier" in row.get_text(" ")
    assert len(page.html.select(".fresh-a_verifier")) == 1  # only that fiche; drafts have no freshness
    assert "Fiche draft a" in visible(page)
