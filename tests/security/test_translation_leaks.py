"""Issue 12: a translation nobody has reviewed never reaches the public. A unique marker goes into a reworked
(unreviewed) English translation of a published fiche whose earlier English text was reviewed, and into a
submitted Arabic one; then every route of the app is fetched as an anonymous visitor, the fiche page, home
and search in every language, the API, the open-data exports and the search index's document: the marker
appears nowhere, while the reviewed English text is on the English page. Partners still see their draft."""

from __future__ import annotations

from typing import Any

from guide.models import IndexChange
from guide.services import translations
from search_index.indexer import build_document, load_fiches
from views.opendata import FILES as OPENDATA_FILES

from ..functional.test_translations import visitor  # noqa: F401 - a fixture
from .test_headers import extra  # noqa: F401 - a fixture
from .test_pro_info_leaks import _walk

MARK = "Zq7TRAD"
SEGMENTS = ("en", "ar", "uk", "prs", "es")


def _unreviewed(db: Any, world: Any) -> Any:
    fiche, coord, editor = world.fiches["published_a"], world.users["coord"], world.users["editor_a"]
    reviewed = translations.save(db, fiche, "en", {"nom": "Legal advice desk", "resume": "Free help."}, coord)
    translations.publish(db, fiche, reviewed, coord)
    reworked = {"nom": f"{MARK} desk", "resume": f"{MARK} summary", "conditions": f"{MARK} conditions"}
    translations.save(db, fiche, "en", reworked, editor)
    translations.save(db, fiche, "ar", {"nom": f"{MARK} عربي", "resume": f"{MARK} ar"}, editor, submit=True)
    db.add(IndexChange(fiche_id=fiche.id))  # the index rebuilds the fiche's document after this commit
    db.commit()
    return fiche


def test_an_unreviewed_translation_never_reaches_the_public(testapp, visitor, world, db, extra, login):  # noqa: F811
    fiche = _unreviewed(db, world)
    seen = _walk(testapp, world, {**extra, "lang": "en", "action": "publier"}, "anonymous")
    assert {"fiche", "api_fiche", "search", "fiche_translation"} <= seen.keys()
    assert sorted(name for name, text in seen.items() if MARK in text) == []
    paths = [
        f"/api/v1/fiches/{fiche.id}",
        "/api/v1/search?q=desk",
        "/api/v1/fiches",
        *(f"/opendata/{fmt}/{name}" for fmt, names in OPENDATA_FILES.items() for name in names),
    ]
    for segment in SEGMENTS:
        paths += [f"/{segment}/", f"/{segment}/recherche?q=desk"]  # (a query is echoed: not the marker)
        page = visitor.get(f"/{segment}/fiche/{fiche.id}").maybe_follow()
        assert MARK not in page.text, segment
    for path in paths:
        assert MARK not in visitor.get(path).maybe_follow().text, path
    assert visitor.get("/api/v1/search", {"q": MARK}).json["total"] == 0
    english = visitor.get(f"/en/fiche/{fiche.id}").maybe_follow()
    assert english.html.find("h1").text == "Legal advice desk"
    assert visitor.get(f"/api/v1/fiches/{fiche.id}").json["traductions"] == {
        "en": {"nom": "Legal advice desk", "resume": "Free help.", "conditions": ""}
    }
    document = build_document(load_fiches(db, [fiche.id])[fiche.id])
    assert MARK not in str(document) and "Legal advice desk" in document["traductions"]
    # the partner reads their own draft (the marker was really written)
    login(world.users["editor_a"].email)
    assert MARK in testapp.get(f"/espace/fiches/{fiche.id}/traductions/en/modifier").text
