"""The list of errors above a failed form: each field in error once, in page order, linked to a place that
exists on the rendered page and shows that field."""

from __future__ import annotations

import colander
import deform
import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup

from schemas import configure_renderer
from schemas.fiche import Fermetures
from views.rendering import FormResult, field_errors


class Phones(colander.SequenceSchema):
    numero = colander.SchemaNode(
        colander.String(), title="Numéro", validator=colander.Length(max=5, max_err="Trop long.")
    )


class Schema(colander.MappingSchema):
    nom = colander.SchemaNode(colander.String(), title="Titre", missing_msg="Indiquez un titre.")
    resume = colander.SchemaNode(colander.String(), title="Résumé", missing="")
    fermetures = Fermetures(title="Fermetures temporaires", missing=[])  # the fiche's own
    numeros = Phones(title="Autres numéros", missing=[])


@pytest.fixture(scope="module")
def failed() -> tuple[deform.Form, BeautifulSoup]:
    configure_renderer()
    form = deform.Form(Schema())
    controls = [
        ("nom", ""),
        ("resume", "Accueil"),
        ("__start__", "fermetures:sequence"),
        ("__start__", "fermeture:mapping"),
        ("debut", "2027-02-10"),
        ("fin", "2027-02-20"),
        ("__end__", "fermeture:mapping"),
        ("__start__", "fermeture:mapping"),
        ("debut", "2027-02-10"),
        ("fin", "2027-02-02"),
        ("__end__", "fermeture:mapping"),
        ("__end__", "fermetures:sequence"),
        ("__start__", "numeros:sequence"),
        ("numero", "04 73 98 07 81"),
        ("__end__", "numeros:sequence"),
    ]
    with pytest.raises(deform.ValidationFailure) as failure:
        form.validate(controls)
    return form, BeautifulSoup(failure.value.render(), "lxml")


def test_each_error_is_listed_once_in_page_order_with_the_name_of_its_field(failed):
    form, _page = failed
    assert [(str(e.label), str(e.message)) for e in field_errors(form)] == [
        ("Titre", "Indiquez un titre."),
        ("Fermetures temporaires — Au (inclus)", "La date de fin doit être après la date de début."),
        ("Autres numéros", "Trop long."),
    ]


def test_each_link_leads_to_the_field_and_its_message_on_the_page(failed):
    form, page = failed
    for error in field_errors(form):
        target = page.find(id=error.anchor)
        assert target is not None, error
        assert str(error.message) in target.get_text(" "), error
    # the second closure is the one in error, not the first
    second_end = form["fermetures"].sequence_fields[1]["fin"]
    assert field_errors(form)[1].anchor == f"item-{second_end.oid}"


def test_a_form_without_errors_lists_nothing():
    configure_renderer()
    form = deform.Form(Schema())
    form.validate([("nom", "Permanence"), ("resume", "")])
    assert field_errors(form) == []


def test_the_list_links_only_to_places_on_the_page_shown(failed):
    """A malformed submission is answered with a fresh form (other ids): no link may lead nowhere."""
    form, page = failed
    html = Markup(str(page))  # noqa: S704 - rendered by deform, read back
    assert len(FormResult(form, html, None, True).errors) == 3
    assert FormResult(form, Markup("<form></form>"), None, True).errors == []
    assert FormResult(form, html, None, False).errors == []  # shown for the first time
