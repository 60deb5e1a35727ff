def test_home_counts_published_fiches_only(testapp, world):
    page = testapp.get("/")
    assert "Trouver un service" in page.text
    theme = page.html.select_one('.themes a[href*="thematique=acces-aux-droits"]')
    assert theme.select_one(".count").get_text() == "3"  # published a, b and c; drafts and archives not
    assert "3 services" in page.html.select_one(".hero").get_text()


def test_installable_on_a_phone(testapp):
    home = testapp.get("/")
    manifest_url = home.html.select_one('link[rel="manifest"]')["href"]
    manifest = testapp.get(manifest_url)
    assert manifest.content_type == "application/manifest+json"
    data = manifest.json
    assert data["lang"] == "fr" and data["display"] == "standalone"
    for icon in data["icons"]:
        assert testapp.get(icon["src"]).content_type == "image/png"
