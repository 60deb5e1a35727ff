"""Public labels in plain words (issue 12, « Easy to read »).

Fiches carry data·inclusion's codes (``guide.vocabulary``): « residents-qpv-frr » is labelled « Résidents en
QPV ou FRR » there, words of administration. The public pages say instead a plain label: the guide's default
below (short, everyday words, marked for translation so that every language gets its own), or, in French,
the wording the coordination chose on the « Libellés publics » page (``PublicLabel``). The codes never
change: the API gives the codes with these labels in the address's language beside them (views/api.py),
the exports keep the codes.

``for_request(request)`` gives the labels of a request (read once per request; ``invalidate`` after a
change); ``load(db)`` the French ones for work outside a request (print).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pyramid.i18n import TranslationString, TranslationStringFactory
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Fiche, FicheVersion, IndexChange, User
from ..models.labels import PublicLabel
from ..vocabulary import CONDITIONS_ACCES, FRAIS, PUBLICS, TYPES_SERVICE

_ = TranslationStringFactory("guide")

MAX_LABEL_LENGTH = 120

# The kinds of codes, with their data·inclusion (or guide) labels and the title of their list.
VOCABULARIES: dict[str, dict[str, str]] = {
    "public": PUBLICS,
    "condition": CONDITIONS_ACCES,
    "type": TYPES_SERVICE,
    "frais": FRAIS,
}
KIND_TITLES: dict[str, TranslationString] = {
    "public": _("Publics"),
    "condition": _("Conditions d'accès"),
    "type": _("Types de service"),
    "frais": _("Frais"),
}

# The guide's default plain labels: what a person who reads little French understands at once.
DEFAULTS: dict[str, dict[str, TranslationString]] = {
    "public": {
        "tous-publics": _("Tout le monde"),
        "actifs": _("Personnes qui travaillent"),
        "beneficiaires-des-minimas-sociaux": _("Personnes qui touchent le RSA ou une autre aide"),
        "demandeurs-emploi": _("Personnes qui cherchent un travail"),
        "etudiants": _("Étudiants"),
        "familles": _("Familles"),
        "femmes": _("Femmes"),
        "jeunes": _("Jeunes"),
        "personnes-en-situation-de-handicap": _("Personnes handicapées"),
        "personnes-en-situation-durgence": _("Personnes qui ont besoin d'aide tout de suite"),
        "personnes-en-situation-juridique-specifique": _(
            "Personnes qui ont un problème de papiers ou de justice"
        ),
        "personnes-exilees": _("Personnes arrivées d'un autre pays"),
        "residents-qpv-frr": _("Habitants des quartiers prioritaires"),
        "seniors": _("Personnes âgées"),
        "femmes-victimes-de-violences": _("Femmes victimes de violences"),
        "parents-isoles": _("Parents seuls avec leurs enfants"),
        "enfants": _("Enfants"),
        "personnes-sans-domicile": _("Personnes sans logement"),
        "aidants": _("Personnes qui aident un proche malade ou âgé"),
    },
    "condition": {
        "accueil-inconditionnel": _("Ouvert à tous, sans condition"),
        "sur-rendez-vous": _("Sur rendez-vous"),
        "sur-orientation": _("Il faut être envoyé par un professionnel"),
        "sur-inscription": _("Il faut s'inscrire avant"),
    },
    "type": {
        "accompagnement": _("Suivi personnel"),
        "aide-financiere": _("Aide en argent"),
        "aide-materielle": _("Aide en nature : colis, vêtements, matériel"),
        "atelier": _("Atelier"),
        "formation": _("Formation"),
        "information": _("Information et conseils"),
        "permanence": _("Accueil à heures fixes"),
        "activite": _("Activité"),
        "orientation": _("Aide pour trouver le bon service"),
    },
    "frais": {
        "gratuit": _("Gratuit"),
        "payant": _("Payant"),
    },
}


# The shipped taxonomy's labels (migration f1a700000006 and the demo), keyed by slug: a thématique whose label
# is still the shipped one is translated; one the coordination renamed is shown as it wrote it (it writes
# French only). A thématique is text in the database: its msgid lives here, where ``make messages`` sees it.
THEMATIQUES: dict[str, TranslationString] = {
    "acces-aux-droits": _("Accès aux droits et démarches"),
    "justice": _("Justice et aide juridique"),
    "violences-faites-aux-femmes": _("Violences faites aux femmes"),
    "sante": _("Santé"),
    "sante-sexuelle": _("Santé sexuelle, contraception et IVG"),
    "famille-parentalite": _("Famille et parentalité"),
    "enfance-jeunesse": _("Enfance et jeunesse"),
    "logement": _("Logement et hébergement"),
    "emploi-insertion": _("Emploi et insertion"),
    "apprendre-le-francais": _("Apprendre le français"),
    "numerique": _("Numérique"),
    "budget": _("Budget et aides financières"),
    "alimentation-aide-materielle": _("Alimentation et aide matérielle"),
    "culture-sport-loisirs": _("Culture, sport et loisirs"),
    "handicap": _("Handicap"),
    "seniors": _("Seniors et proches aidants"),
    "mobilite": _("Mobilité et transports"),
}


class LabelError(Exception):
    """A label the guide refuses; ``message`` is shown beside the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _identity(message: Any) -> str:
    """French without a localizer: a TranslationString is its own French text (its msgid)."""
    return str(message)


class PublicLabels:
    """The public label of every code for one language; unknown codes are shown as they are."""

    def __init__(self, overrides: dict[tuple[str, str], str], translate: Callable[[Any], str]) -> None:
        self._overrides = overrides
        self._translate = translate
        self._cache: dict[tuple[str, str], str] = {}

    def label(self, kind: str, code: str | None) -> str:
        if not code:
            return ""
        key = (kind, code)
        if key not in self._cache:
            if key in self._overrides:
                self._cache[key] = self._overrides[key]
            elif code in DEFAULTS.get(kind, {}):
                self._cache[key] = self._translate(DEFAULTS[kind][code])
            else:
                self._cache[key] = VOCABULARIES.get(kind, {}).get(code, code)
        return self._cache[key]

    def labels(self, kind: str, codes: Iterable[str] | None) -> list[str]:
        return [self.label(kind, code) for code in codes or []]

    def public(self, code: str | None) -> str:
        return self.label("public", code)

    def publics(self, codes: Iterable[str] | None) -> list[str]:
        return self.labels("public", codes)

    def condition(self, code: str | None) -> str:
        return self.label("condition", code)

    def conditions(self, codes: Iterable[str] | None) -> list[str]:
        return self.labels("condition", codes)

    def type(self, code: str | None) -> str:
        return self.label("type", code)

    def frais(self, code: str | None) -> str:
        return self.label("frais", code)

    def thematique(self, thematique: Any, label: str | None = None) -> str:
        """A thématique's label in this language: ``thematique`` is a Thematique (or its slug, with
        ``label``). The shipped label is translated; a label the coordination wrote is shown as written."""
        if label is None:
            slug, label = getattr(thematique, "slug", ""), getattr(thematique, "label", "")
        else:
            slug = thematique
        shipped = THEMATIQUES.get(str(slug or ""))
        if shipped is None or label != str(shipped):
            return label or ""
        return self._translate(shipped)

    def thematiques(self, thematiques: Iterable[Any] | None) -> list[str]:
        return [self.thematique(item) for item in thematiques or []]


def overrides(db: Session) -> dict[tuple[str, str], str]:
    return {(row.kind, row.code): row.label for row in db.scalars(select(PublicLabel))}


def load(
    db: Session | None, translate: Callable[[Any], str] | None = None, french: bool = True
) -> PublicLabels:
    """The labels in French (the coordination's wording where it chose one), or, with ``french`` false,
    the defaults translated by ``translate`` (the coordination writes French only)."""
    found = overrides(db) if (db is not None and french) else {}
    return PublicLabels(found, translate or _identity)


REQUEST_KEY = "_guide_public_labels"


def for_request(request: Any) -> PublicLabels:
    """The labels of ``request``'s language, read once per request."""
    labels = request.__dict__.get(REQUEST_KEY)
    if labels is None:
        locale = getattr(request, "locale_name", "fr") or "fr"
        french = locale.split("_")[0] == "fr"
        localizer = getattr(request, "localizer", None)
        translate = localizer.translate if localizer is not None else None
        labels = load(request.dbsession, translate, french)
        request.__dict__[REQUEST_KEY] = labels
    return labels


API_REQUEST_KEY = "_guide_api_labels"


def for_api(request: Any) -> PublicLabels:
    """The labels the JSON API gives beside its codes: the guide's plain labels in ``request``'s language,
    never the coordination's renaming of them (an API answer is reused elsewhere, like the exports: the
    renaming is the guide's own wording for its pages). Read once per request."""
    labels = request.__dict__.get(API_REQUEST_KEY)
    if labels is None:
        localizer = getattr(request, "localizer", None)
        labels = load(None, localizer.translate if localizer is not None else None, french=False)
        request.__dict__[API_REQUEST_KEY] = labels
    return labels


def invalidate(request: Any) -> None:
    """Forget ``request``'s labels (after a change): the next read sees it."""
    request.__dict__.pop(REQUEST_KEY, None)


@dataclass(frozen=True)
class LabelRow:
    kind: str
    code: str
    di_label: str  # data·inclusion's (or the guide's own code's) label
    default: str  # the guide's plain label, in French
    override: str | None  # the coordination's, if any
    updated_by: str
    updated_at: Any

    @property
    def public(self) -> str:
        return self.override or self.default


def rows(db: Session) -> dict[str, list[LabelRow]]:
    """Every code of every kind, for the coordination's « Libellés publics » page."""
    stored = {(row.kind, row.code): row for row in db.scalars(select(PublicLabel))}
    users = {
        user.id: user.display_name
        for user in db.scalars(select(User).where(User.id.in_({r.updated_by_id for r in stored.values()})))
    }
    out: dict[str, list[LabelRow]] = {}
    for kind, vocabulary in VOCABULARIES.items():
        out[kind] = []
        for code, di_label in vocabulary.items():
            row = stored.get((kind, code))
            out[kind].append(
                LabelRow(
                    kind,
                    code,
                    di_label,
                    str(DEFAULTS[kind].get(code, di_label)),
                    row.label if row is not None else None,
                    users.get(row.updated_by_id, "") if row is not None and row.updated_by_id else "",
                    row.updated_at if row is not None else None,
                )
            )
    return out


def clean(label: str) -> str:
    """A label as the coordination may write it, or :class:`LabelError` with the reason."""
    text = " ".join(str(label or "").split())
    if not text:
        raise LabelError("Écrivez le libellé, ou revenez au libellé par défaut avec le bouton prévu.")
    if len(text) > MAX_LABEL_LENGTH:
        raise LabelError(f"{MAX_LABEL_LENGTH} caractères au plus : un libellé court se lit mieux.")
    if any(char in text for char in "<>{}") or any(ord(char) < 32 for char in text):
        raise LabelError("Écrivez le libellé en texte simple, sans balise ni caractère spécial (< > { }).")
    return text


def known(kind: str, code: str) -> bool:
    return code in VOCABULARIES.get(kind, {})


# What a code is on a version: the search index carries the public labels of these fields.
_FIELDS = {"public": "publics", "condition": "conditions_acces", "type": "type_service", "frais": "frais"}


def _reindex(db: Session, kind: str, code: str) -> int:
    """Queue the public fiches carrying ``code`` for the search index (it indexes the public labels, so
    the coordination's wording is found at once). Returns how many; the guide has a few hundred fiches."""
    column = getattr(FicheVersion, _FIELDS[kind])
    rows = db.execute(
        select(Fiche.id, column)
        .join(FicheVersion, FicheVersion.id == Fiche.published_version_id)
        .where(Fiche.is_public)
    )
    ids = [
        fiche_id
        for fiche_id, value in rows
        if (code in (value or []) if isinstance(value, list) else value == code)
    ]
    db.add_all(IndexChange(fiche_id=fiche_id) for fiche_id in ids)
    return len(ids)


def set_label(db: Session, kind: str, code: str, label: str, user: User | None) -> PublicLabel | None:
    """The coordination's French wording of ``kind``/``code``; the default label itself removes the
    override (None returned)."""
    if not known(kind, code):
        raise LabelError("Ce code n'existe pas : rechargez la page.")
    text = clean(label)
    row = db.scalar(select(PublicLabel).where(PublicLabel.kind == kind, PublicLabel.code == code))
    if text == str(DEFAULTS[kind].get(code, "")):
        if row is not None:
            db.delete(row)
            _reindex(db, kind, code)
            db.flush()
        return None
    if row is None:
        row = PublicLabel(kind=kind, code=code, label=text)
        db.add(row)
    row.label = text
    row.updated_by_id = user.id if user is not None else None
    _reindex(db, kind, code)
    db.flush()
    return row


def reset(db: Session, kind: str, code: str) -> bool:
    """Back to the guide's default label. True if there was an override."""
    row = db.scalar(select(PublicLabel).where(PublicLabel.kind == kind[:20], PublicLabel.code == code[:80]))
    if row is None:
        return False
    db.delete(row)
    _reindex(db, row.kind, row.code)
    db.flush()
    return True
