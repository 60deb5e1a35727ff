"""« État du guide » is computed again only when the data changed: its figures are cached on the data
revision (guide.services.revision), and every committed change they count moves that revision — through
the ORM or a bulk statement, from this server or another one on the same database."""

from __future__ import annotations

import datetime as dt

import pytest
import transaction
from sqlalchemy import event, select, update

from guide.db import get_tm_session, make_engine, make_session_factory
from guide.models import ErrorReport, Fiche, Membership, Organisation, SearchMiss, Thematique, utcnow
from guide.services import fiches, quality, revision
from guide.services.freshness import Freshness, add_months

from ..databases import demo_guide
from ..live import site_database


@pytest.fixture
def guide_url(tmp_path, worker_id):
    # a copy of the demo guide loaded once per run (tests/databases.py)
    return demo_guide(site_database(tmp_path, f"guide_state_cache_{worker_id}"))


@pytest.fixture
def servers(guide_url):
    """Two application servers' session factories on one database (each its own engine, its own pool)."""
    engines = [make_engine(guide_url), make_engine(guide_url)]
    yield [make_session_factory(engine) for engine in engines]
    for engine in engines:
        engine.dispose()


def _state(factory):
    with factory() as db:
        return quality.guide_state(db, dt.date.today(), utcnow())


def _statements(factory, fn):
    """How many SQL statements ``fn`` ran through ``factory``'s engine."""
    engine = factory.kw["bind"]
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_unchanged_data_is_not_counted_again(servers):
    first = _state(servers[0])
    uncached = _statements(servers[1], lambda: _state(servers[1]))  # the other server computes its own
    cached = _statements(servers[0], lambda: _state(servers[0]))
    assert cached < uncached / 2  # the revision and the review queue; not the grouped counts
    assert _state(servers[0]).overall.counts == first.overall.counts
    # what the figures do not count (a search without results) leaves them cached
    _unwatched_change_keeps_the_cache(servers, cached)


def _a_confirmation_on_one_server_shows_at_once_on_the_other(servers):
    reader, writer = servers
    with writer() as db:  # one public fiche goes stale
        fiche = db.scalars(select(Fiche).where(Fiche.is_public).order_by(Fiche.id)).first()
        fiche.confirmed_at = add_months(dt.date.today(), -30)
        db.commit()
    before = _state(reader)
    manager = transaction.TransactionManager(explicit=True)
    with manager:  # as a request does: a session joined to the transaction manager (pyramid_tm)
        db = get_tm_session(writer, manager, writes=True)
        fiches.confirm(db.get(Fiche, fiche.id), None)
    after = _state(reader)
    assert after.overall.counts[Freshness.A_VERIFIER] == before.overall.counts[Freshness.A_VERIFIER] - 1
    assert after.counts["a-verifier"] == before.counts["a-verifier"] - 1


def test_every_kind_of_change_moves_the_figures(servers):
    _a_confirmation_on_one_server_shows_at_once_on_the_other(servers)
    reader, writer = servers
    today = dt.date.today()

    # a bulk statement (no object loaded): every public fiche confirmed long ago
    with writer() as db:
        db.execute(update(Fiche).values(confirmed_at=add_months(today, -40)))
        db.commit()
    state = _state(reader)
    assert state.overall.counts[Freshness.A_VERIFIER] == state.overall.total

    # the thématiques' update period (the freshness of every fiche without a period of its own)
    with writer() as db:
        db.execute(update(Fiche).values(confirmed_at=add_months(today, -2)))
        db.commit()
    stale = _state(reader).overall.counts[Freshness.A_VERIFIER]
    assert stale < state.overall.total
    with writer() as db:
        for thematique in db.scalars(select(Thematique)):
            thematique.update_period_months = 1
        db.commit()
    assert _state(reader).overall.counts[Freshness.A_VERIFIER] > stale

    # an error report, then an organisation left without members, then renamed
    reports = _state(reader).counts["signalements"]
    with writer() as db:
        fiche_id = db.scalar(select(Fiche.id).where(Fiche.is_public).order_by(Fiche.id))
        db.add(ErrorReport(fiche_id=fiche_id, message="Le numéro ne répond plus."))
        db.commit()
    assert _state(reader).counts["signalements"] == reports + 1
    alone = _state(reader).counts["structures-sans-membre"]
    with writer() as db:
        membership = db.scalars(select(Membership).order_by(Membership.id)).first()
        organisation_id = membership.organisation_id
        for other in db.scalars(select(Membership).where(Membership.organisation_id == organisation_id)):
            db.delete(other)
        db.commit()
    assert _state(reader).counts["structures-sans-membre"] == alone + 1
    with writer() as db:
        db.get(Organisation, organisation_id).nom = "Maison des solidarités (nouveau nom)"
        db.commit()
    labels = {group.label for group in _state(reader).by_organisation}
    assert "Maison des solidarités (nouveau nom)" in labels


def _unwatched_change_keeps_the_cache(servers, cached):
    reader, writer = servers
    _state(reader)
    with writer() as db:
        before = revision.current(db)
        db.add(SearchMiss(query="aide au permis", day=dt.date.today(), count=1))
        db.commit()
    with writer() as db:
        assert revision.current(db) == before
    assert _statements(reader, lambda: _state(reader)) == cached


def test_a_transaction_rolled_back_leaves_no_figure_behind(servers):
    reader, _writer = servers
    total = _state(reader).overall.total
    with reader() as db:
        for fiche in db.scalars(select(Fiche).where(Fiche.is_public)).all()[:3]:
            fiche.state = fiches.State.ARCHIVED
        db.flush()
        # its own changes, not committed: counted for this session, kept for nobody
        assert quality.guide_state(db, dt.date.today(), utcnow()).overall.total == total - 3
        db.rollback()
    assert _state(reader).overall.total == total
