"""Every form's phone and e-mail fields are one definition (schemas.types.phone_node / email_node): the
same numbers accepted and written the same way, the same French messages, a length the columns hold."""

from __future__ import annotations

import colander
import pytest

from schemas.directory import OrganisationSchema, ProInfoSchema
from schemas.fiche import FicheSchema
from schemas.professionals import ProfessionalCardSchema
from schemas.referents import ReferentCardSchema
from schemas.types import PHONE_MAX_LENGTH

PHONES = [
    (FicheSchema, "telephone"),
    (OrganisationSchema, "telephone"),
    (ProInfoSchema, "ligne_directe"),
    (ReferentCardSchema, "telephone"),
    (ProfessionalCardSchema, "telephone"),
]
EMAILS = [
    (FicheSchema, "courriel"),
    (OrganisationSchema, "courriel"),
    (ProInfoSchema, "referent_courriel"),
    (ReferentCardSchema, "courriel"),
    (ProfessionalCardSchema, "courriel"),
]


@pytest.mark.parametrize(("schema", "name"), PHONES)
def test_phone_fields_agree(schema, name):
    node = schema()[name]
    assert node.deserialize("+33 (0)4 73 98 07 81") == "04 73 98 07 81"
    assert node.deserialize("3919") == "3919"
    assert node.deserialize("") == ""  # optional
    with pytest.raises(colander.Invalid) as error:
        node.deserialize("04 73")
    assert "numéro" in str(error.value.asdict()).lower()
    assert node.widget.type_name == "tel"


def test_phone_columns_hold_every_accepted_number():
    from guide.models import Organisation
    from guide.models.pro import ProInfo
    from guide.models.professionals import ProfessionalCard
    from guide.models.referents import ReferentCard

    for column in (
        Organisation.__table__.c.telephone,
        ProInfo.__table__.c.ligne_directe,
        ReferentCard.__table__.c.telephone,
        ProfessionalCard.__table__.c.telephone,
    ):
        assert column.type.length >= PHONE_MAX_LENGTH, column


@pytest.mark.parametrize(("schema", "name"), EMAILS)
def test_email_fields_agree(schema, name):
    node = schema()[name]
    assert node.deserialize("Camille@Exemple.FR") == "Camille@exemple.fr"
    with pytest.raises(colander.Invalid) as error:
        node.deserialize("camille.exemple.fr")
    assert "arobase" in str(error.value.asdict())
    assert node.widget.type_name == "email"
