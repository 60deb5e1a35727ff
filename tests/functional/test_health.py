"""/sante: what the city's monitoring reads."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import OperationalError

from guide.models import Edition, EditionStatus, IndexChange


def test_a_healthy_process_answers_200_without_cookie_nor_cache(testapp):
    response = testapp.get("/sante")
    assert response.status_int == 200
    assert response.content_type == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    data = response.json
    assert data["etat"] == "ok"
    assert data["base"]["etat"] == "ok"
    assert data["index"]["retard"] == 0
    assert data["index"]["dernier_changement_applique"] == data["index"]["dernier_changement"]
    assert data["disque"]["libre_mo"] > 0
    assert data["pdf"] == {"etat": "ok", "en_attente": 0, "maximum": 8}
    assert "secret" not in response.text and "sqlite" not in response.text


def test_the_probe_is_not_rate_limited(testapp):
    statuses = {testapp.get("/sante", expect_errors=True).status_int for _ in range(30)}
    assert statuses == {200}


class _BrokenSession:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def connection(self):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))


def test_database_down_gives_503(testapp, app, monkeypatch):
    monkeypatch.setitem(app.registry, "dbsession_factory", _BrokenSession)
    response = testapp.get("/sante", expect_errors=True)
    assert response.status_int == 503
    assert response.json["etat"] == "panne"
    assert response.json["base"] == {"etat": "panne", "message": "Base de données injoignable"}
    assert "connection refused" not in response.text


def test_changes_the_index_has_not_applied_are_reported(testapp, db):
    applied = testapp.get("/sante").json["index"]["dernier_changement_applique"]
    # two changes committed by another process an hour ago, not yet read by this process's index
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    db.add_all([IndexChange(fiche_id=1, at=long_ago), IndexChange(fiche_id=2, at=long_ago)])
    db.flush()
    data = testapp.get("/sante").json
    assert data["index"]["retard"] == 2
    assert data["index"]["dernier_changement"] >= applied + 2
    assert data["index"]["retard_secondes"] >= 3600
    assert data["index"]["etat"] == "alerte"
    assert data["etat"] == "alerte"


def test_little_free_disk_space_is_a_warning_not_a_failure(testapp, app, monkeypatch):
    from guide import settings

    monkeypatch.setitem(
        app.registry,
        settings.REGISTRY_KEY,
        settings.parse({**app.registry.settings, "health.min_free_mb": "1e12"}),
    )
    response = testapp.get("/sante")
    assert response.status_int == 200
    assert response.json["disque"]["etat"] == "alerte"
    assert response.json["etat"] == "alerte"


def test_an_edition_generation_without_news_is_reported(testapp, db):
    assert testapp.get("/sante").json["editions"] == {
        "etat": "ok",
        "en_cours": 0,
        "sans_nouvelles_secondes": 0,
    }
    silent_since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)
    db.add(Edition(title="Guide 2027", year=2027, status=EditionStatus.RUNNING, updated_at=silent_since))
    db.flush()
    response = testapp.get("/sante")
    assert response.status_int == 200
    editions = response.json["editions"]
    assert editions["etat"] == "alerte" and editions["en_cours"] == 1
    assert editions["sans_nouvelles_secondes"] >= 1800
