"""Issue 9: how the search reads a resident's query — filler words, time words, real words and typos."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search_index.realwords import is_real_word
from search_index.synonyms import SynonymTable, compounds, loosened, parse_query
from search_index.understanding import TimeFilter, fillers, parse_when, understand
from search_index.when import meets, profile

# --- filler words ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "text"),
    [
        ("je cherche une aide alimentaire près de chez moi", "aide alimentaire"),
        ("j'ai besoin d'un avocat", "avocat"),
        ("où trouver un colis", "colis"),
        ("aide pour payer le loyer", "payer le loyer"),
        ("Je voudrais trouver un médecin s'il vous plaît", "médecin"),
    ],
)
def test_filler_words_are_left_out(q, text):
    understood = understand(q)
    assert understood.text == text
    assert understood.ignored  # said, so the page can tell what was left out


def test_a_query_of_filler_words_only_is_searched_as_typed():
    assert understand("trouver").text == "trouver"
    assert understand("pour").text == "pour"
    assert understand("je cherche").text == "je cherche"


def test_meaningful_words_are_kept():
    for q in (
        "aide alimentaire",
        "Aide aux devoirs à la Gauthière",
        "recherche d'emploi",
        "urgence logement",
    ):
        assert understand(q).text in (q, "d'emploi", "emploi")
    assert understand("aide alimentaire").text == "aide alimentaire"
    assert understand("recherche d'emploi").text == "emploi"


def test_fillers_are_data_read_from_the_file():
    expressions = fillers()
    assert ("je", "cherche") in expressions
    assert ("pres", "de", "chez", "moi") in expressions  # folded, as the query is
    assert len(expressions[0]) >= len(expressions[-1])  # longest first


# --- time words -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "text", "code", "label"),
    [
        ("aide alimentaire ouvert le samedi", "aide alimentaire", "samedi", "Ouvert samedi"),
        ("médecin le soir", "médecin", "soir", "Ouvert en soirée (après 18 h)"),
        ("colis le week-end", "colis", "week-end", "Ouvert le week-end"),
        ("douche ouvert à 18 h", "douche", "18h", "Ouvert à 18 h"),
        ("ouvert dimanche", "", "dimanche", "Ouvert dimanche"),
        ("cours de français le matin", "cours de français", "matin", "Ouvert le matin"),
        ("accueil de jour après 18h30", "accueil de jour", "apres-18h30", "Ouvert après 18 h 30"),
        ("samedi soir", "", "samedi-soir", "Ouvert samedi en soirée (après 18 h)"),
        ("ouvert aujourd'hui", "", "aujourd-hui", "Ouvert aujourd'hui"),
    ],
)
def test_time_words_become_a_filter(q, text, code, label):
    understood = understand(q)
    assert understood.text == text
    assert understood.when is not None
    assert understood.when.code == code
    assert understood.when.label == label
    assert parse_when(code) == understood.when  # the quand= parameter reads back the same filter


def test_ouvert_maintenant_is_the_open_now_filter():
    understood = understand("pharmacie ouverte maintenant")
    assert understood.open_now and understood.text == "pharmacie" and understood.when is None


def test_the_quand_parameter_accepts_time_expressions_only():
    assert parse_when("week-end-18h") == TimeFilter("week-end", "18h")
    for bad in ("zorglub", "samedi zorglub", "", "25h", "maintenant", "<script>"):
        assert parse_when(bad) is None, bad


def test_time_windows():
    assert TimeFilter(time="soir").window() == (1080, 1440, 30)
    assert TimeFilter(time="18h30").window() == (1110, 1111, 1)
    assert TimeFilter(time="avant-9h").window() == (0, 540, 30)
    assert TimeFilter("week-end").days() == {5, 6}
    assert TimeFilter("aujourd-hui").offset() == 0 and TimeFilter("aujourd-hui").days() is None


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_understanding_never_fails_and_never_invents_words(q):
    understood = understand(q)
    typed = q.lower()
    for word in understood.text.split():
        assert word.lower() in typed
    if understood.when is not None:
        assert parse_when(understood.when.code) == understood.when


# --- opening profiles: « ouvert samedi », « en soirée » ----------------------------------------------------

MONDAY = dt.date(2026, 3, 9)


def test_profiles_meet_the_time_filters():
    weekdays = profile("Mo-Fr 09:00-12:00,14:00-17:00", "", MONDAY)
    evening = profile("Mo-Fr 14:00-19:30", "", MONDAY)
    short_evening = profile("Mo-Fr 14:00-18:15", "", MONDAY)
    saturday = profile("Sa 09:00-12:00", "", MONDAY)
    assert not meets(weekdays, TimeFilter("samedi"))
    assert meets(saturday, TimeFilter("samedi")) and meets(saturday, TimeFilter("week-end"))
    assert meets(saturday, TimeFilter("samedi", "matin")) and not meets(
        saturday, TimeFilter("samedi", "soir")
    )
    assert meets(evening, TimeFilter(time="soir")) and not meets(weekdays, TimeFilter(time="soir"))
    assert not meets(
        short_evening, TimeFilter(time="soir")
    )  # a quarter of an hour after 18 h is not « le soir »
    assert meets(short_evening, TimeFilter(time="18h")) and not meets(weekdays, TimeFilter(time="18h"))
    assert meets(weekdays, TimeFilter("aujourd-hui")) and not meets(saturday, TimeFilter("aujourd-hui"))


def test_a_monthly_permanence_counts_for_the_days_it_opens_in_the_coming_weeks():
    first_wednesday = profile("We[1] 14:00-17:00", "", MONDAY)
    assert meets(first_wednesday, TimeFilter("mercredi"))
    assert not meets(first_wednesday, TimeFilter("samedi"))
    first_saturday = profile("Sa[1] 09:00-12:00", "", MONDAY)
    assert meets(first_saturday, TimeFilter("week-end"))


def test_a_closure_over_the_whole_horizon_and_unreadable_hours_open_never():
    closed = '[{"debut": "2026-03-01", "fin": "2026-06-30", "message": "travaux"}]'
    assert profile("Sa 09:00-12:00", closed, MONDAY) == ()
    assert profile("n'importe quoi", "", MONDAY) == ()
    assert profile("", "", MONDAY) == ()


def test_a_midnight_crossing_opening_counts_for_the_evening():
    night = profile("Fr 20:00-02:00", "", MONDAY)
    assert meets(night, TimeFilter("vendredi", "soir"))
    assert meets(night, TimeFilter("samedi"))  # 0 h – 2 h on Saturday


# --- real words and typos ---------------------------------------------------------------------------------


def test_real_words_of_the_lexicon_languages_are_not_typos():
    for word in ("douche", "lawyer", "loyer", "logement", "юрист", "محامي", "abogado", "Douche"):
        assert is_real_word(word), word
    for typo in ("logemant", "avocta", "violance", "ginecologue", "xqzwv", "123", ""):
        assert not is_real_word(typo), typo


# --- words and synonyms ---------------------------------------------------------------------------------


def test_a_word_of_a_multi_word_expression_brings_its_group():
    table = SynonymTable(
        [["colis alimentaire", "aide alimentaire", "banque alimentaire"], ["avocat", "juriste"]]
    )
    units, _highlight = parse_query("colis", table)
    alternatives = {terms for terms, _boost in units[0]}
    assert ("aid", "alimentair") in alternatives and ("colis", "alimentair") in alternatives


def test_a_word_in_several_groups_brings_none():
    table = SynonymTable([["aide alimentaire", "colis"], ["aide juridique", "avocat"]])
    units, _highlight = parse_query("aide", table)
    assert len(units[0]) == 1


def test_a_short_word_matches_as_written_not_by_its_stem():
    table = SynonymTable([["CAF", "caisse d'allocations familiales"]])
    caf, _ = parse_query("CAF", table)
    cafe, _ = parse_query("café", table)
    assert caf[0][0][0] == ("==caf",)  # typed in capitals: an acronym
    assert parse_query("caf", table)[0][0][0][0] == ("=caf",)
    assert len(caf[0]) == 2  # the CAF's long name
    assert len(cafe[0]) == 1  # « café » has the stem of « CAF » but is not the CAF
    assert table.match(["caf"], 0, ["cafes"]) is None


def test_hyphenated_words_are_one_piece_for_partial_matches():
    table = SynonymTable()
    assert compounds("art-thérapie", table) == [0, 0]
    assert compounds("urgence logement", table) == [0, 1]


def test_a_loosened_unit_matches_an_expression_by_its_words_anywhere():
    table = SynonymTable([["SIAO", "hébergement d'urgence", "115"]])
    units, _ = parse_query("SIAO", table)
    loose = loosened(units[0])
    assert loose[0] == units[0][0]  # the word itself is unchanged
    assert (("~heberg", "urgenc"), 0.6) in loose  # the phrase, by its words
    assert (("115",), 0.6) in loose


def test_the_when_facets_labels_are_in_the_catalogue():
    """The results page translates a facet's label when the catalogue has it (search_index.params)."""
    from search_index.params import WHEN_FACET_LABELS, WHEN_FACETS
    from search_index.understanding import parse_when

    assert tuple(parse_when(code).label for code in WHEN_FACETS) == WHEN_FACET_LABELS
