"""Search quality on the demo guide: French queries and the fiches a resident expects to find.

Each test runs on the demo guide (73 fiches, 61 published) and its synonyms, committed once per worker
(``demo_guide``), with a copy of its index in a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from markupsafe import Markup
from sqlalchemy import select

from guide import hours
from guide.models import Access, Fiche, State
from guide.services import fiches
from search_index import SearchParameterError, SearchService
from search_index.analysis import fold

# A Tuesday morning, in term time, outside public holidays.
TUESDAY_10H = dt.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
COMBAUDE = (45.7948, 3.099)  # Espace Combaude, La Gauthière


@pytest.fixture
def guide(db, demo_guide, session_factory, tmp_path):
    shutil.copytree(demo_guide, tmp_path / "index")  # the demo's index, built once (tests/conftest.py)
    service = SearchService(tmp_path / "index", session_factory)
    public = [f for f in db.scalars(select(Fiche)) if f.is_public]
    hidden = [f for f in db.scalars(select(Fiche)) if not f.is_public]
    return SimpleNamespace(db=db, service=service, public=public, hidden=hidden)


def search(guide, q="", **kwargs):
    kwargs.setdefault("record_miss", False)
    return guide.service.search(q, db=guide.db, **kwargs)


def titles(results):
    return [hit.nom for hit in results.hits]


def all_ids(guide, q="", **kwargs):
    first = search(guide, q, per_page=100, **kwargs)
    assert first.pages == 1
    return {hit.fiche_id for hit in first.hits}


# --- what residents type --------------------------------------------------------------------------


def test_avocat_gratuit(guide):
    results = search(guide, "avocat gratuit")
    top = titles(results)[:3]
    assert "Consultation gratuite d'un avocat au 25 Gisèle Halimi" in top
    assert "Permanence d'avocat gratuite à la maison de quartier Saint-Jacques" in top
    assert all(hit.fiche_id for hit in results.hits)
    assert "<mark>" in results.hits[0].title


def test_violences_conjugales(guide):
    results = search(guide, "violences conjugales")
    assert titles(results)[0] == "Accueil de jour pour les femmes victimes de violences conjugales"
    # the synonym group « violences conjugales, violences intrafamiliales, … »
    assert "Permanence juridique pour les victimes de violences intrafamiliales" in titles(results)


def test_aide_aux_devoirs_a_la_gauthiere(guide):
    in_text = search(guide, "aide aux devoirs à la Gauthière")
    assert titles(in_text)[0] == "Aide aux devoirs à la Gauthière"
    filtered = search(guide, "aide aux devoirs", quartier="la-gauthiere")
    assert titles(filtered)[0] == "Aide aux devoirs à la Gauthière"
    assert all(hit.quartier == "La Gauthière" for hit in filtered.hits)
    everywhere = search(guide, "aide aux devoirs")
    assert {"Accompagnement à la scolarité à Champratel", "Aide aux devoirs à la Gauthière"} <= set(
        titles(everywhere)
    )
    assert everywhere.total > filtered.total


def test_cours_de_francais(guide):
    found = titles(search(guide, "cours de français"))
    assert {
        "Cours de français pour adultes à la Gauthière",
        "Français langue étrangère : cours intensifs à la Fontaine-du-Bac",
        "Ateliers sociolinguistiques : le français du quotidien et de l'emploi",
    } <= set(found)
    assert found[0] in {
        "Cours de français pour adultes à la Gauthière",
        "Français langue étrangère : cours intensifs à la Fontaine-du-Bac",
    }


def test_ivg_and_its_long_form(guide):
    ivg = search(guide, "IVG")
    assert titles(ivg)[0] == "IVG médicamenteuse : information, consultation et suivi"
    long_form = search(guide, "interruption volontaire de grossesse")
    assert "IVG médicamenteuse : information, consultation et suivi" in titles(long_form)[:2]
    assert titles(search(guide, "avortement"))[0] == "IVG médicamenteuse : information, consultation et suivi"


def test_plural_and_singular_find_the_same_fiches(guide):
    assert all_ids(guide, "ateliers") == all_ids(guide, "atelier")
    assert len(all_ids(guide, "atelier")) >= 5
    assert all_ids(guide, "avocats") == all_ids(guide, "avocat")


def test_accents_and_case_do_not_matter(guide):
    assert all_ids(guide, "sante") == all_ids(guide, "santé") == all_ids(guide, "SANTÉ")
    assert "Centre de santé de la Fontaine-du-Bac : médecins et médiation santé" in titles(
        search(guide, "sante")
    )
    assert all_ids(guide, "gauthiere") == all_ids(guide, "Gauthière")


def test_elisions(guide):
    assert all_ids(guide, "l'enfance") == all_ids(guide, "enfance")
    assert all_ids(guide, "l'enfance")
    assert all_ids(guide, "d'emploi") == all_ids(guide, "emploi")


def test_synonyms_added_by_coordinators(guide):
    # « soutien scolaire » is written in no fiche: the devoirs group finds them
    found = set(titles(search(guide, "soutien scolaire")))
    assert {
        "Aide aux devoirs à la Gauthière",
        "Accompagnement scolaire du CP au lycée à Saint-Jacques",
    } <= found
    # « devoirs » also finds « accompagnement scolaire » (a multi-word expression, matched as a phrase)
    assert "Accompagnement scolaire du CP au lycée à Saint-Jacques" in titles(search(guide, "devoirs"))
    assert search(guide, "zorglub").total == 0


def test_a_typo_gets_a_suggestion_that_finds_something(guide):
    # corriger=False: the visitor asked for the word as typed (« Rechercher plutôt violance »)
    results = search(guide, "violance", corriger=False)
    assert results.total == 0
    assert results.suggestion is not None and results.suggestion.startswith("violence")
    assert search(guide, results.suggestion).total > 0
    two_words = search(guide, "violance conjugale", corriger=False)
    assert two_words.suggestion == "violence conjugale"
    assert search(guide, "avocta", corriger=False).suggestion == "avocat"
    assert search(guide, "violence").suggestion is None  # found something: nothing to suggest
    assert search(guide, "xqzwv").suggestion is None  # nothing close enough


def test_a_typo_shows_the_corrected_results_directly(guide):
    results = search(guide, "violance")
    assert results.corrected == "violence" and results.suggestion is None
    assert [h.fiche_id for h in results.hits] == [h.fiche_id for h in search(guide, "violence").hits]
    assert results.message == "Résultats pour « violence »"


def test_a_suggestion_respects_the_filters(guide):
    results = search(guide, "avocta", quartier="saint-jacques", corriger=False)
    assert results.suggestion == "avocat"
    assert search(guide, "avocat", quartier="saint-jacques").total > 0


# --- browsing, filters, facets, sorting ---------------------------------------------------------------


def test_empty_query_browses_every_published_fiche_by_name(guide):
    results = search(guide, "", per_page=20)
    assert results.total == len(guide.public) == 61
    assert results.pages == 4
    seen = []
    for page in range(1, results.pages + 1):
        seen += [hit.fiche_id for hit in search(guide, "", page=page).hits]
    assert sorted(seen) == sorted(f.id for f in guide.public)
    names = [hit.nom for page in range(1, 5) for hit in search(guide, "", page=page).hits]
    assert names == sorted(names, key=lambda n: fold(n))
    assert search(guide, "", page=5).hits == []


def test_drafts_pending_and_archived_fiches_never_appear(guide):
    assert len(guide.hidden) == 12
    public_ids = {f.id for f in guide.public}
    for fiche in guide.hidden:
        title = fiche.current_version.nom
        assert fiche.id not in all_ids(guide, title), title
    assert all_ids(guide, "") == public_ids
    assert search(guide, "potager").total == 0  # pending
    assert search(guide, "art-thérapie").total == 0  # archived


def test_unpublished_changes_never_appear(guide, tmp_path):
    fiche = next(f for f in guide.public if f.published_version.nom == "Café des parents")
    fiches.save(
        guide.db,
        fiche,
        {**fiches.content_of(fiche.current_version), "nom": "Goûter zébulon des familles"},
        None,
        base_number=fiche.current_version.number,
        can_publish=False,
    )
    guide.db.commit()
    assert fiche.has_unpublished_changes
    fresh = SearchService(tmp_path / "fresh", guide.service.session_factory)
    fresh.reindex_all(guide.db)
    assert fresh.search("zébulon", db=guide.db, record_miss=False).total == 0
    assert [h.fiche_id for h in fresh.search("café des parents", db=guide.db, record_miss=False).hits][
        :1
    ] == [fiche.id]


def _expected_counts(guide):
    counts = {name: Counter() for name in ("thematique", "public", "quartier", "langue")}
    gratuit = accessible = 0
    for fiche in guide.public:
        version = fiche.published_version
        counts["thematique"].update(t.slug for t in version.thematiques)
        counts["public"].update(set(version.publics))
        counts["quartier"].update({lieu.quartier.slug for lieu in version.lieux if lieu.quartier})
        counts["langue"].update(set(version.langues))
        gratuit += version.frais == "gratuit"
        accessible += any(lieu.acces_plain_pied == Access.YES for lieu in version.lieux)
    return counts, gratuit, accessible


def test_facet_counts_on_the_whole_guide(guide):
    results = search(guide, "", now=TUESDAY_10H)
    counts, gratuit, accessible = _expected_counts(guide)
    for name, expected in counts.items():
        assert {v.value: v.count for v in results.facets[name]} == dict(expected), name
    assert results.facets["gratuit"][0].count == gratuit
    assert results.facets["accessible"][0].count == accessible
    assert results.facets["langue"][0].value == "fr"
    labels = {v.value: v.label for v in results.facets["thematique"]}
    assert labels["justice"] == "Justice et aide juridique"
    assert {v.value: v.label for v in results.facets["quartier"]}["la-gauthiere"] == "La Gauthière"
    assert not any(v.selected for values in results.facets.values() for v in values)
    positions = [v.value for v in results.facets["thematique"]]
    assert positions.index("acces-aux-droits") < positions.index("seniors")  # the guide's order


def test_open_now_is_computed_at_query_time(guide):
    expected = {
        f.id
        for f in guide.public
        if hours.status(f.published_version.horaires, f.published_version.fermetures, TUESDAY_10H).is_open
    }
    assert expected
    results = search(guide, "", ouvert=True, now=TUESDAY_10H, per_page=100)
    assert {hit.fiche_id for hit in results.hits} == expected
    assert all(hit.status.is_open for hit in results.hits)
    assert all(hit.today.startswith("Aujourd'hui") for hit in results.hits if hit.horaires)
    assert results.facets["ouvert"] == [("1", "Ouvert maintenant", len(expected), True)]
    sunday_night = dt.datetime(2026, 3, 15, 23, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert search(guide, "", ouvert=True, now=sunday_night).total < len(expected)


def test_cached_results_tell_the_opening_status_of_the_minute_they_are_read(guide):
    """The results are kept for the day; « Ouvert maintenant » is told again at each minute: the hits'
    status and today's hours, the facet's count, and the results of a search filtered on it."""
    morning, evening = TUESDAY_10H, TUESDAY_10H.replace(hour=21, minute=30)

    def opening(at):
        return {
            f.id: hours.status(f.published_version.horaires, f.published_version.fermetures, at).is_open
            for f in guide.public
        }

    at_ten, at_night = opening(morning), opening(evening)
    assert sum(1 for v in at_ten.values() if v) > sum(1 for v in at_night.values() if v)
    first = search(guide, "", now=morning, per_page=20)
    later = search(guide, "", now=evening, per_page=20)  # same day: from the cache
    assert [h.fiche_id for h in later.hits] == [h.fiche_id for h in first.hits]
    assert {h.fiche_id: h.status.is_open for h in first.hits} == {
        h.fiche_id: at_ten[h.fiche_id] for h in first.hits
    }
    assert {h.fiche_id: h.status.is_open for h in later.hits} == {
        h.fiche_id: at_night[h.fiche_id] for h in later.hits
    }
    assert later.facets["ouvert"][0].count == sum(1 for v in at_night.values() if v)
    assert first.facets["ouvert"][0].count == sum(1 for v in at_ten.values() if v)
    # the cache entry moved to the evening does not tell the morning wrongly when asked again
    again = search(guide, "", now=morning, per_page=20)
    assert again.facets["ouvert"][0].count == first.facets["ouvert"][0].count
    # what is built from results (the API's serialized answer) is kept for their minute only
    built: list[str] = []

    def build(results):
        built.append(results.facets["ouvert"][0].count)
        return built[-1]

    same_minute = search(guide, "", now=morning, per_page=20)
    assert guide.service.derived(again, "api", lambda: build(again)) == first.facets["ouvert"][0].count
    assert guide.service.derived(same_minute, "api", lambda: build(same_minute)) == built[0]
    evening_again = search(guide, "", now=evening, per_page=20)
    night_count = later.facets["ouvert"][0].count
    assert guide.service.derived(evening_again, "api", lambda: build(evening_again)) == night_count
    assert len(built) == 2
    # filtered on it: searched again at the new minute
    open_morning = search(guide, "", ouvert=True, now=morning, per_page=100)
    open_night = search(guide, "", ouvert=True, now=evening, per_page=100)
    assert {h.fiche_id for h in open_morning.hits} == {i for i, v in at_ten.items() if v}
    assert {h.fiche_id for h in open_night.hits} == {i for i, v in at_night.items() if v}


def test_postings_and_phrases_read_from_the_blocks_are_whooshs(guide):
    """Posting lists and phrases are read from Whoosh's blocks (search_index/snapshot.py): the same
    documents, frequencies and phrase matches as Whoosh's own matchers, on an index of two segments whose
    first has deleted documents (three fiches indexed again)."""
    from whoosh import query as wq

    from search_index.schema import FIELD_WEIGHTS
    from search_index.snapshot import _weights

    for fiche in guide.public[:3]:
        fiches.log_index_change(guide.db, fiche)
    guide.db.flush()
    assert guide.service.apply_changes(guide.db).changes == 3
    snap = guide.service.snapshot()
    reader = snap.searcher.reader()
    assert len(reader.leaf_readers()) == 2 and reader.has_deletions()
    checked = 0
    for name in FIELD_WEIGHTS:
        for term in list(reader.lexicon(name))[::5]:
            term = term.decode() if isinstance(term, bytes) else term
            matcher, expected = reader.postings(name, term), []
            while matcher.is_active():
                expected.append((matcher.id(), matcher.weight()))
                matcher.next()
            assert _weights(reader, name, term) == expected, (name, term)
            checked += 1
    assert checked > 100
    phrases = [
        "violences conjugales",
        "aide aux devoirs",
        "cours de français",
        "accès aux droits",
        "permanence juridique",
        "aide alimentaire",
        "maison de quartier",
        "conjugales violences",  # the words in the other order: no fiche
    ]
    matched = 0
    for phrase in phrases:
        terms = tuple(fold_terms(phrase))
        fields = [n for n in FIELD_WEIGHTS if all((n, t) in reader for t in terms)]
        expected = set(snap.searcher.docs_for_query(wq.Or([wq.Phrase(n, list(terms)) for n in fields])))
        assert snap.phrase_docs(terms) == expected, phrase
        matched += bool(expected)
    assert matched >= 5


def fold_terms(text):
    from search_index import analysis

    return analysis.analyse(text)


def test_filters_combine_and_facets_count_the_other_choices(guide):
    everything = search(guide, "", now=TUESDAY_10H)
    justice = search(guide, "", thematique="justice", now=TUESDAY_10H, per_page=100)
    assert justice.total == {v.value: v.count for v in everything.facets["thematique"]}["justice"]
    assert all("justice" in hit.thematiques for hit in justice.hits)
    # the facet being filtered still counts its other values as if it were not chosen…
    assert justice.facets["thematique"] == [
        v._replace(selected=v.value == "justice") for v in everything.facets["thematique"]
    ]
    # … while the other facets count within the chosen thématique
    assert sum(v.count for v in justice.facets["quartier"]) <= justice.total * 2
    gratuit_count = justice.facets["gratuit"][0].count
    both = search(
        guide, "", thematique="justice", gratuit=True, langue="fr", accessible=True, now=TUESDAY_10H
    )
    assert both.total <= gratuit_count
    assert both.facets["gratuit"][0].selected
    assert [v for v in both.facets["langue"] if v.selected] == [("fr", "Français", both.total, True)]
    arabic = search(guide, "", langue="ar", per_page=100)
    assert arabic.total == sum("ar" in f.published_version.langues for f in guide.public)
    seniors = search(guide, "", public="seniors", per_page=100)
    assert seniors.total == sum("seniors" in f.published_version.publics for f in guide.public)
    assert search(guide, "avocat", gratuit=True).total == search(guide, "avocat").total  # all free


def test_sort_by_name_and_by_distance(guide):
    by_name = search(guide, "atelier", sort="nom")
    assert titles(by_name) == sorted(titles(by_name), key=fold)
    near = search(guide, "", sort="distance", position=COMBAUDE, per_page=100)
    distances = [hit.distance_km for hit in near.hits]
    located = [d for d in distances if d is not None]
    assert located == sorted(located)
    assert distances[-1] is None  # « Santé scolaire » has no lieu: last
    assert near.hits[0].distance_km < 0.01
    assert near.hits[0].quartier == "La Gauthière"
    assert near.hits[0].latitude == pytest.approx(COMBAUDE[0])
    # relevance order keeps the distance for display
    relevant = search(guide, "devoirs", position=COMBAUDE)
    assert all(hit.distance_km is not None for hit in relevant.hits)
    assert search(guide, "devoirs").hits[0].distance_km is None


def test_hits_carry_what_a_results_list_shows(guide):
    hit = search(guide, "Aide aux devoirs à la Gauthière", now=TUESDAY_10H).hits[0]
    fiche = next(f for f in guide.public if f.id == hit.fiche_id)
    assert hit.uid == fiche.uid
    assert hit.url == f"/fiche/{fiche.id}-aide-aux-devoirs-a-la-gauthiere"
    assert hit.structure == fiche.organisation.nom
    assert hit.resume == fiche.published_version.resume
    assert hit.horaires == fiche.published_version.horaires
    assert isinstance(hit.snippet, Markup) and "<mark>" in hit.snippet
    assert hit.status == hours.status(hit.horaires, hit.fermetures, TUESDAY_10H)
    assert hit.today == hours.today_hours(hit.horaires, TUESDAY_10H, hit.fermetures)


def test_the_fiche_text_is_escaped_in_snippets(guide, tmp_path):
    fiche = guide.public[0]
    data = {**fiches.content_of(fiche.current_version), "resume": "Atelier <script>alert(1)</script> & co"}
    fiches.save(guide.db, fiche, data, None, base_number=fiche.current_version.number, can_publish=True)
    guide.db.commit()
    guide.service.apply_changes(guide.db)
    hit = next(h for h in search(guide, "atelier", per_page=100).hits if h.fiche_id == fiche.id)
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet


# --- parameters -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"thematique": "inconnue"}, "Thématique inconnue"),
        ({"public": "martiens"}, "Public inconnu"),
        ({"quartier": "atlantide"}, "Quartier inconnu"),
        ({"langue": "klingon"}, "Langue inconnue"),
        ({"page": 0}, "page"),
        ({"page": 10**9}, "page"),
        ({"per_page": 1000}, "par page"),
        ({"sort": "hasard"}, "Tri inconnu"),
        ({"sort": "distance"}, "partagez votre position"),
        ({"position": (200.0, 3.0)}, "hors des limites"),
        ({"position": (45.0, float("nan"))}, "hors des limites"),
        ({"q": "x" * 201}, "trop longue"),
    ],
)
def test_bad_parameters_are_refused_in_french(guide, kwargs, message):
    q = kwargs.pop("q", "")
    with pytest.raises(SearchParameterError, match=message):
        search(guide, q, **kwargs)


def test_query_string_parameters(guide):
    params = guide.service.parse_params(
        {
            "q": " avocat ",
            "thematique": "justice",
            "gratuit": "1",
            "tri": "distance",
            "lat": "45.78",
            "lon": "3.09",
            "page": "1",
        },
        db=guide.db,
    )
    assert params.q == "avocat" and params.gratuit and params.position == (45.78, 3.09)
    assert params.sort == "distance"
    for bad in (
        {"page": "deux"},
        {"lat": "nord", "lon": "3"},
        {"gratuit": "peut-être"},
        {"lat": "95", "lon": "3"},
    ):
        with pytest.raises(SearchParameterError):
            guide.service.parse_params(bad, db=guide.db)


def test_state_filter_is_published_only(guide):
    """The demo's hidden fiches cover every non-public state."""
    assert {f.state for f in guide.hidden} == {State.DRAFT, State.PENDING, State.ARCHIVED}
