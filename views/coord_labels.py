"""Coordination: « Libellés publics », the plain words the public pages use for data·inclusion's codes.

The rules (what a label may be, French only, the codes never change) live in
``guide.services.public_labels``.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.i18n import TranslationStringFactory
from pyramid.view import view_config

from guide.permissions import Permission
from guide.services import public_labels
from schemas.labels import PublicLabelSchema

from .rendering import process_form

_ = TranslationStringFactory("guide")


@view_config(
    route_name="coord_public_labels", renderer="public_labels.jinja2", permission=Permission.COORDINATE
)
def label_list(request: Any) -> Any:
    titles = {kind: request.localizer.translate(title) for kind, title in public_labels.KIND_TITLES.items()}
    return {"rows": public_labels.rows(request.dbsession), "titles": titles}


@view_config(
    route_name="coord_public_label", renderer="public_label_edit.jinja2", permission=Permission.COORDINATE
)
def label_edit(request: Any) -> Any:
    kind, code = request.matchdict["kind"], request.matchdict["code"]
    if not public_labels.known(kind, code):
        raise HTTPNotFound()
    row = next(r for r in public_labels.rows(request.dbsession)[kind] if r.code == code)
    back = request.route_path("coord_public_labels", _anchor=f"{kind}-{code}")
    if request.method == "POST" and "reset" in request.POST:  # (the CSRF token is checked for every POST)
        public_labels.reset(request.dbsession, kind, code)
        public_labels.invalidate(request)
        message = _("Le libellé par défaut est rétabli : « ${label} ».", mapping={"label": row.default})
        request.session.flash(request.localizer.translate(message), "success")
        return HTTPSeeOther(back)
    result = process_form(request, PublicLabelSchema(), appstruct={"label": row.public})
    if result.valid:
        assert result.appstruct is not None
        try:
            public_labels.set_label(request.dbsession, kind, code, result.appstruct["label"], request.user)
        except public_labels.LabelError as error:
            result.fail("label", error.message)
        else:
            public_labels.invalidate(request)
            message = _(
                "Les pages publiques disent maintenant « ${label} ».",
                mapping={"label": result.appstruct["label"]},
            )
            request.session.flash(request.localizer.translate(message), "success")
            return HTTPSeeOther(back)
    title = request.localizer.translate(public_labels.KIND_TITLES[kind])
    return {"form": result, "row": row, "title": title, "back": back}
