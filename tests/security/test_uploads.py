"""Uploaded logos do not pile up in var/uploads/tmp: used or rejected files go, abandoned ones expire."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

from PIL import Image
from webtest import Upload

from guide import storage
from guide.services import uploads

from ..functional.helpers import field_error


def _png(size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 79, 159)).save(out, format="PNG")
    return out.getvalue()


def _temp_files(app_settings) -> list[str]:
    folder = Path(app_settings["var_dir"]) / "uploads" / "tmp"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _logos(db) -> list[str]:
    """Stored logos, in the shared storage (a partner's change may wait for review before the organisation
    shows it)."""
    return sorted(storage.names(db, storage.LOGOS))


def _edit_form(testapp, world):
    return testapp.get(f"/espace/structures/{world.orgs['a'].id}/modifier").forms["deform"]


def test_rejected_and_accepted_logos_leave_nothing_in_the_temp_folder(
    testapp, world, login, app_settings, db
):
    login("owner.a@test.fr")
    form = _edit_form(testapp, world)
    form["upload"] = Upload("logo.png", b"#!/bin/sh\necho pas une image\n", "image/png")
    page = form.submit("save")
    assert "pas une image" in field_error(page, "upload")
    assert _temp_files(app_settings) == []
    # the form shown again does not bring the rejected file back when sent without a new file
    page.forms["deform"]["nom"] = "Association Alpha bis"
    page.forms["deform"].submit("save").follow()
    assert _logos(db) == []

    form = _edit_form(testapp, world)
    form["upload"] = Upload("logo.png", _png(), "image/png")
    form.submit("save").follow()
    assert len(_logos(db)) == 1
    assert _temp_files(app_settings) == []


def test_a_logo_kept_for_a_form_with_errors_is_used_then_removed(testapp, world, login, app_settings, db):
    login("owner.a@test.fr")
    form = _edit_form(testapp, world)
    form["upload"] = Upload("logo.png", _png(), "image/png")
    form["telephone"] = "04 73"  # another field is wrong: the valid logo waits for the form to come back
    page = form.submit("save")
    assert page.status_int == 200 and field_error(page, "telephone")
    assert _temp_files(app_settings)
    page.forms["deform"]["telephone"] = "04 73 98 07 81"
    page.forms["deform"].submit("save").follow()
    assert len(_logos(db)) == 1
    assert _temp_files(app_settings) == []


def test_abandoned_temp_uploads_are_purged_after_a_day(testapp, world, login, app_settings):
    folder = Path(app_settings["var_dir"]) / "uploads" / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    old, recent = folder / "abandoned.bin", folder / "recent.bin"
    old.write_bytes(b"x")
    recent.write_bytes(b"y")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    assert uploads.purge_stale_temp_files(app_settings["var_dir"]) == 1
    assert _temp_files(app_settings) == ["recent.bin"]

    os.utime(recent, (two_days_ago, two_days_ago))
    login("owner.a@test.fr")
    form = _edit_form(testapp, world)
    form["upload"] = Upload("logo.png", _png(), "image/png")
    form["telephone"] = "04 73"
    form.submit("save")  # a new upload purges what was abandoned
    assert "recent.bin" not in _temp_files(app_settings)
