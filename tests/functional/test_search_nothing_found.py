"""Nothing found: besides other words and fewer filters, the page gives the emergency and listening numbers
the coordination keeps (those of the printed guide's back cover), a tap away on a phone — at night the
reception desk it also names does not answer."""

from __future__ import annotations

from guide.models import Helpline


def _numbers(page):
    return [
        (
            li.select_one(".hl-number").get_text(strip=True),
            li.select_one("strong").get_text(strip=True),
            (li.select_one("a") or {}).get("href"),
        )
        for li in page.html.select(".helplines-now li")
    ]


def test_nothing_found_gives_the_numbers_the_coordination_keeps(testapp, world, db):
    db.add_all(
        [
            Helpline(label="Écoute des aidants", number="04 73 00 00 01", description="", position=20),
            Helpline(
                label="SAMU social — hébergement d'urgence",
                number="115",
                description="Sans abri, besoin d'un hébergement pour la nuit. Gratuit, 24 h/24.",
                position=10,
            ),
        ]
    )
    db.commit()
    page = testapp.get("/recherche", params={"q": "où dormir cette nuit"})
    assert "Aucun service trouvé" in page.text
    assert _numbers(page) == [
        ("115", "SAMU social — hébergement d'urgence", "tel:115"),
        ("04 73 00 00 01", "Écoute des aidants", "tel:+33473000001"),
    ]
    assert "pour la nuit" in page.html.select_one(".helplines-now").get_text(" ")

    # something found: the page is about what was found
    page = testapp.get("/recherche", params={"q": "droits"})
    assert page.html.select(".hit") and page.html.select_one(".helplines-now") is None


def test_the_numbers_are_french_words_in_a_left_to_right_island_on_an_arabic_page(testapp, world, db):
    db.add(Helpline(label="Violences Femmes Info", number="3919", description="Écoute.", position=10))
    db.commit()
    page = testapp.get("/ar/recherche", params={"q": "zzqqxx"})
    item = page.html.select_one(".helplines-now li")
    text = item.select_one("span[lang=fr]")
    assert text is not None and text.get("dir") == "ltr"
    assert item.select_one("a")["href"] == "tel:3919"
