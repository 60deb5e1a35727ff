"""Texts of the public guide that are data or built from pieces (issue 12): the shipped thématiques, the
agenda's event kinds and series sentence, the search's time filters, the deform templates we override and the
public form's messages — in the visitor's language, French unchanged."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import colander
import deform
import pytest
from pyramid import testing
from pyramid.i18n import make_localizer

from guide import i18n
from guide.hours import language as hours_language
from guide.models.agenda import EVENT_KIND_LABELS, REGISTRATION_LABELS, Event
from guide.services import agenda, agenda_public, public_labels
from search_index.understanding import parse_when

ROOT = Path(__file__).resolve().parents[2]
TZ = dt.timezone(dt.timedelta(hours=1))  # Paris in winter


@pytest.fixture(scope="module", autouse=True)
def _compiled() -> None:
    i18n.compile_catalogues()


def localizer(locale: str):
    return make_localizer(locale, [str(i18n.LOCALE_DIR)])


@pytest.fixture
def speak():
    """Tell the hours and phrases of guide in ``locale`` as a request would (guide.i18n)."""
    tokens = []

    def use(locale: str) -> None:
        found = localizer(locale)
        tokens.append(
            hours_language.use(
                locale,
                found.translate,
                lambda singular, plural, n, mapping: found.pluralize(
                    singular, plural, n, domain=i18n.DOMAIN, mapping=mapping
                ),
            )
        )

    yield use
    for token in reversed(tokens):
        hours_language.reset(token)


# --- thématiques --------------------------------------------------------------------------------------


def test_a_shipped_thematique_is_translated_and_a_renamed_one_shown_as_written():
    arabic = public_labels.load(None, localizer("ar").translate, french=False)
    assert arabic.thematique("sante", "Santé") == "الصحة"
    assert arabic.thematique("logement", "Logement et hébergement") == "السكن والإيواء"
    # the coordination renamed it: its words, not a translation of the old label
    assert arabic.thematique("logement", "Se loger") == "Se loger"
    assert arabic.thematique("jardins", "Jardins partagés") == "Jardins partagés"  # a thématique it added
    french = public_labels.load(None)
    assert french.thematique("sante", "Santé") == "Santé"


def test_the_shipped_thematiques_are_those_of_the_migration_and_the_demo():
    path = ROOT / "guide" / "migrations" / "versions" / "f1a700000006_placeholder.py"
    spec = importlib.util.spec_from_file_location("taxonomy_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = {slug: str(label) for slug, label in public_labels.THEMATIQUES.items()}
    assert {slug: label for slug, label, *_rest in module.TAXONOMY} == shipped
    demo = json.loads((ROOT / "guide" / "demo" / "demo.json").read_text())
    assert all(shipped[item["slug"]] == item["label"] for item in demo["thematiques"])


# --- agenda ---------------------------------------------------------------------------------------------


def test_every_event_kind_is_in_the_catalogue():
    assert {kind.value: label for kind, label in EVENT_KIND_LABELS.items()} == {
        code: str(message) for code, message in agenda_public.KIND_MESSAGES.items()
    }
    english = localizer("en")
    assert english.translate(agenda_public.KIND_MESSAGES["reunion-information"]) == "Information meeting"
    assert {kind.value: label for kind, label in REGISTRATION_LABELS.items()} == {
        code: str(message) for code, message in agenda_public.REGISTRATION_MESSAGES.items()
    }
    assert english.translate(agenda_public.REGISTRATION_MESSAGES["aucune"]) == "No sign-up needed"


def _event(start: dt.datetime, end: dt.datetime, rrule: str | None = None) -> Event:
    return Event(titre="Café des parents", starts_at=start, ends_at=end, rrule=rrule)


def test_the_series_sentence_speaks_the_visitors_language(speak):
    tuesday = dt.datetime(2026, 12, 1, 14, 0, tzinfo=TZ)
    weekly = _event(tuesday, tuesday + dt.timedelta(hours=3), "FREQ=WEEKLY;UNTIL=20270630T235959Z")
    french = agenda.describe(weekly)
    assert french.startswith("tous les mardis de 14 h à 17 h")
    speak("en")
    assert (
        agenda.describe(weekly)
        == "every Tuesday from 14:00 to 17:00, from 1 December 2026, until 30 June 2027"
    )
    speak("ar")
    arabic = agenda.describe(weekly)
    assert "الثلاثاء" in arabic and "mardi" not in arabic and "tous les" not in arabic
    speak("es")
    once = _event(tuesday, tuesday + dt.timedelta(hours=2), "FREQ=MONTHLY;BYDAY=1TU;COUNT=3")
    assert (
        agenda.describe(once)
        == "el primer martes de cada mes de 14:00 a 16:00, a partir del 1 diciembre 2026, 3 veces"
    )


def test_the_series_sentence_stays_french_outside_a_translated_page():
    tuesday = dt.datetime(2026, 12, 1, 14, 0, tzinfo=TZ)
    assert agenda.describe(_event(tuesday, tuesday + dt.timedelta(hours=2))).startswith(
        "le mardi 1er décembre"
    )


# --- the search's time filters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "french", "english"),
    [
        ("samedi", "Ouvert samedi", "Open on Saturday"),
        (
            "samedi-soir",
            "Ouvert samedi en soirée (après 18 h)",
            "Open on Saturday in the evening (after 18:00)",
        ),
        ("demain-apres-18h", "Ouvert demain après 18 h", "Open tomorrow after 18:00"),
        ("week-end-matin", "Ouvert le week-end le matin", "Open at the weekend in the morning"),
        ("avant-9h30", "Ouvert avant 9 h 30", "Open before 09:30"),
    ],
)
def test_an_active_time_filter_is_said_in_the_visitors_language(speak, code, french, english):
    assert parse_when(code).label == french
    speak("en")
    assert parse_when(code).label == english


def test_an_arabic_time_filter_has_no_french_word(speak):
    speak("ar")
    label = parse_when("samedi-soir").label
    assert label == "مفتوح يوم السبت مساءً (بعد الساعة 18:00)"


# --- forms ---------------------------------------------------------------------------------------------


def test_the_mots_simples_widget_is_translated():
    """Its strings (templates/deform/mots_simples.pt) are extracted into the catalogue and rendered in the
    request's language."""
    import schemas
    from schemas.falc import mots_simples_node

    request = testing.DummyRequest()
    request.localizer = localizer("en")
    config = testing.setUp(request=request)
    try:
        config.add_route("readability", "/lisibilite")
        schemas.configure_renderer()
        schema = colander.Schema()
        schema.add(mots_simples_node())
        html = deform.Form(schema).render({"mots_simples": "Bonjour."})
    finally:
        testing.tearDown()
    assert "Characters:" in html and "The rules of “easy to read”" in html
    assert "Caractères" not in html and "facile à lire" not in html


def test_colander_messages_of_a_public_form_are_in_the_catalogue():
    from schemas.report import ReportSchema

    schema = ReportSchema()
    with pytest.raises(colander.Invalid) as error:
        schema.deserialize({"message": "court", "contact": "nom exemple.fr", "site": "", "stamp": ""})
    messages = error.value.asdict(translate=localizer("uk").translate)
    assert messages["message"] == "Щонайменше 10 символів, будь ласка."
    assert messages["contact"].startswith("Неправильна адреса електронної пошти")


# --- right-to-left pages ---------------------------------------------------------------------------------


def test_times_and_ranges_become_left_to_right_islands_and_the_rest_is_escaped():
    from guide.formatting import bdi, isolate_times

    assert str(isolate_times("اليوم: 08:30 – 12:00, 13:30 – 16:30")) == (
        'اليوم: <bdi dir="ltr">08:30 – 12:00</bdi>, <bdi dir="ltr">13:30 – 16:30</bdi>'
    )
    assert str(isolate_times("Lundi : 9 h 30 – 12 h")) == 'Lundi : <bdi dir="ltr">9 h 30 – 12 h</bdi>'
    assert str(isolate_times("<script>12 hommes</script>")) == "&lt;script&gt;12 hommes&lt;/script&gt;"
    assert str(bdi("<b>aide</b>")) == "<bdi>&lt;b&gt;aide&lt;/b&gt;</bdi>"
