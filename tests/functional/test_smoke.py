def test_home_answers(testapp, world):
    page = testapp.get("/")
    assert "Trouver un service" in page.text
    assert "Fiche published a" in page.text
    assert "Fiche draft a" not in page.text


def test_installable_on_a_phone(testapp):
    home = testapp.get("/")
    manifest_url = home.html.select_one('link[rel="manifest"]')["href"]
    manifest = testapp.get(manifest_url)
    assert manifest.content_type == "application/manifest+json"
    data = manifest.json
    assert data["lang"] == "fr" and data["display"] == "standalone"
    for icon in data["icons"]:
        assert testapp.get(icon["src"]).content_type == "image/png"
