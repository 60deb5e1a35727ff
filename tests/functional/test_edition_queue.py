"""The edition queue: one generation at a time, and a generation without news for long is taken as lost."""

from __future__ import annotations

import datetime as dt

import pytest

from guide.models import Edition, EditionStatus
from guide.services import edition_queue


def _edition(db, title: str, status: EditionStatus = EditionStatus.DRAFT) -> Edition:
    edition = Edition(title=title, year=2027, page_format="A5", grouping="thematique", filters={}, message="")
    edition.status = status
    db.add(edition)
    db.flush()
    return edition


def test_an_edition_is_queued_when_no_other_is_being_generated(db):
    edition = _edition(db, "Guide 2027")
    assert edition_queue.enqueue(db, edition)
    assert edition.status == EditionStatus.QUEUED
    assert edition.progress == 0
    assert not edition_queue.enqueue(db, edition)  # already queued: nothing more to do


def test_only_one_generation_at_a_time(db):
    running = _edition(db, "Guide 2026", EditionStatus.RUNNING)
    waiting = _edition(db, "Guide 2027")
    with pytest.raises(edition_queue.AnotherEditionRunning) as refused:
        edition_queue.enqueue(db, waiting)
    assert "« Guide 2026 » est en cours de génération" in refused.value.message
    assert waiting.status == EditionStatus.DRAFT
    # its process died long ago: it no longer holds the queue
    running.updated_at = running.updated_at - edition_queue.STALE_AFTER - dt.timedelta(minutes=1)
    assert edition_queue.is_stale(running)
    assert edition_queue.enqueue(db, waiting)
