"""What a visitor reads on a translated public page (issue 12): thématiques, event kinds, the series sentence,
the active time filter and the public form's messages in the page's language — never the French of the
database or of a validator."""

from __future__ import annotations

import re

import pytest

from guide import i18n
from guide.hours.wording import MONTH_LABELS

MONTHS_FR = MONTH_LABELS
SHIPPED_FRENCH = ("Accès aux droits et démarches", "Logement et hébergement", "Santé sexuelle, contraception")


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogues() -> None:
    i18n.compile_catalogues()


def test_the_thematiques_of_the_home_page_are_in_arabic(testapp, demo_guide):
    page = testapp.get("/ar/")
    themes = [node.get_text(strip=True) for node in page.html.select(".theme-label")]
    assert "الحقوق والإجراءات الإدارية" in themes and "السكن والإيواء" in themes
    assert not any(label in page.text for label in SHIPPED_FRENCH)
    # the offline banner's date, in Arabic too
    banner = page.html.select_one("script[data-banner]")["data-banner"]
    assert banner.startswith("دون اتصال"), banner
    assert not any(month in banner for month in MONTHS_FR), banner


def test_search_filters_speak_english(testapp, demo_guide):
    page = testapp.get("/en/recherche?q=aide&quand=samedi-soir")
    facets = page.html.select_one(".facets, aside") or page.html
    assert "Rights and paperwork" in facets.get_text() or "Disability" in facets.get_text()
    assert not any(label in page.text for label in SHIPPED_FRENCH)
    removable = [
        a.get_text(" ", strip=True) for a in page.html.select("a") if "retirer" not in a.get("href", "")
    ]
    assert any("Open on Saturday in the evening (after 18:00)" in text for text in removable)
    assert "Ouvert samedi" not in page.text


def test_agenda_filters_and_event_kinds_speak_english(testapp, demo_guide):
    page = testapp.get("/en/agenda?type=reunion-information&gratuit=1")
    text = page.html.select_one("main").get_text(" ")
    assert "Information meeting" in text and "Free" in text
    assert "Réunion d'information ·" not in text and "Gratuit" not in text
    assert not any(label in text for label in SHIPPED_FRENCH)


def test_a_series_says_when_in_the_visitors_language(testapp, demo_guide):
    agenda = testapp.get("/en/agenda")
    links = [a["href"] for a in agenda.html.select("a[href]") if "/agenda/rendez-vous/" in a["href"]]
    series = None
    for href in dict.fromkeys(links):
        page = testapp.get(href)
        if page.html.select_one(".agenda-series"):
            series = page
            break
    assert series is not None, "the demo's agenda has a regular event this week"
    sentence = series.html.select_one(".agenda-series").get_text(" ", strip=True)
    assert sentence.startswith("Regular event:") and "every " in sentence, sentence
    assert " h " not in sentence and "tous les" not in sentence and "à partir" not in sentence
    main = series.html.select_one("main").get_text(" ")
    assert not any(
        word in main for word in ("Sans inscription", "Inscription conseillée", "Inscription obligatoire")
    )
    arabic = testapp.get(series.request.path_qs.replace("/en/", "/ar/", 1))
    assert "كل يوم" in arabic.html.select_one(".agenda-series").get_text()


def test_the_report_form_explains_mistakes_in_arabic(testapp, demo_guide):
    hit = testapp.get("/ar/recherche?q=aide").html.select_one(".hit h2 a")["href"]
    fiche = testapp.get(hit)
    report = next(a["href"] for a in fiche.html.select("a[href]") if a["href"].endswith("/signaler"))
    form = testapp.get(report).forms["deform"]
    form["message"] = "court"
    form["contact"] = "nom exemple.fr"
    page = form.submit("send", status=200)
    errors = " ".join(
        node.get_text(" ", strip=True) for node in page.html.select(".invalid-feedback, .error")
    )
    assert "10 حرفًا على الأقل" in errors, errors
    assert "عنوان البريد الإلكتروني غير صالح" in errors
    assert "caractères" not in errors and "Adresse électronique" not in errors
    assert page.forms["deform"]["message"].value == "court"
    # the way back to the fiche points the way Arabic reads (right to left): its arrow points right
    back = page.html.select_one(".breadcrumb a").get_text(" ", strip=True)
    assert back.startswith("→") and "←" not in back, back
    # the list of mistakes above the form speaks Arabic too, labels included
    summary = page.html.select_one(".error-summary").get_text(" ", strip=True)
    assert "10 حرفًا على الأقل" in summary and "عنوان البريد الإلكتروني غير صالح" in summary, summary
    assert not any(french in summary for french in ("inexact", "Votre adresse", "caractères")), summary


def test_a_thematique_the_coordination_renamed_is_shown_as_written(testapp, world):
    # the world's « acces-aux-droits » is named « Accès aux droits »: not the shipped label
    hit = testapp.get("/en/recherche?q=published").html.select_one(".hit h2 a")["href"]
    page = testapp.get(hit)
    assert "Accès aux droits" in page.text and "Rights and paperwork" not in page.text
    assert "Plan :" not in page.text and "Map: " in page.text  # the little map's title


# --- right-to-left pages: numbers in their own order ---------------------------------------------------


def test_arabic_results_isolate_times_and_the_query(testapp, demo_guide):
    page = testapp.get("/ar/recherche", params={"q": "aide"})
    heading = page.html.select_one("h1")
    assert [node.get_text() for node in heading.select("bdi")] == ["aide"]
    ranges = [node.get_text() for node in page.html.select(".hit-hours .muted bdi[dir=ltr]")]
    assert ranges and all("–" in text and ":" in text for text in ranges), ranges
    # an Arabic query on a French page keeps its own direction too
    french = testapp.get("/recherche", params={"q": "مساعدة"})
    assert french.html.select_one("h1 bdi").get_text() == "مساعدة"


def test_arabic_agenda_times_read_left_to_right(testapp, demo_guide):
    page = testapp.get("/ar/agenda")
    ranges = [node.get_text(" ", strip=True) for node in page.html.select(".agenda-when bdi[dir=ltr]")]
    assert ranges and all(re.fullmatch(r"\d\d:\d\d – \d\d:\d\d", text) for text in ranges), ranges
    assert " h" not in page.html.select_one(".agenda-when").get_text()
    french = testapp.get("/agenda")
    assert re.search(r"\d+ h", french.html.select_one(".agenda-when").get_text())


def test_the_sitemap_lists_the_agenda_in_every_language(testapp, demo_guide):
    import xml.etree.ElementTree as ET

    root = ET.fromstring(testapp.get("/ar/sitemap.xml").body)  # noqa: S314 - the site's own sitemap
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = {url.find("s:loc", ns).text: url for url in root.findall("s:url", ns)}
    for prefix in ("", "/en", "/ar", "/uk", "/prs", "/es"):
        assert f"http://localhost{prefix}/agenda" in urls
        assert any(loc.startswith(f"http://localhost{prefix}/agenda/rendez-vous/") for loc in urls)
        assert any(loc.startswith(f"http://localhost{prefix}/agenda/thematique/") for loc in urls)
    event = next(loc for loc in urls if loc.startswith("http://localhost/uk/agenda/rendez-vous/"))
    alternates = {link.get("hreflang"): link.get("href") for link in urls[event].findall("x:link", ns)}
    assert list(alternates) == ["fr", "en", "ar", "uk", "fa-AF", "es"]
    assert alternates["fa-AF"] == event.replace("/uk/", "/prs/")
    assert testapp.get(alternates["fa-AF"].removeprefix("http://localhost")).status_int == 200


# --- the resident's printed selection -------------------------------------------------------------------


def test_the_printed_selection_speaks_the_page_language(testapp, world):
    import io

    from pypdf import PdfReader

    from .helpers import post

    fiche = world.fiches["published_a"]
    post(testapp, "/selection/ajouter", {"fiche_id": str(fiche.id)})
    page = testapp.get("/ar/selection/imprimer")
    assert page.html.html["lang"] == "ar" and page.html.html["dir"] == "rtl"
    text = page.html.body.get_text(" ")
    assert "خدمات من أجلك" in text and "هذه الخدمة التي تحدثنا عنها." in text
    assert fiche.published_version.nom in text  # the fiche's own text stays as written
    for french in ("Des services pour vous", "Imprimer", "Avant de vous déplacer", "Informations du Guide"):
        assert french not in text
    french_page = testapp.get("/selection/imprimer")
    assert "Des services pour vous" in french_page.text and french_page.html.html["lang"] == "fr"
    pdf = testapp.get("/en/selection.pdf")
    assert pdf.content_type == "application/pdf"
    words = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf.body)).pages)
    assert "Services for you" in words and "Des services pour vous" not in words
    assert "Page 1 of 1" in words and " sur " not in words  # the page footer too


def test_a_selection_note_too_long_is_explained_in_arabic(testapp, world):
    from guide.services import selection

    from .helpers import post

    fiche = world.fiches["published_a"]
    post(testapp, "/selection/ajouter", {"fiche_id": str(fiche.id)})
    page = post(
        testapp,
        "/ar/selection/note",
        {"fiche_id": str(fiche.id), "note": "x" * (selection.NOTE_MAX + 5)},
        expect_errors=True,
    )
    assert page.status_int == 400
    error = page.html.select_one(".field-error").get_text()
    assert error.startswith(f"طول الملاحظة {selection.NOTE_MAX + 5} حرفًا") and "caractères" not in error
    assert page.html.select_one("textarea, input[name=note]") is not None


def test_accessibility_facts_follow_the_language_punctuation(testapp, demo_guide):
    hit = testapp.get("/en/recherche?q=aide").html.select_one(".hit h2 a")["href"]
    facts = [li.get_text() for li in testapp.get(hit).html.select("li[class^=access-]")]
    assert facts and all(" : " not in text and ": " in text for text in facts), facts


def test_easy_read_facts_name_the_spoken_languages_in_arabic(testapp, demo_guide):
    page = testapp.get("/ar/recherche", params={"q": "aide", "simple": "1"})
    facts = " ".join(node.get_text(" ") for node in page.html.select(".fact-label"))
    assert "اللغات" in facts or "الفرنسية" in facts, facts
    assert "الفرنسية" in facts and "Français" not in facts and "Arabe" not in facts


def test_an_event_published_today_is_in_the_sitemap_at_once(testapp, world, db):
    from .agenda_helpers import local_start, make_event, tomorrow

    assert "/agenda/rendez-vous/" not in testapp.get("/sitemap.xml").text
    event = make_event(
        db, world.orgs["a"], "Atelier budget", local_start(tomorrow(), 14), thematiques=("sante",)
    )
    db.commit()
    sitemap = testapp.get("/sitemap.xml").text
    for prefix in ("", "/ar", "/prs"):
        assert f"http://localhost{prefix}/agenda/rendez-vous/{event.id}-atelier-budget<" in sitemap
        assert f"http://localhost{prefix}/agenda/thematique/sante<" in sitemap


def test_lists_maps_and_open_data_labels_follow_the_language(testapp, demo_guide):
    hit = testapp.get("/ar/recherche?q=aide").html.select_one(".hit h2 a")["href"]
    themes = testapp.get(hit).html.select_one("dl.facts dd").get_text()
    assert "، " in themes and ", " not in themes, themes  # the Arabic comma between labels
    quartier = testapp.get("/uk/quartier/saint-jacques")
    assert "Місця району Saint-Jacques" in quartier.text and "Les lieux du quartier" not in quartier.text
    opendata = testapp.get("/es/opendata").text
    assert "una línea por ficha" in opendata and "une ligne par fiche" not in opendata
