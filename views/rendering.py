"""Templates (Jinja2), French formats and the form helper shared by every view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import colander
import deform
import jinja2
from babel import Locale
from babel.support import Translations
from markupsafe import Markup
from pyramid.csrf import get_csrf_token
from pyramid.i18n import Localizer
from pyramid.threadlocal import get_current_request
from pyramid_jinja2.i18n import GetTextWrapper

from guide import hours
from guide.formatting import (
    bdi,
    date_fr,
    datetime_fr,
    isolate_times,
    ltr_island,
    number,
    paragraphs,
    tel_uri,
)
from guide.hours import language as hours_language
from guide.i18n import LANGUAGES
from guide.vocabulary import (
    ACCESS_LABELS,
    ACCESSIBILITY_FIELDS,
    CONDITIONS_ACCES,
    FRAIS,
    LANGUES,
    PUBLICS,
    TYPES_SERVICE,
    labels,
)
from guide.workflow import STATE_LABELS


class GetText(GetTextWrapper):
    """Templates' gettext: the request's localizer, or the French source text when a template is rendered
    outside a request (a test's ``render``, a print job)."""

    @property
    def localizer(self) -> Any:
        request = get_current_request()
        return getattr(request, "localizer", None) or _SOURCE

    def gettext(self, message: str, mapping: Any = None) -> str:
        # « _(label) » of a label that may be empty: gettext("") would give the catalogue's header
        return super().gettext(message, mapping) if message else message


_SOURCE = Localizer("fr", Translations())


def _locale(context: Any) -> str:
    request = context.get("request")
    return getattr(request, "locale_name", None) or "fr"


@jinja2.pass_context
def _date(context: Any, value: Any, fmt: str = "d MMMM y") -> str:
    return date_fr(value, fmt, locale=_locale(context))


@jinja2.pass_context
def _datetime(context: Any, value: Any) -> str:
    return datetime_fr(value, locale=_locale(context))


def _hours(value: str) -> Markup:
    """The hours of a fiche: the French description, or in another language the week in that language
    followed by the French description (its comments and exceptions), marked lang="fr"; on a right-to-left
    page the times are left-to-right islands."""
    french = hours.describe_safe(value)
    translated = hours_language.week(value)
    isolate = isolate_times if hours_language.current_locale() in RTL_LOCALES else Markup.escape
    if translated is None:
        return isolate(french)
    return Markup('{} <span class="muted" lang="fr">({})</span>').format(isolate(translated), isolate(french))


RTL_LOCALES = frozenset(language.locale for language in LANGUAGES if language.rtl)


@jinja2.pass_context
def _ltr_times(context: Any, value: Any) -> Markup:
    """Times and ranges of times as left-to-right islands on a right-to-left page (plain text elsewhere)."""
    if _locale(context) in RTL_LOCALES:
        return isolate_times(value)
    return Markup.escape(value or "")


@jinja2.pass_context
def _ltr(context: Any, value: Any, lang: str | None = None) -> Markup:
    """A phone number, an e-mail or a postal address as a left-to-right island on a right-to-left page
    (``lang``: its language, « fr » for an address, when it is not the page's); plain text elsewhere."""
    if _locale(context) in RTL_LOCALES:
        return ltr_island(value, lang)
    return Markup.escape(value or "")


@jinja2.pass_context
def _number(context: Any, value: Any, fmt: str | None = None) -> str:
    return number(value, fmt, locale=_locale(context))


@jinja2.pass_context
def _spoken_languages(context: Any, codes: list[str] | None) -> list[str]:
    """The languages spoken at a service, named in the reader's language (Babel's names; the guide's French
    label where Babel has none, e.g. LSF)."""
    locale = _locale(context)
    if locale.startswith("fr"):
        return labels(LANGUES, codes)
    return [spoken_language(locale, code) for code in codes or []]


def spoken_language(locale: str, code: str, french: str | None = None) -> str:
    """One spoken language named in ``locale`` (Babel's name; the guide's French label if Babel has none)."""
    if (locale or "fr").startswith("fr"):
        return french if french is not None else LANGUES.get(code, code)
    names = Locale.parse(locale).languages
    # the guide's « fa » is « Persan (dari) »: Dari's own name where Babel has it
    name = (names.get("prs") if code == "fa" else None) or names.get(code) or LANGUES.get(code, code)
    return name[:1].upper() + name[1:]


def includeme(config: Any) -> None:
    # templates translate with the guide's catalogues (guide/locale/<lang>/LC_MESSAGES/guide.mo)
    config.registry.settings.setdefault("jinja2.i18n.domain", "guide")
    config.registry.settings.setdefault("jinja2.i18n.gettext", GetText)
    config.include("pyramid_jinja2")
    config.add_jinja2_renderer(".jinja2")
    config.add_jinja2_search_path("templates:", name=".jinja2")
    config.add_jinja2_extension("jinja2.ext.i18n", name=".jinja2")
    config.commit()
    env = config.get_jinja2_environment(".jinja2")
    env.filters.update(
        date_fr=_date,  # in the request's language (French: « 22 novembre 2026 »)
        datetime_fr=_datetime,
        number=_number,
        hours_fr=_hours,  # in the request's language (guide.hours.language)
        tel_uri=tel_uri,
        paragraphs=paragraphs,
        ltr_times=_ltr_times,  # times and ranges as left-to-right islands (right-to-left pages)
        bdi=bdi,  # a visitor's words in their own direction
        ltr=_ltr,  # phone numbers, e-mails, addresses as left-to-right islands (right-to-left pages)
    )
    env.globals.update(
        STATE_LABELS=STATE_LABELS,
        PUBLICS=PUBLICS,
        CONDITIONS_ACCES=CONDITIONS_ACCES,
        FRAIS=FRAIS,
        LANGUES=LANGUES,
        TYPES_SERVICE=TYPES_SERVICE,
        ACCESS_LABELS=ACCESS_LABELS,
        ACCESSIBILITY_FIELDS=ACCESSIBILITY_FIELDS,
        labels=labels,
        spoken_languages=_spoken_languages,
        hours_status=hours.status,
        today_hours=hours.today_hours,
    )
    config.add_request_method(lambda request: get_csrf_token(request), "csrf_token", reify=False)


# --- forms ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldError:
    """One error of a submitted form, for the summary above it: its field's label, the message, and the id
    of the place on the page (the field's label and input, or the message itself) its link leads to."""

    label: Any
    message: Any
    anchor: str


def field_errors(form: deform.Field) -> list[FieldError]:
    """The errors of a rendered form in page order, each with the anchor of its field.

    On a phone a long form (a fiche has some forty fields) showed only « the form contains errors » at
    the top: the partner scrolled the whole page to find which field. Anchors follow our deform templates:
    a field rendered by ``mapping_item.pt`` is the block ``item-<oid>`` (label, input, message); an item
    of a sequence and a group of fields say their message in ``error-<oid>`` or in their first field.
    """
    found: list[FieldError] = []

    def walk(field: deform.Field, context: Any, in_sequence: bool) -> None:
        # a sequence's items are the fields deform made from what was submitted, not its prototype
        children = getattr(field, "sequence_fields", None) if in_sequence else None
        for child in field.children if children is None else children:
            if child.error is None or child.widget.hidden:
                continue
            # « Fermetures temporaires — Au (inclus) »: an item of a sequence is named by its sequence
            title = context if in_sequence else child.title if not context else f"{context} — {child.title}"
            messages = [m for m in child.error.messages() if m]
            group = isinstance(child.typ, colander.Mapping)
            if messages:
                if group:
                    anchor = f"item-{child.children[0].oid}" if child.children else f"error-{child.oid}"
                elif in_sequence or getattr(child.widget, "category", None) == "structural":
                    anchor = f"error-{child.oid}"
                else:
                    anchor = f"item-{child.oid}"
                found.extend(FieldError(title, message, anchor) for message in messages)
            walk(child, title, isinstance(child.typ, colander.Sequence))

    walk(form, "", False)
    return found


@dataclass
class FormResult:
    form: deform.Form
    html: Markup
    appstruct: dict[str, Any] | None
    submitted: bool
    rendered_values: dict[str, Any] | None = None

    @property
    def valid(self) -> bool:
        return self.appstruct is not None

    @property
    def errors(self) -> list[FieldError]:
        """The fields in error (none before a submission), listed with links above the form: only those whose
        place is on the page (a malformed submission is shown as a fresh form with one general message)."""
        if self.valid or not self.submitted:
            return []
        return [error for error in field_errors(self.form) if f'id="{error.anchor}"' in self.html]

    def rerender(self, **updates: Any) -> None:
        """Render the validated form again with some values replaced (hidden fields, mostly)."""
        values = {**(self.rendered_values or {}), **updates}
        self.html = Markup(self.form.render(values))  # noqa: S704 - deform escapes what it renders

    def fail(self, field: str, message: str) -> None:
        """Show an error next to ``field`` after a check the schema could not make."""
        error = colander.Invalid(self.form.schema)
        error[field] = message
        self.form.widget.handle_error(self.form, error)
        self.form.error = error
        self.html = Markup(self.form.render())  # noqa: S704
        self.appstruct = None


MALFORMED = (
    "Le formulaire reçu est incomplet ou abîmé (une page restée ouverte trop longtemps ?). "
    "Vérifiez les valeurs ci-dessous puis envoyez-le à nouveau."
)


def validate_controls(
    form: deform.Form, controls: list[tuple[str, Any]], appstruct: dict[str, Any] | None = None
) -> tuple[dict[str, Any] | None, Markup]:
    """Validate submitted controls: (values, html) when valid, (None, the form with its errors) otherwise.

    deform expects the well-formed stream its own widgets produce; a hand-made or truncated POST can
    break its parsing or its error rendering. Such a submission is answered with the form again and a
    general message, never with a server error.
    """
    try:
        return form.validate(controls), Markup("")
    except deform.ValidationFailure as failure:
        try:
            return None, Markup(failure.render())  # noqa: S704 - deform escapes what it renders
        except (TypeError, ValueError, KeyError, AttributeError, IndexError):
            pass
    except (TypeError, ValueError, KeyError, AttributeError, IndexError):
        pass
    fresh = deform.Form(form.schema, buttons=form.buttons, formid=form.formid, action=form.action)
    fresh.widget.css_class = form.widget.css_class
    error = colander.Invalid(fresh.schema, MALFORMED)
    fresh.widget.handle_error(fresh, error)
    fresh.error = error
    values = dict(appstruct or {})
    values["csrf_token"] = next((v for k, v in controls if k == "csrf_token" and isinstance(v, str)), "")
    return None, Markup(fresh.render(values))  # noqa: S704


def _with_csrf(schema: colander.SchemaNode, request: Any) -> colander.SchemaNode:
    schema = schema.clone()
    schema.add(
        colander.SchemaNode(
            colander.String(),
            name="csrf_token",
            widget=deform.widget.HiddenWidget(),
            default=get_csrf_token(request),
            missing="",
        )
    )
    return schema


def process_form(
    request: Any,
    schema: colander.SchemaNode,
    *,
    appstruct: dict[str, Any] | None = None,
    buttons: tuple[tuple[str, str], ...] = (("save", "Enregistrer"),),
    formid: str = "deform",
    action: str = "",
) -> FormResult:
    """Validate a POSTed form, or render it with ``appstruct``.

    On error the form is rendered again with what was typed and a French message beside each field.
    """
    form = deform.Form(
        _with_csrf(schema, request),
        buttons=[
            deform.Button(name, title, css_class="btn btn-primary" if i == 0 else "btn")
            for i, (name, title) in enumerate(buttons)
        ],
        formid=formid,
        action=action,
    )
    form.widget.css_class = "guide-form"
    names = {name for name, _title in buttons}
    submitted = request.method == "POST" and (
        names & set(request.POST) or request.POST.get("__formid__") == formid
    )
    if submitted:
        validated, html = validate_controls(form, list(request.POST.items()), appstruct)
        if validated is None:
            return FormResult(form, html, None, True)
        rendered = dict(validated)
        validated.pop("csrf_token", None)
        return FormResult(form, Markup(form.render(rendered)), validated, True, rendered)  # noqa: S704
    values = dict(appstruct or {})
    values["csrf_token"] = get_csrf_token(request)
    return FormResult(form, Markup(form.render(values)), None, False)  # noqa: S704
