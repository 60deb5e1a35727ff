"""« En mots simples » (issue 12): the FALC summary in the fiche form with its readability hint, and the
visitors' « Mots simples » mode (cookie and ?simple=1, body class, summary first, pictograms with labels)."""

from __future__ import annotations

import webtest

from guide.services import fiches
from tests.factories import PASSWORD

SIMPLE = "Vous avez une question sur vos droits ? Une juriste vous aide. C'est gratuit. Vous pouvez venir."


def _browser(app, email=None):
    browser = webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1"})
    if email:
        form = browser.get("/connexion").forms["deform"]
        form["email"], form["password"] = email, PASSWORD
        form.submit("login")
    return browser


def _publish_with_summary(db, world, text=SIMPLE):
    fiche = world.fiches["published_a"]
    data = fiches.content_of(fiche.current_version)
    data["mots_simples"] = text
    fiches.save(db, fiche, data, world.users["coord"], base_number=None, can_publish=True)
    db.flush()
    return fiche


# --- the form --------------------------------------------------------------------------------------


def test_the_form_has_its_fieldset_with_the_rules_and_a_server_side_hint(app, world, db):
    fiche = world.fiches["draft_a"]
    browser = _browser(app, world.users["owner_a"].email)
    page = browser.get(f"/espace/fiches/{fiche.id}/modifier")
    fieldset = page.html.select_one("fieldset.falc")
    assert fieldset.select_one("legend").get_text(strip=True) == "En mots simples"
    rules = fieldset.select_one(".falc-rules").get_text(" ").replace("\xa0", " ")
    for rule in ("15 mots au plus", "Une seule idée par phrase", "« Vous pouvez venir »"):
        assert rule in rules
    area = fieldset.select_one("textarea[name=mots_simples]")
    assert area["maxlength"] == "600"
    assert area["data-readability-url"] == "/espace/lisibilite"
    # the live hint comes from a file, no inline script
    assert any("/falc.js" in s.get("src", "") for s in page.html.select("script"))

    form = page.forms["deform"]
    form["mots_simples"] = (
        "La permanence juridique accueille les allocataires des minimas sociaux qui souhaitent bénéficier "
        "d'un accompagnement dans leurs démarches administratives auprès de la CAF."
    )
    saved = form.submit("save").follow()
    assert "allocataires" in saved.text  # the text is saved ...
    form = browser.get(f"/espace/fiches/{fiche.id}/modifier").forms["deform"]
    hint = browser.get(f"/espace/fiches/{fiche.id}/modifier").html.select_one(".falc-hint").get_text(" ")
    hint = hint.replace("\xa0", " ")  # French spacing: no line break before « : »
    assert "Une phrase a 22 mots" in hint  # ... and measured when the form is shown again
    assert "Mots peu courants : allocataires" in hint
    assert "caisse d'allocations familiales (CAF)" in hint
    assert form["mots_simples"].value.startswith("La permanence juridique")


def test_too_long_a_text_gets_a_french_message_and_the_input_is_kept(app, world, db):
    fiche = world.fiches["draft_a"]
    browser = _browser(app, world.users["owner_a"].email)
    form = browser.get(f"/espace/fiches/{fiche.id}/modifier").forms["deform"]
    typed = "Vous pouvez venir. " * 40  # 760 characters
    form["mots_simples"] = typed
    form["nom"] = "Un titre changé"
    page = form.submit("save")
    assert page.status_int == 200
    error = page.html.select_one("fieldset.falc .invalid-feedback")
    assert error is not None and "600 caractères au plus" in error.get_text()
    form = page.forms["deform"]
    assert form["mots_simples"].value == typed.strip()
    assert form["nom"].value == "Un titre changé"
    db.refresh(fiche)
    assert fiche.current_version.nom != "Un titre changé"


def test_the_summary_is_versioned_compared_and_in_the_api(app, world, db):
    fiche = _publish_with_summary(db, world)
    browser = _browser(app, world.users["coord"].email)
    numbers = [v.number for v in fiche.versions]
    compare = browser.get(f"/espace/fiches/{fiche.id}/comparer?de={numbers[-2]}&a={numbers[-1]}")
    assert "En mots simples" in compare.text and "Une juriste vous aide" in compare.text
    manage = browser.get(f"/espace/fiches/{fiche.id}")
    assert "Une juriste vous aide" in manage.text
    api = _browser(app).get(f"/api/v1/fiches/{fiche.id}").json
    assert api["mots_simples"] == SIMPLE


def test_the_live_hint_answers_partners_only(app, world):
    anonymous = _browser(app)
    refused = anonymous.post("/espace/lisibilite", {"text": "x"}, expect_errors=True)
    assert refused.status_int in (302, 303, 400, 403) and "falc" not in refused.text
    browser = _browser(app, world.users["owner_a"].email)
    form = browser.get(f"/espace/fiches/{world.fiches['draft_a'].id}/modifier").forms["deform"]
    token = form["csrf_token"].value
    answer = browser.post(
        "/espace/lisibilite", {"text": "Prenez rdv avec la CPAM.", "csrf_token": token}
    ).json
    assert answer["acronyms"] == ["CPAM"] and answer["abbreviations"] == ["rdv"]
    assert any("caisse primaire d'assurance maladie (CPAM)" in a for a in answer["advice"])
    assert answer["figures"].startswith("Phrases\xa0: 1")
    huge = browser.post(
        "/espace/lisibilite", {"text": "mot " * 50_000, "csrf_token": token}, expect_errors=True
    )
    assert huge.status_int in (200, 400, 413)  # cut at 600 characters, or refused for its size: never 500
    for body in (f"text=%FF%00&csrf_token={token}", f"text=%00%01&text=a&csrf_token={token}"):
        odd = browser.post(
            "/espace/lisibilite", body, content_type="application/x-www-form-urlencoded", expect_errors=True
        )
        assert odd.status_int < 500


# --- the visitors' mode ----------------------------------------------------------------------------


def test_the_parameter_sets_the_cookie_and_the_fiche_leads_with_the_summary(app, world, db):
    fiche = _publish_with_summary(db, world)
    browser = _browser(app)
    normal = browser.get(f"/fiche/{fiche.id}").maybe_follow()
    assert "mode-simple" not in normal.html.body.get("class", [])
    switch = normal.html.select_one("a.simple-switch")
    assert "Mots simples" in switch.get_text() and "simple=1" in switch["href"]
    assert normal.html.select_one(".easy-summary") is None

    page = browser.get(switch["href"])
    assert "guide_simple=1" in page.headers["Set-Cookie"]
    assert "no-store" in page.headers["Cache-Control"]  # a page setting a cookie is never shared
    body = page.html.body
    assert "mode-simple" in body["class"]
    assert any("/simple.css" in link["href"] for link in page.html.select("link[rel=stylesheet]"))
    summary = page.html.select_one(".easy-summary")
    assert "Une juriste vous aide" in summary.get_text()
    # the summary comes before the long description, which waits behind « En savoir plus »
    more = page.html.select_one("details.easy-more")
    assert more.select_one("summary").get_text(strip=True) == "En savoir plus"
    assert more.select_one(".description") is not None
    # pictograms, each with its text label
    shown = page.html.select(".easy-facts .easy-fact")
    facts = {li["class"][1]: li.get_text(" ", strip=True) for li in shown}
    assert facts["fact-gratuit"] == "Gratuit"
    assert facts["fact-sans-rdv"] == "Sans rendez-vous"
    assert facts["fact-langues"].startswith("Langues parlées")
    assert "04 73 98 07 81" in facts["fact-telephone"]
    for li in page.html.select(".easy-facts li, .easy-themes li"):
        assert li.select_one("svg[aria-hidden=true] use")["href"].split("#")[1]
        assert li.get_text(strip=True)  # never a pictogram alone
    assert [t.get_text(strip=True) for t in page.html.select(".easy-themes li")] == ["Accès aux droits"]

    # remembered: the next page (without the parameter) is in the mode too
    again = browser.get(f"/fiche/{fiche.id}").maybe_follow()
    assert "mode-simple" in again.html.body["class"]
    assert "Mots simples : oui" in again.html.select_one("a.simple-switch").get_text()
    off = browser.get(again.html.select_one("a.simple-switch")["href"])
    assert "mode-simple" not in off.html.body.get("class", [])
    assert browser.get(f"/fiche/{fiche.id}").maybe_follow().html.select_one(".easy-summary") is None


def test_a_fiche_without_summary_leads_with_its_resume(app, world):
    fiche = world.fiches["published_b"]
    page = _browser(app).get(f"/fiche/{fiche.id}?simple=1").maybe_follow()
    assert "Aide pour les démarches administratives" in page.html.select_one(".easy-summary").get_text()


def test_home_and_results_get_the_pictograms_in_the_mode(app, world, db):
    _publish_with_summary(db, world)
    browser = _browser(app)
    home = browser.get("/?simple=1")
    assert "mode-simple" in home.html.body["class"]
    shortcuts = home.html.select(".easy-shortcuts li a")
    assert shortcuts[0].get_text(" ", strip=True) == "Gratuit"
    results = browser.get("/recherche")
    hits = results.html.select("li.hit")
    assert hits
    texts = " ".join(h.get_text(" ") for h in hits)
    assert "Une juriste vous aide" in texts
    assert results.html.select("li.hit .easy-facts .fact-gratuit")
    normal = _browser(app).get("/recherche")
    assert not normal.html.select("li.hit .easy-facts")


def test_odd_values_of_the_parameter_never_fail(app, world):
    browser = _browser(app)
    for value in ("", "2", "oui", "%FF", "1" * 500, "<script>"):
        page = browser.get(f"/?simple={value}", expect_errors=True)
        assert page.status_int < 500
    page = browser.get("/?simple=oui")
    assert "mode-simple" in page.html.body["class"]
    page = browser.get("/recherche?q=<b>x</b>&simple=1")
    assert "<b>x</b>" not in page.text


def test_the_demo_guide_has_summaries_in_simple_words_that_pass_the_rules(testapp, demo_guide, db):
    from sqlalchemy import select

    from guide.models import Fiche
    from guide.services.readability import analyse

    texts = {
        f.source_id: f.published_version.mots_simples
        for f in db.scalars(select(Fiche).where(Fiche.published_version_id.is_not(None)))
        if f.published_version.mots_simples
    }
    assert len(texts) >= 15
    assert all(analyse(t).ok for t in texts.values()), {k: analyse(t).advice for k, t in texts.items()}
    fiche = db.scalar(select(Fiche).where(Fiche.source_id == "avec-accueil-de-jour"))
    page = testapp.get(f"/fiche/{fiche.id}?simple=1").maybe_follow()
    assert "Vous pouvez venir avec vos enfants" in page.html.select_one(".easy-summary").get_text()


def test_the_mode_works_in_another_language_and_keeps_it(app, world, db):
    fiche = _publish_with_summary(db, world)
    browser = _browser(app)
    page = browser.get(f"/en/fiche/{fiche.id}?simple=1").maybe_follow()
    assert page.html.html["lang"] == "en"
    assert "mode-simple" in page.html.body["class"]
    assert page.html.select_one(".easy-summary .easy-text")["lang"] == "fr"  # the French text, said so
    switch = page.html.select_one("a.simple-switch")["href"]
    assert switch.startswith("/en/fiche/") and "simple=0" in switch
    assert "mode-simple" in browser.get("/ar/").html.body["class"]  # one cookie for every language
    hit = browser.get("/en/recherche").html.select_one("li.hit .easy-text")
    assert hit["lang"] == "fr"
