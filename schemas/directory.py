"""Forms for organisations, lieux, quartiers and thématiques."""

from __future__ import annotations

from typing import Any

import colander
import deform
import deform.widget as w

from guide import normalize
from guide.services.freshness import DEFAULT_PERIOD_MONTHS, PERIOD_CHOICES
from guide.services.uploads import UploadError, check_image, read_limited
from guide.vocabulary import ACCESS_LABELS, ACCESSIBILITY_FIELDS

from .types import Int, Normalized, StrippedString, email_node, length, phone_node

REQUIRED = "Ce champ est obligatoire."
# Choice fields: every code is far shorter; a forged value is refused before the list is searched.
CODE_LENGTH = 100


@colander.deferred
def logo_widget(node: colander.SchemaNode, kw: dict[str, Any]) -> w.Widget:
    return w.FileUploadWidget(kw["tmpstore"], accept="image/png,image/jpeg,image/webp")


@colander.deferred
def logo_validator(node: colander.SchemaNode, kw: dict[str, Any]) -> Any:
    def validate(node: colander.SchemaNode, value: dict[str, Any]) -> None:
        fp = value.get("fp")
        try:
            if fp is None:
                raise UploadError("Le fichier n'a pas été reçu : choisissez-le à nouveau.")
            check_image(read_limited(fp, kw["max_bytes"]))
        except UploadError as error:
            kw["tmpstore"].discard(value.get("uid"))  # a rejected file is not kept in uploads/tmp
            raise colander.Invalid(node, error.message) from None

    return validate


class OrganisationSchema(colander.MappingSchema):
    nom = colander.SchemaNode(StrippedString(), title="Nom", validator=length(2, 200), missing_msg=REQUIRED)
    sigle = colander.SchemaNode(StrippedString(), title="Sigle", missing="", validator=length(max=40))
    description = colander.SchemaNode(
        StrippedString(),
        title="Présentation",
        missing="",
        validator=length(max=5000),
        widget=w.TextAreaWidget(rows=6),
    )
    siret = colander.SchemaNode(
        Normalized(normalize.siret),
        title="SIRET",
        missing=None,
        validator=length(max=14),
        description="14 chiffres, sur l'avis de situation Insee.",
    )
    reseau_porteur = colander.SchemaNode(
        StrippedString(), title="Réseau porteur", missing="", validator=length(max=200)
    )
    telephone = phone_node()
    courriel = email_node()
    site_web = colander.SchemaNode(
        Normalized(normalize.url),
        title="Site web",
        missing="",
        validator=length(max=2000),
        widget=w.TextInputWidget(type_name="url"),
    )
    logo = colander.SchemaNode(
        deform.FileData(),
        title="Logo",
        missing=colander.drop,
        widget=logo_widget,
        validator=logo_validator,
        description="Une image PNG, JPEG ou WebP de 2 Mo au plus.",
    )
    remove_logo = colander.SchemaNode(
        colander.Boolean(), title="Retirer le logo actuel", missing=False, widget=w.CheckboxWidget()
    )


def organisation_schema(tmpstore: Any, max_bytes: int) -> OrganisationSchema:
    return OrganisationSchema().bind(tmpstore=tmpstore, max_bytes=max_bytes)


@colander.deferred
def quartier_widget(node: colander.SchemaNode, kw: dict[str, Any]) -> w.Widget:
    return w.SelectWidget(values=[("", "— Déterminé par les coordonnées —"), *kw["quartiers"]])


@colander.deferred
def quartier_validator(node: colander.SchemaNode, kw: dict[str, Any]) -> Any:
    return colander.All(length(max=CODE_LENGTH), colander.OneOf([value for value, _label in kw["quartiers"]]))


def _access_node(title: str) -> colander.SchemaNode:
    return colander.SchemaNode(
        colander.String(),
        title=title,
        missing="inconnu",
        widget=w.RadioChoiceWidget(values=list(ACCESS_LABELS.items()), inline=True),
        validator=colander.All(length(max=CODE_LENGTH), colander.OneOf(list(ACCESS_LABELS))),
    )


class LieuSchema(colander.MappingSchema):
    nom = colander.SchemaNode(
        StrippedString(),
        title="Nom du lieu",
        validator=length(2, 200),
        missing_msg=REQUIRED,
        description="Par exemple : « Maison de quartier de la Gauthière ».",
    )
    adresse = colander.SchemaNode(
        StrippedString(), title="Adresse", validator=length(3, 300), missing_msg=REQUIRED
    )
    complement_adresse = colander.SchemaNode(
        StrippedString(), title="Complément d'adresse", missing="", validator=length(max=300)
    )
    code_postal = colander.SchemaNode(
        Normalized(normalize.postcode), title="Code postal", validator=length(max=5), missing_msg=REQUIRED
    )
    commune = colander.SchemaNode(
        StrippedString(), title="Commune", validator=length(2, 120), missing_msg=REQUIRED
    )
    code_insee = colander.SchemaNode(
        Normalized(normalize.insee),
        title="Code INSEE de la commune",
        missing="",
        validator=length(max=5),
        description="63113 pour Clermont-Ferrand.",
    )
    latitude = colander.SchemaNode(
        Normalized(normalize.latitude), title="Latitude", missing=None, description="Par exemple 45,7772"
    )
    longitude = colander.SchemaNode(
        Normalized(normalize.longitude), title="Longitude", missing=None, description="Par exemple 3,0870"
    )
    quartier = colander.SchemaNode(
        colander.String(),
        title="Quartier",
        missing=None,
        widget=quartier_widget,
        validator=quartier_validator,
    )
    acces_plain_pied = _access_node(ACCESSIBILITY_FIELDS["acces_plain_pied"])
    toilettes_adaptees = _access_node(ACCESSIBILITY_FIELDS["toilettes_adaptees"])
    boucle_magnetique = _access_node(ACCESSIBILITY_FIELDS["boucle_magnetique"])
    langue_des_signes = _access_node(ACCESSIBILITY_FIELDS["langue_des_signes"])

    def validator(self, node: colander.SchemaNode, value: dict[str, Any]) -> None:
        if (value.get("latitude") is None) != (value.get("longitude") is None):
            error = colander.Invalid(node)
            missing = "longitude" if value.get("longitude") is None else "latitude"
            error[missing] = "Indiquez la latitude et la longitude, ou aucune des deux."
            raise error


class QuartierSchema(colander.MappingSchema):
    nom = colander.SchemaNode(StrippedString(), title="Nom", validator=length(2, 120), missing_msg=REQUIRED)
    code = colander.SchemaNode(
        StrippedString(),
        title="Code (IRIS ou QPV)",
        validator=colander.All(
            length(1, 40),
            colander.Regex(r"^[A-Za-z0-9_-]+$", "Lettres, chiffres, tirets et soulignés seulement."),
        ),
        missing_msg=REQUIRED,
    )
    aliases = colander.SchemaNode(
        colander.String(),
        title="Autres noms",
        description="Un par ligne : les noms sous lesquels les imports reconnaissent ce quartier "
        "(« Croix de Neyrat », « CDN »). Majuscules, accents, tirets et article (« La ») sont déjà ignorés.",
        widget=w.TextAreaWidget(rows=3),
        validator=length(max=3000),
        missing="",
    )


PERIOD_OPTIONS = [("", f"{DEFAULT_PERIOD_MONTHS} mois (par défaut)")] + [
    (str(n), f"{n} mois") for n in PERIOD_CHOICES
]


class ThematiqueSchema(colander.MappingSchema):
    label = colander.SchemaNode(
        StrippedString(), title="Libellé", validator=length(2, 120), missing_msg=REQUIRED
    )
    icon = colander.SchemaNode(StrippedString(), title="Pictogramme", missing="", validator=length(max=40))
    position = colander.SchemaNode(Int(), title="Ordre", missing=0)
    update_period_months = colander.SchemaNode(
        colander.String(),
        title="Vérifier les fiches tous les",
        description="Une fiche de cette thématique est « à vérifier » passé ce délai depuis sa dernière "
        "confirmation (le plus court de ses thématiques s'applique).",
        missing="",
        widget=w.SelectWidget(values=PERIOD_OPTIONS),
        validator=colander.OneOf([value for value, _label in PERIOD_OPTIONS]),
    )
    di_codes = colander.SchemaNode(
        colander.Set(),
        title="Thématiques data·inclusion correspondantes",
        missing=[],
        widget=w.SelectWidget(values=[], multiple=True, size=8),
    )


class ProInfoSchema(colander.MappingSchema):
    """Information for professionals only (guide.services.pro_info): never shown to the public."""

    ligne_directe = phone_node(
        "Ligne directe",
        description="Le numéro à donner entre professionnels, pas celui de l'accueil du public.",
    )
    referent_nom = colander.SchemaNode(
        StrippedString(), title="Nom du ou de la référent·e", missing="", validator=length(max=120)
    )
    referent_courriel = email_node("Courriel du ou de la référent·e")
    orientation = colander.SchemaNode(
        StrippedString(),
        title="Comment orienter une personne",
        missing="",
        validator=length(max=2000),
        widget=w.TextAreaWidget(rows=3),
        description="Par exemple : « orientation par mail avec l'accord de la personne ».",
    )
    documents = colander.SchemaNode(
        StrippedString(),
        title="Documents à apporter",
        missing="",
        validator=length(max=2000),
        widget=w.TextAreaWidget(rows=3),
    )
    remarques = colander.SchemaNode(
        StrippedString(),
        title="Remarques internes",
        missing="",
        validator=length(max=4000),
        widget=w.TextAreaWidget(rows=4),
    )
