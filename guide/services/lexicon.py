"""The lexicon a fresh guide knows, and the rules of synonym groups coordinators edit.

The lexicon is data, not code: ``guide/data/lexicon.json`` holds groups of equivalent expressions (acronyms
of the social sector with their expansions, everyday words for the guide's concepts, the same concepts in the
languages spoken at the front desks), each with a stable key and the language of its non-French expressions.
It is loaded into the synonym table (:class:`guide.models.Synonym`) at installation (migration
``f1a70000000b``) and by ``guide-lexicon CONFIG.ini [--update]``; loading again is idempotent and never
overwrites what a coordinator did:

* a group whose key is in the table is left alone, unless ``update`` is asked and no coordinator changed it
  (its terms are still those last loaded): then it takes the lexicon's new terms;
* a group a coordinator deleted is remembered (:class:`guide.models.search.LexiconDismissal`) and not loaded
  again;
* a group whose expressions already form a group of the table (the demo's, a coordinator's) is not added
  twice.

Hand-written: the file is a plain list of groups; a JSON Schema library would only move these few checks
into another file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Synonym, utcnow
from ..models.search import LexiconDismissal, split_terms
from ..text import fold
from ..vocabulary import LANGUES

LEXICON_FILE = Path(__file__).resolve().parent.parent / "data" / "lexicon.json"
FRENCH = "fr"
# A group of the shipped lexicon has at most this many expressions: the search keeps at most 6 synonyms of a
# word (search_index.params.MAX_SYNONYMS), so a larger group would leave the choice to the engine.
MAX_LEXICON_EXPRESSIONS = 7
# A group edited by coordinators: the same bound as the form (schemas.search.MAX_EXPRESSIONS).
MAX_GROUP_EXPRESSIONS = 20
MAX_EXPRESSION_LENGTH = 100
MAX_FILTER_LENGTH = 100
_KEY = re.compile(r"^[a-z]{2,3}:[a-z0-9-]{1,60}$|^[a-z0-9-]{1,60}$")


class LexiconError(ValueError):
    """The lexicon file is not what the loader expects (a broken edit); nothing was loaded."""


class SynonymError(ValueError):
    """A change to a synonym group the guide refuses; ``message`` is French, for the coordinator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LexiconGroup:
    key: str
    language: str
    expressions: tuple[str, ...]

    @property
    def terms(self) -> str:
        """The group as the synonym table stores it."""
        return ", ".join(self.expressions)


@dataclass
class LexiconReport:
    added: int = 0
    updated: int = 0
    retired: int = 0  # groups no longer shipped, deleted because no coordinator had changed them
    up_to_date: int = 0
    outdated: int = 0  # unchanged by coordinators, but the lexicon has new terms: loaded with ``update``
    kept: list[str] = field(default_factory=list)  # keys of groups a coordinator changed (left as they are)
    dismissed: int = 0  # deleted by a coordinator: not loaded again
    already_there: int = 0  # the same expressions already form a group of the table

    def lines(self) -> list[str]:
        """The report in French, for the console script."""
        out = [
            f"Groupes ajoutés : {self.added}.",
            f"Groupes mis à jour : {self.updated}.",
            f"Groupes déjà à jour : {self.up_to_date}.",
        ]
        if self.outdated:
            out.append(f"Groupes à mettre à jour (relancer avec --update) : {self.outdated}.")
        if self.retired:
            out.append(f"Groupes retirés du lexique et supprimés : {self.retired}.")
        if self.kept:
            out.append(f"Groupes modifiés par la coordination, laissés tels quels : {len(self.kept)}.")
        if self.dismissed:
            out.append(f"Groupes supprimés par la coordination, non rechargés : {self.dismissed}.")
        if self.already_there:
            out.append(f"Groupes déjà présents sous une autre forme : {self.already_there}.")
        return out


def _normalised(terms: str) -> str:
    return ", ".join(split_terms(terms)).lower()


def parse_lexicon(data: object) -> list[LexiconGroup]:
    """The groups of a lexicon document; raises :class:`LexiconError` on the first problem."""
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list):
        raise LexiconError('the lexicon must be an object with a "groups" list')
    groups: list[LexiconGroup] = []
    keys: set[str] = set()
    for position, item in enumerate(data["groups"], 1):
        where = f"group {position}"
        if not isinstance(item, dict):
            raise LexiconError(f"{where}: not an object")
        key, language, terms = item.get("key"), item.get("lang"), item.get("terms")
        if not isinstance(key, str) or not _KEY.match(key):
            raise LexiconError(f"{where}: key {key!r} (lower-case letters, digits, hyphens, optional lang:)")
        where = f"group {key!r}"
        if key in keys:
            raise LexiconError(f"{where}: the key is used twice")
        keys.add(key)
        if language not in LANGUES:
            raise LexiconError(f"{where}: unknown language {language!r}")
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise LexiconError(f"{where}: terms must be a list of texts")
        if any("," in t or ";" in t or "\n" in t for t in terms):
            raise LexiconError(f"{where}: an expression holds a separator (, or ;)")
        expressions = tuple(split_terms(", ".join(terms)))
        if not 2 <= len(expressions) <= MAX_LEXICON_EXPRESSIONS:
            raise LexiconError(f"{where}: 2 to {MAX_LEXICON_EXPRESSIONS} distinct expressions")
        if any(len(e) > MAX_EXPRESSION_LENGTH for e in expressions):
            raise LexiconError(f"{where}: an expression is longer than {MAX_EXPRESSION_LENGTH} characters")
        groups.append(LexiconGroup(key, language, expressions))
    return groups


def load_lexicon(path: Path = LEXICON_FILE) -> list[LexiconGroup]:
    """The shipped lexicon (``guide/data/lexicon.json``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise LexiconError(f"{path}: {error}") from error
    return parse_lexicon(data)


def missing_groups(
    groups: Sequence[LexiconGroup],
    present_keys: Iterable[str],
    dismissed_keys: Iterable[str],
    existing_terms: Iterable[str],
    report: LexiconReport | None = None,
) -> list[LexiconGroup]:
    """The groups to add to a table holding ``present_keys`` and ``existing_terms``, after the coordinators'
    deletions ``dismissed_keys`` (used by :func:`ensure_lexicon` and by the migration that installs it)."""
    present, dismissed = set(present_keys), set(dismissed_keys)
    existing = {_normalised(t) for t in existing_terms}
    out = []
    for group in groups:
        if group.key in present:
            continue
        if group.key in dismissed:
            if report is not None:
                report.dismissed += 1
            continue
        if _normalised(group.terms) in existing:
            if report is not None:
                report.already_there += 1
            continue
        existing.add(_normalised(group.terms))
        out.append(group)
    return out


def ensure_lexicon(
    db: Session, *, update: bool = False, groups: Sequence[LexiconGroup] | None = None
) -> LexiconReport:
    """Load the lexicon into the synonym table (see the module's docstring); flushes, does not commit."""
    groups = load_lexicon() if groups is None else groups
    report = LexiconReport()
    rows = list(db.scalars(select(Synonym)))
    by_key = {row.lexicon_key: row for row in rows if row.lexicon_key}
    dismissed = set(db.scalars(select(LexiconDismissal.lexicon_key)))
    now = utcnow()
    for group in groups:
        row = by_key.get(group.key)
        if row is None:
            continue
        if row.terms != row.lexicon_terms:
            report.kept.append(group.key)
        elif row.terms == group.terms and row.language == group.language:
            report.up_to_date += 1
        elif update:
            row.terms = row.lexicon_terms = group.terms
            row.language = group.language
            row.updated_at = now
            report.updated += 1
        else:
            report.outdated += 1
    if update:
        shipped = {group.key for group in groups}
        for key, row in by_key.items():
            if key not in shipped and row.terms == row.lexicon_terms:
                db.delete(row)
                report.retired += 1
    for group in missing_groups(groups, by_key, dismissed, [row.terms for row in rows], report):
        db.add(
            Synonym(
                terms=group.terms,
                language=group.language,
                lexicon_key=group.key,
                lexicon_terms=group.terms,
                updated_at=now,
            )
        )
        report.added += 1
    db.flush()
    return report


# --- what coordinators do with groups ---------------------------------------------------------------


def add_expression(db: Session, synonym: Synonym, expression: str) -> str:
    """Add ``expression`` to an existing group (the coordinator met a word the guide did not know: « colis »
    belongs with « aide alimentaire »). Returns the expression as stored; raises :class:`SynonymError`."""
    expression = " ".join(expression.replace(",", " ").replace(";", " ").split())
    if not expression:
        raise SynonymError("Indiquez le mot ou l'expression à ajouter.")
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise SynonymError(f"{MAX_EXPRESSION_LENGTH} caractères au plus par expression.")
    expressions = split_terms(synonym.terms)
    if expression.lower() in (e.lower() for e in expressions):
        shown = ", ".join(expressions[:3]) + (", …" if len(expressions) > 3 else "")
        raise SynonymError(f"« {expression} » fait déjà partie de ce groupe ({shown}).")
    if len(expressions) >= MAX_GROUP_EXPRESSIONS:
        raise SynonymError(f"Ce groupe a déjà {MAX_GROUP_EXPRESSIONS} expressions : créez-en un autre.")
    synonym.terms = ", ".join([*expressions, expression])
    synonym.updated_at = utcnow()
    db.flush()
    return expression


def delete_group(db: Session, synonym: Synonym) -> None:
    """Delete a group; a lexicon group is remembered as dismissed so that loading the lexicon again does not
    bring it back."""
    if synonym.lexicon_key:
        known = db.scalar(select(LexiconDismissal).where(LexiconDismissal.lexicon_key == synonym.lexicon_key))
        if known is None:
            db.add(LexiconDismissal(lexicon_key=synonym.lexicon_key))
    db.delete(synonym)
    db.flush()


def languages_in_use(db: Session) -> list[tuple[str, str]]:
    """(code, French label) of the languages of the table's groups, French first, then by label."""
    codes = set(db.scalars(select(Synonym.language).distinct()))
    return sorted(
        ((code, LANGUES.get(code, code)) for code in codes), key=lambda c: (c[0] != FRENCH, c[1].lower())
    )


def find_groups(db: Session, *, language: str | None = None, text: str = "") -> list[Synonym]:
    """The groups of ``language`` (all when None) holding ``text`` in one of their expressions (case and
    accents ignored), in alphabetical order."""
    query = select(Synonym)
    if language:
        query = query.where(Synonym.language == language)
    wanted = fold(" ".join(text.split())[:MAX_FILTER_LENGTH])
    groups = [g for g in db.scalars(query) if not wanted or wanted in fold(g.terms)]
    return sorted(groups, key=lambda g: fold(g.terms))


def origin(synonym: Synonym) -> str:
    """Where a group comes from, in French: « Lexique », « Lexique, modifié » or « Coordination »."""
    if not synonym.lexicon_key:
        return "Coordination"
    return "Lexique" if synonym.terms == synonym.lexicon_terms else "Lexique, modifié"
