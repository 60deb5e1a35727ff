def test_home_answers(testapp, world):
    page = testapp.get("/")
    assert "Trouver un service" in page.text
    assert "Fiche published a" in page.text
    assert "Fiche draft a" not in page.text
