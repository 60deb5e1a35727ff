"""Forms for logging in, resetting a password, inviting partners and managing accounts."""

from __future__ import annotations

from typing import Any

import colander
import deform.widget as w

from guide import normalize
from guide.models import MEMBER_ROLE_LABELS, SITE_ROLE_LABELS
from guide.services.accounts import MIN_PASSWORD_LENGTH

from .types import Normalized, StrippedString, length

REQUIRED = "Ce champ est obligatoire."


class LoginSchema(colander.MappingSchema):
    email = colander.SchemaNode(
        StrippedString(),
        title="Adresse électronique",
        missing_msg=REQUIRED,
        validator=length(max=254),
        widget=w.TextInputWidget(type_name="email", attributes={"autocomplete": "username"}),
    )
    password = colander.SchemaNode(
        colander.String(),
        title="Mot de passe",
        missing_msg=REQUIRED,
        validator=length(max=1000),
        widget=w.PasswordWidget(attributes={"autocomplete": "current-password"}),
    )


class ResetRequestSchema(colander.MappingSchema):
    email = colander.SchemaNode(
        Normalized(normalize.email),
        title="Adresse électronique",
        missing_msg=REQUIRED,
        widget=w.TextInputWidget(type_name="email", attributes={"autocomplete": "email"}),
    )


def _password_strength(node: colander.SchemaNode, value: str) -> None:
    if len(value) < MIN_PASSWORD_LENGTH:
        raise colander.Invalid(node, f"Au moins {MIN_PASSWORD_LENGTH} caractères, s'il vous plaît.")
    if len(value) > 1000:
        raise colander.Invalid(node, "Ce mot de passe est trop long.")
    if value.strip() != value and not value.strip():
        raise colander.Invalid(node, "Ce mot de passe ne contient que des espaces.")


class NewPasswordSchema(colander.MappingSchema):
    name = colander.SchemaNode(StrippedString(), title="Votre nom", missing="", validator=length(max=120))
    password = colander.SchemaNode(
        colander.String(),
        title="Nouveau mot de passe",
        validator=_password_strength,
        missing_msg=REQUIRED,
        widget=w.CheckedPasswordWidget(
            attributes={"autocomplete": "new-password"},
        ),
        description=f"Au moins {MIN_PASSWORD_LENGTH} caractères. "
        "Une phrase facile à retenir convient très bien.",
    )


@colander.deferred
def organisation_widget(node: colander.SchemaNode, kw: dict[str, Any]) -> w.Widget:
    return w.SelectWidget(values=[("", "— Choisir —"), *kw["organisations"]])


@colander.deferred
def organisation_validator(node: colander.SchemaNode, kw: dict[str, Any]) -> Any:
    return colander.OneOf([value for value, _label in kw["organisations"]], msg_err="Structure inconnue.")


def _email_node() -> colander.SchemaNode:
    return colander.SchemaNode(
        Normalized(normalize.email),
        name="email",
        title="Adresse électronique",
        missing_msg=REQUIRED,
        widget=w.TextInputWidget(type_name="email"),
    )


def _name_node() -> colander.SchemaNode:
    return colander.SchemaNode(
        StrippedString(), name="name", title="Nom", missing="", validator=length(max=120)
    )


def _member_role_node() -> colander.SchemaNode:
    return colander.SchemaNode(
        colander.String(),
        name="role",
        title="Rôle dans la structure",
        missing="editor",
        widget=w.RadioChoiceWidget(values=[(k.value, v) for k, v in MEMBER_ROLE_LABELS.items()]),
        validator=colander.OneOf([k.value for k in MEMBER_ROLE_LABELS]),
    )


class InvitationSchema(colander.MappingSchema):
    email = _email_node()
    name = _name_node()
    organisation = colander.SchemaNode(
        colander.String(),
        title="Structure",
        widget=organisation_widget,
        validator=organisation_validator,
        missing_msg="Choisissez la structure de la personne invitée.",
    )
    role = _member_role_node()


class MemberInvitationSchema(colander.MappingSchema):
    email = _email_node()
    name = _name_node()
    role = _member_role_node()


class StaffInvitationSchema(colander.MappingSchema):
    email = _email_node()
    name = _name_node()
    role = colander.SchemaNode(
        colander.String(),
        title="Rôle sur le site",
        missing="coordinator",
        widget=w.RadioChoiceWidget(
            values=[(k.value, v) for k, v in SITE_ROLE_LABELS.items() if k != "partner"]
        ),
        validator=colander.OneOf(["coordinator", "admin"]),
    )


class CommentSchema(colander.MappingSchema):
    comment = colander.SchemaNode(
        StrippedString(),
        title="Commentaire",
        missing="",
        validator=length(max=2000),
        widget=w.TextAreaWidget(rows=3),
    )
