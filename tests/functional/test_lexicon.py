"""The lexicon of issue 9: shipped as data, loaded at installation, idempotent, editable by coordinators whose
changes a new lexicon never overwrites; coordinators place a word met in a search without results in an
existing group."""

from __future__ import annotations

import json
import shutil

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from guide.models import Synonym
from guide.models.search import LexiconDismissal
from guide.scripts import lexicon as lexicon_script
from guide.scripts.migrate import upgrade
from guide.services import lexicon
from guide.services.lexicon import LexiconError, LexiconGroup, ensure_lexicon, load_lexicon, parse_lexicon
from search_index import SearchService
from search_index.analysis import analyse
from search_index.params import MAX_SYNONYMS

from .helpers import post

SHIPPED = load_lexicon()


def _lexicon_rows(db):
    return {
        row.lexicon_key: row for row in db.scalars(select(Synonym).where(Synonym.lexicon_key.is_not(None)))
    }


# --- the data ----------------------------------------------------------------------------------------------


def test_the_shipped_lexicon_covers_the_field_and_its_languages():
    assert len(SHIPPED) >= 300
    assert sum(len(g.expressions) for g in SHIPPED) >= 1000
    words = {e.lower() for g in SHIPPED for e in g.expressions}
    for acronym in (
        "caf",
        "cpam",
        "css",
        "rsa",
        "aah",
        "apl",
        "pmi",
        "mdph",
        "ccas",
        "cias",
        "pass",
        "siao",
        "115",
    ):
        assert acronym in words, acronym
    for acronym in (
        "ist",
        "vih",
        "ivg",
        "fle",
        "ase",
        "cmp",
        "csapa",
        "cada",
        "pada",
        "ofii",
        "cidff",
        "pij",
    ):
        assert acronym in words, acronym
    assert {"france travail", "pôle emploi", "mission locale"} <= words
    assert {g.language for g in SHIPPED} == {"fr", "en", "ar", "uk", "ru", "es", "pt", "tr", "fa", "ps"}
    # the examples: "lawyer", "محامي", "юрист" lead to the avocat; domiciliation to the postal address
    for foreign in ("lawyer", "محامي", "юрист"):
        assert any(foreign in g.expressions and "avocat" in g.expressions for g in SHIPPED), foreign
    assert any({"domiciliation", "adresse postale"} <= set(g.expressions) for g in SHIPPED)
    assert any({"colis", "aide alimentaire"} <= set(g.expressions) for g in SHIPPED)


def test_every_group_is_focused_and_understood_by_the_search():
    for group in SHIPPED:
        analysed = [tuple(analyse(e)) for e in group.expressions]
        assert all(analysed), f"{group.key}: an expression has no word the search keeps"
        assert len(set(analysed)) == len(analysed), f"{group.key}: two expressions are the same to the search"
        assert len(group.expressions) - 1 <= MAX_SYNONYMS, group.key
    assert len({g.terms.lower() for g in SHIPPED}) == len(SHIPPED), "two groups are the same"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"groups": [{"key": "a", "lang": "fr", "terms": ["x", "y"]}] * 2}, "used twice"),
        ({"groups": [{"key": "a", "lang": "xx", "terms": ["x", "y"]}]}, "unknown language"),
        ({"groups": [{"key": "a", "lang": "fr", "terms": ["x"]}]}, "2 to 7"),
        ({"groups": [{"key": "a", "lang": "fr", "terms": [str(n) for n in range(8)]}]}, "2 to 7"),
        ({"groups": [{"key": "a", "lang": "fr", "terms": ["x, z", "y"]}]}, "separator"),
        ({"groups": [{"key": "A B", "lang": "fr", "terms": ["x", "y"]}]}, "key"),
        ({"groupes": []}, "groups"),
    ],
)
def test_a_broken_lexicon_is_refused_whole(document, message):
    with pytest.raises(LexiconError, match=message):
        parse_lexicon(document)


# --- loading -----------------------------------------------------------------------------------------------


def test_a_fresh_installation_has_the_lexicon(db):
    """The suite's database is migrated, without the demo: the migration loaded the lexicon."""
    rows = _lexicon_rows(db)
    assert set(rows) == {g.key for g in SHIPPED}
    lawyer = rows["en:avocat"]
    assert lawyer.language == "en" and "lawyer" in lawyer.expressions and "avocat" in lawyer.expressions
    assert all(row.terms == row.lexicon_terms for row in rows.values())


def test_loading_again_changes_nothing(db):
    before = db.scalar(select(func.count(Synonym.id)))
    report = ensure_lexicon(db)
    assert (report.added, report.updated, report.up_to_date) == (0, 0, len(SHIPPED))
    assert db.scalar(select(func.count(Synonym.id))) == before


def test_a_new_lexicon_never_overwrites_a_coordinators_change(db):
    rows = _lexicon_rows(db)
    rows["fr:caf" if "fr:caf" in rows else "caf"].terms = "CAF, caisse d'allocations familiales, la caf du 63"
    lexicon.delete_group(db, rows["en:avocat"])
    newer = [
        LexiconGroup(g.key, g.language, (*g.expressions, "nouveau mot"))
        if g.key in ("caf", "cpam", "en:avocat")
        else g
        for g in SHIPPED
        if g.key != "falc"
    ] + [LexiconGroup("nouveau", "fr", ("mot neuf", "mot frais"))]

    plain = ensure_lexicon(db, groups=newer)  # without --update: only what is missing
    assert (plain.added, plain.updated, plain.outdated, plain.dismissed) == (1, 0, 1, 1)
    assert plain.kept == ["caf"]
    assert "nouveau mot" not in _lexicon_rows(db)["cpam"].terms

    report = ensure_lexicon(db, update=True, groups=newer)
    assert (report.added, report.updated, report.retired, report.dismissed) == (0, 1, 1, 1)
    rows = _lexicon_rows(db)
    assert rows["caf"].terms == "CAF, caisse d'allocations familiales, la caf du 63"  # the coordinator's
    assert rows["cpam"].terms.endswith(", nouveau mot")  # untouched by coordinators: updated
    assert "en:avocat" not in rows  # deleted by a coordinator: not brought back
    assert "falc" not in rows  # no longer shipped, never changed: retired
    assert db.scalar(select(LexiconDismissal.lexicon_key)) == "en:avocat"


def test_a_group_already_there_is_not_added_twice(db):
    for row in _lexicon_rows(db).values():
        db.delete(row)
    db.add(Synonym(terms="IVG, Interruption volontaire de grossesse, avortement"))
    db.flush()
    report = ensure_lexicon(db)
    assert report.already_there == 1 and report.added == len(SHIPPED) - 1
    assert db.scalar(select(func.count(Synonym.id)).where(Synonym.terms.ilike("ivg,%"))) == 1


def test_guide_lexicon_script(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'guide.sqlite'}"
    upgrade(url)
    ini = tmp_path / "guide.ini"
    ini.write_text(f"[app:main]\nuse = egg:guide-du-territoire\ndatabase_url = {url}\nvar_dir = {tmp_path}\n")
    assert lexicon_script.main([str(ini)]) == 0
    out = capsys.readouterr().out
    assert "Groupes ajoutés : 0." in out and f"Groupes déjà à jour : {len(SHIPPED)}." in out
    assert lexicon_script.main([str(ini), "--update"]) == 0
    assert "Groupes mis à jour : 0." in capsys.readouterr().out


def test_guide_lexicon_script_refuses_a_broken_file(tmp_path, capsys, monkeypatch):
    broken = tmp_path / "lexicon.json"
    broken.write_text(json.dumps({"groups": [{"key": "x", "lang": "fr", "terms": ["seul"]}]}))
    url = f"sqlite:///{tmp_path / 'guide.sqlite'}"
    upgrade(url)
    monkeypatch.setattr(lexicon.load_lexicon, "__defaults__", (broken,))
    ini = tmp_path / "guide.ini"
    ini.write_text(f"[app:main]\nuse = egg:guide-du-territoire\ndatabase_url = {url}\nvar_dir = {tmp_path}\n")
    assert lexicon_script.main([str(ini)]) == 1
    assert "Lexique illisible" in capsys.readouterr().err


# --- the search uses it ------------------------------------------------------------------------------------


def test_other_languages_find_the_avocat_on_the_demo_guide(db, demo_guide, session_factory, tmp_path):
    shutil.copytree(demo_guide, tmp_path / "index")
    service = SearchService(tmp_path / "index", session_factory)
    for q in ("lawyer", "محامي", "юрист", "abogado", "avukat"):
        results = service.search(q, db=db, record_miss=False)
        assert any("avocat" in hit.nom.lower() for hit in results.hits[:3]), q


# --- coordinators ------------------------------------------------------------------------------------------


def _table(page):
    soup = BeautifulSoup(page.text, "lxml")
    return [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in soup.select("table.list tbody tr")
    ]


def test_coordinators_filter_the_lexicon_by_language_and_text(testapp, login, world):
    login(world.users["coord"].email)
    page = testapp.get("/coordination/synonymes", {"langue": "uk"})
    rows = _table(page)
    assert rows and all(row[1] == "Ukrainien" for row in rows)
    assert any("юрист" in row[0] and "avocat" in row[0] for row in rows)
    assert all(row[2] == "Lexique" for row in rows)
    page = testapp.get("/coordination/synonymes", {"q": "ALIMENTAIRE"})
    rows = _table(page)
    assert rows and all("alimentaire" in row[0].lower() or "alimentar" in row[0].lower() for row in rows)
    assert {row[1] for row in rows} > {"Français"}  # « food bank … aide alimentaire » is in English
    page = testapp.get("/coordination/synonymes", {"langue": "klingon"})
    assert "Langue inconnue : « klingon »." in page.text
    assert len(_table(page)) == len(SHIPPED)  # the unknown filter is dropped, not the page


def test_a_word_without_results_is_added_to_an_existing_group(testapp, login, world, db):
    """The papercut: « Créer un synonyme » from a search without results offers the existing groups."""
    service = testapp.app.registry["search"]
    login(world.users["coord"].email)
    group = _lexicon_rows(db)["avocat"]
    page = testapp.get("/coordination/synonymes", {"expressions": "zorglub, ", "q": "juriste"})
    assert "Ajouter « zorglub » à un groupe existant" in page.text
    assert page.forms["deform"]["terms"].value == "zorglub, "  # creating a new group stays possible
    forms = [
        f for f in page.forms.values() if f.action.endswith(f"/coordination/synonymes/{group.id}?q=juriste")
    ]
    assert len(forms) == 1 and forms[0]["mot"].value == "zorglub"
    done = forms[0].submit().follow()
    assert "« zorglub » ajouté au groupe" in done.text
    db.expire_all()
    assert db.get(Synonym, group.id).expressions[-1] == "zorglub"
    hits = service.search("zorglub", db=db, record_miss=False)
    assert hits.total >= 1  # the next search knows it (world's fiches: « Une juriste vous reçoit… »)
    listed = _table(testapp.get("/coordination/synonymes", {"q": "zorglub"}))
    assert listed[0][2] == "Lexique, modifié"


def test_adding_a_word_twice_is_explained_beside_the_word(testapp, login, world, db):
    login(world.users["coord"].email)
    group = _lexicon_rows(db)["avocat"]
    page = post(testapp, f"/coordination/synonymes/{group.id}", {"mot": "Juriste"}, expect_errors=True)
    assert page.status_int == 400
    assert "« Juriste » fait déjà partie de ce groupe (avocat, juriste, conseil juridique, …)." in page.text
    assert "Ajouter « Juriste » à un groupe existant" in page.text  # the word is kept
    page = post(testapp, f"/coordination/synonymes/{group.id}", {"mot": "  "}, expect_errors=True)
    assert "Indiquez le mot" in page.text
    db.expire_all()
    assert db.get(Synonym, group.id).terms == db.get(Synonym, group.id).lexicon_terms


def test_partners_cannot_add_a_word(testapp, login, world, db):
    group = _lexicon_rows(db)["avocat"]
    login(world.users["owner_a"].email)
    response = post(testapp, f"/coordination/synonymes/{group.id}", {"mot": "zorglub"}, expect_errors=True)
    assert response.status_int == 403


def test_deleting_a_lexicon_group_is_remembered(testapp, login, world, db):
    login(world.users["coord"].email)
    group = _lexicon_rows(db)["en:avocat"]
    page = testapp.get(f"/coordination/synonymes/{group.id}")
    assert "Lexique" in page.text and "Anglais" in page.text
    post(testapp, f"/coordination/synonymes/{group.id}/supprimer").follow()
    assert "en:avocat" not in _lexicon_rows(db)
    assert ensure_lexicon(db).dismissed == 1
    assert "en:avocat" not in _lexicon_rows(db)


def test_odd_input_on_the_synonyms_page_never_fails(testapp, login, world, db):
    login(world.users["coord"].email)
    for params in (
        {"langue": "x" * 500, "q": "\x01<script>", "mot": "é" * 500},
        {"q": " " * 300, "expressions": ",,,;;;"},
        {"langue": "", "q": "", "mot": ""},
    ):
        page = testapp.get("/coordination/synonymes", params)
        assert page.status_int == 200
        assert "<script>" not in page.text.split("<main", 1)[-1].split("</main>", 1)[0]
    group = _lexicon_rows(db)["avocat"]
    page = post(testapp, f"/coordination/synonymes/{group.id}", {"mot": "z" * 500}, expect_errors=True)
    assert page.status_int == 400 and "100 caractères au plus" in page.text
    assert post(testapp, "/coordination/synonymes/999999", {"mot": "x"}, expect_errors=True).status_int == 404
