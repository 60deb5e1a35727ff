"""Fiche translations (issue 12): a partner writes one, the coordination or a référent reviews it, the public
reads only reviewed text; a change of the French text flags the translation « à revoir »."""

from __future__ import annotations

from email.header import decode_header, make_header

import pytest
import webtest
from openapi_schema_validator import OAS30Validator
from pyramid.interfaces import ILocaleNegotiator
from sqlalchemy import select

from guide import i18n
from guide.models import FicheEvent, FicheTranslation, Thematique, TranslationState
from guide.services import fiches, referents, translations
from tests import factories

from .helpers import csrf_token, field_error, post, visible

ENGLISH = {
    "nom": "Legal advice desk",
    "resume": "Free help with paperwork, no appointment.",
    "conditions": "",
}


def _translation(db, fiche, code):
    db.expire_all()
    return db.scalars(
        select(FicheTranslation).where(
            FicheTranslation.fiche_id == fiche.id, FicheTranslation.language == code
        )
    ).one()


def test_partner_writes_and_submits_a_coordinator_publishes(testapp, world, db, login):
    fiche = world.fiches["published_a"]
    login(world.users["editor_a"].email)
    manage = testapp.get(f"/espace/fiches/{fiche.id}")
    listing = manage.click("Traductions", href="traductions$")
    assert "pas encore traduite" in visible(listing)
    form_page = testapp.get(f"/espace/fiches/{fiche.id}/traductions/ar/modifier")
    # right-to-left inputs in Arabic, the French text beside the form
    field = form_page.html.find("input", attrs={"name": "nom"})
    assert field["dir"] == "rtl" and field["lang"] == "ar"
    assert "Fiche published a" in visible(form_page)
    # a bad input: a French message beside the field, what was typed is kept
    form = form_page.forms["deform"]
    form["nom"] = "ا"
    form["resume"] = "مساعدة مجانية في الأوراق الإدارية"
    page = form.submit("submit")
    assert "Au moins 3 caractères" in field_error(page, "nom")
    assert "مساعدة مجانية في الأوراق الإدارية" in page.text
    form = page.forms["deform"]
    form["nom"] = "مكتب الاستشارات القانونية"
    page = form.submit("submit").follow()
    assert "soumise à relecture" in visible(page)
    translation = _translation(db, fiche, "ar")
    assert translation.state == TranslationState.SUBMITTED and not translation.is_reviewed
    assert translation.based_on_version == fiche.current_version.number
    # the partner cannot publish it (their organisation has no direct publication)
    assert (
        post(testapp, f"/espace/fiches/{fiche.id}/traductions/ar/etat/publier", expect_errors=True).status_int
        == 403
    )
    # the coordination sees it in the review queue, side by side with the French, and publishes it
    login(world.users["coord"].email)
    queue = testapp.get("/coordination")
    assert "Traductions à relire (1)" in visible(queue)
    review = queue.click("Fiche published a", href="traductions/ar$")
    cell = review.html.find("td", attrs={"lang": "ar"})
    assert cell["dir"] == "rtl" and "مكتب الاستشارات القانونية" in cell.text
    assert review.html.find("td", attrs={"lang": "fr"}).text == "Fiche published a"
    page = (
        review.forms[1].submit().follow()
    )  # [0]: « Modifier la traduction » is a link; forms: publish, send back
    text = visible(page)
    assert "relue et publiée" in text
    translation = _translation(db, fiche, "ar")
    assert (
        translation.state == TranslationState.PUBLISHED
        and translation.published_nom == "مكتب الاستشارات القانونية"
    )
    assert translation.reviewed_by.email == "coord@test.fr"
    assert f"traduction relue le {translation.reviewed_at.day}" in text
    event = db.scalars(
        select(FicheEvent).where(FicheEvent.fiche_id == fiche.id).order_by(FicheEvent.id.desc())
    ).first()
    assert event.action == "translation_publish" and "arabe" in event.comment
    assert "Traduction relue" in visible(testapp.get(f"/espace/fiches/{fiche.id}/historique"))
    assert "Aucune traduction à relire" in visible(testapp.get("/coordination"))


def test_sent_back_with_a_comment_then_resubmitted(testapp, world, db, login, mailbox):
    fiche = world.fiches["published_a"]
    translations.save(db, fiche, "en", ENGLISH, world.users["editor_a"], submit=True)
    login(world.users["coord"].email)
    page = post(testapp, f"/espace/fiches/{fiche.id}/traductions/en/etat/renvoyer", {"comment": ""}).follow()
    assert "commentaire est obligatoire" in visible(page)
    assert _translation(db, fiche, "en").state == TranslationState.SUBMITTED
    post(testapp, f"/espace/fiches/{fiche.id}/traductions/en/etat/renvoyer", {"comment": "Say « free »."})
    assert _translation(db, fiche, "en").state == TranslationState.SENT_BACK
    # the organisation's members are told, with the comment and the way back to the translation
    mail = mailbox.wait_for("editor.a@test.fr")
    assert (
        str(make_header(decode_header(mail["Subject"])))
        == "Traduction renvoyée : Fiche published a (anglais)"
    )
    body = mailbox.body(mail)
    assert "Say « free »." in body and f"http://localhost/espace/fiches/{fiche.id}/traductions/en" in body
    assert mailbox.wait_for("owner.a@test.fr")
    assert not [m for m in mailbox.messages if "coord@test.fr" in m["To"]]  # not the reviewer
    login(world.users["editor_a"].email)
    dashboard = visible(testapp.get("/espace"))
    assert (
        "Traductions à reprendre 1" in dashboard
        and "renvoyée par la relecture : « Say « free ». »" in dashboard
    )
    listing = testapp.get(f"/espace/fiches/{fiche.id}/traductions")
    assert "Renvoyée : « Say « free ». »" in visible(listing)
    form = testapp.get(f"/espace/fiches/{fiche.id}/traductions/en/modifier").forms["deform"]
    assert form["nom"].value == "Legal advice desk"  # the sent-back text is there to be corrected
    form["nom"] = "Free legal advice desk"
    form.submit("submit")
    assert _translation(db, fiche, "en").state == TranslationState.SUBMITTED


def test_referent_reviews_translations_of_their_thematiques_only(testapp, world, db, login):
    coord = world.users["coord"]
    sante = db.scalars(select(Thematique).where(Thematique.slug == "sante")).one()
    referent = factories.user(db, "referente.sante@test.fr")
    db.flush()
    referents.name(db, referent.email, [sante.id], coord)
    mine = fiches.create_fiche(
        db, world.orgs["b"], factories.content(nom="Consultation infirmière", thematiques=["sante"]), coord
    )
    fiches.transition(db, mine, "publish", coord)
    other = world.fiches["published_b"]  # « Accès aux droits »
    for fiche in (mine, other):
        translations.save(
            db, fiche, "uk", {"nom": "Консультація медсестри"}, world.users["owner_b"], submit=True
        )
    db.flush()
    login(referent.email)
    text = visible(testapp.get("/coordination"))
    assert "Traductions à relire (1)" in text and "Консультація медсестри" in text
    assert (
        post(testapp, f"/espace/fiches/{other.id}/traductions/uk/etat/publier", expect_errors=True).status_int
        == 403
    )
    assert testapp.get(f"/espace/fiches/{other.id}/traductions/uk", expect_errors=True).status_int == 403
    # a référent reviews, never writes
    assert (
        testapp.get(f"/espace/fiches/{mine.id}/traductions/uk/modifier", expect_errors=True).status_int == 403
    )
    assert post(testapp, f"/espace/fiches/{mine.id}/traductions/uk/etat/publier").status_int == 303
    assert _translation(db, mine, "uk").state == TranslationState.PUBLISHED
    assert _translation(db, other, "uk").state == TranslationState.SUBMITTED


# (who, allowed to: read the translations of A's fiche, write one, publish one)
MATRIX = {
    "anonymous": (False, False, False),
    "nobody": (False, False, False),
    "editor_a": (True, True, False),
    "owner_b": (False, False, False),
    "editor_c": (False, False, False),
    "coord": (True, True, True),
    "admin": (True, True, True),
}


def test_authorization_matrix(testapp, world, db, login):
    fiche = world.fiches["published_a"]
    translations.save(db, fiche, "es", {"nom": "Asesoría jurídica"}, world.users["editor_a"], submit=True)
    db.flush()
    base = f"/espace/fiches/{fiche.id}/traductions"
    wrong = []
    for who, (read, write, publish) in MATRIX.items():
        testapp.reset()
        if who != "anonymous":
            login(world.users[who].email)
        refused = {303} if who == "anonymous" else {403}
        token = csrf_token(testapp)  # read once per role: these requests do not change the session
        for name, allowed, response in (
            ("list", read, lambda: testapp.get(base, expect_errors=True)),
            ("review page", read, lambda: testapp.get(base + "/es", expect_errors=True)),
            ("edit form", write, lambda: testapp.get(base + "/es/modifier", expect_errors=True)),
            (
                "publish",
                publish,
                lambda token=token: testapp.post(
                    base + "/es/etat/publier", {"csrf_token": token}, expect_errors=True
                ),
            ),
        ):
            status = response().status_int
            if status not in ({200, 303} if allowed else refused):
                wrong.append((who, name, status))
        if publish:  # back to « submitted » for the next role
            translations.save(
                db, fiche, "es", {"nom": f"Asesoría jurídica {who}"}, world.users["editor_a"], submit=True
            )
            db.flush()
    assert wrong == []


def test_odd_input_never_500(testapp, world, db, login):
    fiche = world.fiches["published_a"]
    login(world.users["editor_a"].email)
    base = f"/espace/fiches/{fiche.id}/traductions"
    assert testapp.get(base + "/xx/modifier", expect_errors=True).status_int == 404
    assert testapp.get(base + "/fr", expect_errors=True).status_int == 404
    assert testapp.get(base + "/en", expect_errors=True).status_int == 404  # nothing written yet
    assert post(testapp, base + "/en/etat/publier", expect_errors=True).status_int in {403, 404}
    assert post(testapp, base + "/en/etat/nimporte", expect_errors=True).status_int == 404
    page = testapp.get(base + "/fa_AF/modifier")
    form = page.forms["deform"]
    form["nom"] = "x" * 151
    form["conditions"] = "\x01"
    page = form.submit("save")
    assert "150 caractères au plus" in field_error(page, "nom")
    assert "caractères invalides" in field_error(page, "conditions")
    assert page.html.find("textarea", attrs={"name": "conditions"})["dir"] == "rtl"
    # an archived fiche cannot be translated: its partner may not edit it, the coordination is told why
    archived = world.fiches["archived_a"]
    url = f"/espace/fiches/{archived.id}/traductions/en/modifier"
    assert testapp.get(url, expect_errors=True).status_int == 403
    login(world.users["coord"].email)
    assert "archivée ne peut pas être traduite" in visible(testapp.get(url).follow())


# --- what the public reads ---------------------------------------------------------------------------

# The URL segment of each language (guide.i18n: Dari's locale fa_AF is « /prs/… »).
SEGMENT = {"en": "en", "ar": "ar", "uk": "uk", "fa_AF": "prs", "es": "es"}


@pytest.fixture
def visitor(app):
    """An anonymous visitor's client that reaches the app as ``guide.main`` serves it: through guide.i18n's
    prefix middleware (« /en/… ») and with its locale negotiator (both set here when the app has not got them
    yet, so these tests do not depend on the order in which the languages' wiring lands)."""
    registry = app.registry
    previous = registry.queryUtility(ILocaleNegotiator)
    registry.registerUtility(i18n.locale_negotiator, ILocaleNegotiator)
    wrapped = app if isinstance(app, i18n.LanguagePrefixMiddleware) else i18n.wrap(app)
    yield webtest.TestApp(wrapped, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1"})
    if previous is not None:
        registry.registerUtility(previous, ILocaleNegotiator)


def _public(visitor, fiche, code=None, **kw):
    """The fiche's public page as a visitor reading ``code`` (French without it) sees it."""
    prefix = f"/{SEGMENT[code]}" if code else ""
    page = visitor.get(f"{prefix}/fiche/{fiche.id}", **kw)
    return page.follow() if page.status_int == 301 else page


def _published(db, fiche, code, values, coord):
    translation = translations.save(db, fiche, code, values, coord, submit=True)
    translations.publish(db, fiche, translation, coord)
    db.flush()
    return translation


def test_public_page_in_english_reads_the_reviewed_translation(visitor, world, db):
    fiche = world.fiches["published_a"]
    _published(
        db, fiche, "en", {**ENGLISH, "conditions": "Bring an identity document."}, world.users["coord"]
    )
    page = _public(visitor, fiche, "en")
    h1 = page.html.find("h1")
    assert h1.text == "Legal advice desk" and h1["lang"] == "en" and h1["dir"] == "ltr"
    assert page.html.title.text.startswith("Legal advice desk")
    assert page.html.find("meta", attrs={"name": "description"})["content"] == ENGLISH["resume"]
    resume = page.html.find("p", class_="resume")
    assert resume.text == ENGLISH["resume"] and resume["lang"] == "en"
    assert page.html.find(string="Bring an identity document.").parent["lang"] == "en"
    # the rest is the French text, said to be French
    assert page.html.find("div", class_="description")["lang"] == "fr"
    note = page.html.find(class_="translation-note")
    assert str(dt_year()) in note.text and not note.find(class_="translation-outdated")
    # in French, nothing changes
    french = _public(visitor, fiche)
    assert french.html.find("h1").text == "Fiche published a" and not french.html.find("h1").get("lang")
    assert "Legal advice desk" not in french.text and not french.html.find(class_="translation-note")


def dt_year():
    import datetime as dt

    return dt.date.today().year


def test_arabic_translation_is_right_to_left_and_untranslated_fiche_says_so(visitor, world, db):
    fiche = world.fiches["published_a"]
    _published(db, fiche, "ar", {"nom": "مكتب الاستشارات القانونية"}, world.users["coord"])
    h1 = _public(visitor, fiche, "ar").html.find("h1")
    assert h1["lang"] == "ar" and h1["dir"] == "rtl"
    # no translation into Ukrainian: the French text, lang="fr", with a note in the visitor's language
    page = _public(visitor, fiche, "uk")
    h1 = page.html.find("h1")
    assert h1.text == "Fiche published a" and h1["lang"] == "fr"
    assert page.html.find("p", class_="resume")["lang"] == "fr"
    assert page.html.find("p", class_="translation-note")


def test_unreviewed_translation_is_never_public(visitor, world, db):
    fiche = world.fiches["published_a"]
    translation = _published(db, fiche, "en", ENGLISH, world.users["coord"])
    # reworked and submitted, not yet reviewed: the public keeps the reviewed text
    translations.save(
        db, fiche, "en", {"nom": "Unreviewed wording zebra"}, world.users["editor_a"], submit=True
    )
    db.flush()
    assert translation.state == TranslationState.SUBMITTED
    page = _public(visitor, fiche, "en")
    assert "zebra" not in page.text and page.html.find("h1").text == "Legal advice desk"
    api = visitor.get(f"/api/v1/fiches/{fiche.id}").json
    assert api["traductions"]["en"]["nom"] == "Legal advice desk" and "zebra" not in str(api)
    # as the OpenAPI document describes it
    documented = visitor.get("/api/v1/openapi.json").json["components"]["schemas"]["Fiche"]["properties"]
    OAS30Validator(documented["traductions"]).validate(api["traductions"])
    assert visitor.get("/api/v1/search", {"q": "zebra"}).json["total"] == 0


def test_french_change_flags_the_translation_a_revoir(testapp, visitor, world, db, login):
    fiche, coord = world.fiches["published_a"], world.users["coord"]
    _published(db, fiche, "en", ENGLISH, coord)
    # a change of the hours only: the translation still translates the French text
    data = fiches.content_of(fiche.current_version)
    data["horaires"] = "Mo-Fr 10:00-12:00"
    fiches.save(db, fiche, data, coord, base_number=fiche.current_version.number, can_publish=True)
    db.flush()
    assert not _public(visitor, fiche, "en").html.find(class_="translation-outdated")
    assert (
        translations.outdated(db) == [] and translations.for_organisations(db, [fiche.organisation_id]) == []
    )
    # the French summary changes: « à revoir » for the partner and the coordination, noted on the public page
    data["resume"] = "Aide gratuite pour les démarches, avec ou sans rendez-vous."
    fiches.save(db, fiche, data, coord, base_number=fiche.current_version.number, can_publish=True)
    db.flush()
    page = _public(visitor, fiche, "en")
    assert page.html.find("h1").text == "Legal advice desk" and page.html.find(class_="translation-outdated")
    assert [(t.fiche_id, t.language) for t in translations.outdated(db)] == [(fiche.id, "en")]
    login(world.users["editor_a"].email)
    assert "Traductions à revoir" in visible(testapp.get(f"/espace/fiches/{fiche.id}"))
    assert "anglais : à revoir, le texte français a changé" in visible(testapp.get("/espace"))
    assert "À revoir" in visible(testapp.get(f"/espace/fiches/{fiche.id}/traductions"))
    form_page = testapp.get(f"/espace/fiches/{fiche.id}/traductions/en/modifier")
    assert "Le texte français a changé depuis cette traduction : Résumé" in visible(form_page)
    login(coord.email)
    assert "Traductions à revoir" in visible(testapp.get("/coordination"))
    # translated again and reviewed: no longer « à revoir »
    translations.save(
        db, fiche, "en", {"nom": "Legal advice desk", "resume": "Free help."}, coord, submit=True
    )
    translations.publish(db, fiche, translations.get(fiche, "en"), coord)
    db.flush()
    assert not _public(visitor, fiche, "en").html.find(class_="translation-outdated")
    assert translations.outdated(db) == []


def test_search_finds_a_fiche_by_its_reviewed_translation(visitor, world, db):
    fiche = world.fiches["published_a"]
    translations.save(db, fiche, "uk", {"nom": "Юридична консультація"}, world.users["editor_a"], submit=True)
    db.flush()
    # submitted, not reviewed: not searchable
    assert visitor.get("/api/v1/search", {"q": "консультація"}).json["total"] == 0
    translations.publish(db, fiche, translations.get(fiche, "uk"), world.users["coord"])
    _published(db, fiche, "en", ENGLISH, world.users["coord"])
    for query in ("legal advice", "консультація", "Юридична"):
        found = visitor.get("/api/v1/search", {"q": query}).json
        assert [hit["id"] for hit in found["results"]] == [fiche.stable_id], query
    # the results page in English shows the translated name; in French the French one
    page = visitor.get("/en/recherche", {"q": "legal advice"})
    title = page.html.select_one("li.hit h2")
    assert title.text.strip() == "Legal advice desk" and title["lang"] == "en"
    page = visitor.get("/recherche", {"q": "legal advice"})
    assert page.html.select_one("li.hit h2").text.strip() == "Fiche published a"


def test_demo_guide_has_reviewed_translations(visitor, demo_guide, db):
    from guide.models import Fiche
    from guide.services.demo import DEMO_SOURCE

    cidff = db.scalar(select(Fiche).where(Fiche.source == DEMO_SOURCE, Fiche.source_id == "cidff-juridique"))
    assert set(translations.public_texts(cidff)) == {"en", "ar", "uk"}
    h1 = _public(visitor, cidff, "ar").html.find("h1")
    assert h1["dir"] == "rtl" and h1.text.startswith("معلومات قانونية مجانية")
    # an English word, a Ukrainian one and an Arabic one each find the fiche
    for query in ("legal information", "розлучення", "الطلاق"):
        ids = [hit["id"] for hit in visitor.get("/api/v1/search", {"q": query}).json["results"]]
        assert cidff.stable_id in ids[:3], (query, ids)
    # a demo fiche nobody translated: French, with the note
    other = db.scalar(select(Fiche).where(Fiche.source == DEMO_SOURCE, Fiche.source_id == "adil-permanence"))
    page = _public(visitor, other, "en")
    assert page.html.find("h1")["lang"] == "fr" and page.html.find("p", class_="translation-note")


def test_lists_of_fiches_name_them_in_the_visitor_s_language(visitor, world, db):
    fiche = world.fiches["published_a"]
    other = fiches.create_fiche(
        db, world.orgs["a"], factories.content(nom="Atelier numérique"), world.users["coord"]
    )
    fiches.transition(db, other, "publish", world.users["coord"])
    _published(db, fiche, "ar", {"nom": "مكتب الاستشارات القانونية"}, world.users["coord"])
    organisation = visitor.get(f"/ar/structure/{world.orgs['a'].slug}").maybe_follow()
    link = organisation.html.find("a", string="مكتب الاستشارات القانونية")
    assert link["lang"] == "ar" and link["dir"] == "rtl"
    assert organisation.html.find("a", string="Atelier numérique")["lang"] == "fr"
    quartier = visitor.get("/ar/quartier/quartier-test").maybe_follow()
    assert quartier.html.find("a", string="مكتب الاستشارات القانونية")["dir"] == "rtl"
    # « other services of the organisation » on the other fiche's page
    assert _public(visitor, other, "ar").html.find("a", string="مكتب الاستشارات القانونية")
    french = visitor.get(f"/structure/{world.orgs['a'].slug}").maybe_follow()
    assert not french.html.find("a", string="مكتب الاستشارات القانونية")
    assert "lang" not in french.html.find("a", string="Fiche published a").attrs


def test_an_organisation_with_direct_publication_publishes_its_own_translations(testapp, world, db, login):
    """The fiche's rule: a structure in « publication directe » publishes without the coordination."""
    fiche = world.fiches["published_c"]
    translations.save(db, fiche, "es", {"nom": "Servicio municipal"}, world.users["editor_c"], submit=True)
    db.flush()
    login(world.users["editor_c"].email)
    review = testapp.get(f"/espace/fiches/{fiche.id}/traductions/es")
    assert "Publier la traduction" in visible(review) and "Renvoyer avec un commentaire" not in visible(
        review
    )
    assert post(testapp, f"/espace/fiches/{fiche.id}/traductions/es/etat/publier").status_int == 303
    translation = _translation(db, fiche, "es")
    assert (
        translation.state == TranslationState.PUBLISHED
        and translation.reviewed_by.email == "editor.c@test.fr"
    )


def test_two_people_writing_the_same_translation_do_not_overwrite_each_other(testapp, world, db, login):
    fiche = world.fiches["published_a"]
    login(world.users["editor_a"].email)
    form = testapp.get(f"/espace/fiches/{fiche.id}/traductions/en/modifier").forms["deform"]
    # meanwhile the coordination writes its own English text
    translations.save(db, fiche, "en", {"nom": "Legal help desk"}, world.users["coord"])
    db.flush()
    form["nom"] = "Legal advice desk"
    page = form.submit("save", status=409)
    text = visible(page)
    assert "a modifié cette traduction pendant que vous l'écriviez" in text and "Legal help desk" in text
    assert page.forms["deform"]["nom"].value == "Legal advice desk"  # what this person typed is kept
    assert _translation(db, fiche, "en").nom == "Legal help desk"  # nothing written
    page.forms["deform"].submit("save").follow()  # saving again, knowingly, keeps this person's text
    assert _translation(db, fiche, "en").nom == "Legal advice desk"
