"""What the partner typed against what the library reads: a warning to confirm before saving.

The opening_hours syntax has traps that give valid strings a meaning nobody intends:

* a bare day is open all day: « Su, PH off » (with a space) reads « Su » (open 24 h/24) then
  « PH off », where « Su,PH off » closes Sundays and public holidays;
* a rule after « ; » replaces earlier rules for the same days (OpenStreetMap semantics): in
  « We-Su 12:00-14:30; Mo-Su 18:00-22:30 » the lunch service disappears, « , » would add the evening;
* months followed by an nth weekday without a colon are a date: « Mar,Jun,Sep,Dec Sa[1] 10:00-12:00 »
  means every day of March, June and September, and the first Saturday of December.

:func:`reading_warning` names the trap, suggests the string that most likely was meant, and shows the
week as read; the form asks the partner to confirm (« Confirmer ces horaires ») instead of refusing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .check import checked_rules
from .description import _days_text, describe
from .model import ADDITIONAL, NORMAL, OPEN, Rule, Unsupported
from .parser import Parser
from .validation import validate

_MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
# Several months, then « Sa[1] » without a colon (« Dec Sa[1] » alone is the date meant).
_MONTH_THEN_NTH = re.compile(rf"\b{_MONTH}(?:[,-]{_MONTH})+( )(?:Mo|Tu|We|Th|Fr|Sa|Su)\[", re.IGNORECASE)


def _days(rule: Rule) -> str:
    items = []
    if rule.weekdays:
        items.append(_days_text(sorted(rule.weekdays)))
    if "PH" in rule.holidays:
        items.append("les jours fériés")
    if "SH" in rule.holidays:
        items.append("pendant les vacances scolaires")
    return " et ".join(items) or "ces jours-là"


def _overlaps(first: Rule, second: Rule) -> bool:
    return any(a < d and c < b for a, b, _ in first.spans or () for c, d, _ in second.spans or ())


def _erased(earlier: Rule, later: Rule) -> frozenset[int]:
    """Weekdays whose times in ``earlier`` the normal rule ``later`` replaces by times that do not meet."""
    if (
        later.operator != NORMAL
        or later.state != OPEN
        or earlier.state != OPEN
        or later.spans is None
        or earlier.spans is None
        or later.period != earlier.period
        or later.dates is not None
        or earlier.irregular
        or _overlaps(earlier, later)
    ):
        return frozenset()
    # « Mo-Fr 09:00-12:00; We[1,3] 14:00-17:00 »: those Wednesdays lose their morning
    later_days = (later.weekdays or frozenset()) | {weekday for weekday, _n in later.monthly}
    return frozenset((earlier.weekdays or frozenset()) & later_days)


def _problems(text: str, rules: Sequence[Rule], bounds: Sequence[tuple[int, int]]) -> tuple[list[str], str]:
    problems: list[str] = []
    suggestion = text
    separators: dict[int, str] = {}  # position of a separator before rule i → its replacement
    for index, rule in enumerate(rules):
        source = text[bounds[index][0] : bounds[index][1]].strip()
        bare = (
            rule.spans is None
            and rule.state == OPEN
            and not rule.comment
            and (rule.weekdays or rule.holidays)
            and not re.search(r"\bopen\b|24/7", source, re.IGNORECASE)
        )
        if bare and index + 1 < len(rules) and rules[index + 1].operator == ADDITIONAL:
            problems.append(
                f"« {source} » sans heure veut dire ouvert 24 h/24 {_days(rule)} ; la virgule suivie d'une "
                "espace commence une nouvelle règle."
            )
            separators[bounds[index][1]] = ","
        elif bare:
            problems.append(f"« {source} » sans heure veut dire ouvert 24 h/24 {_days(rule)}.")
        for later_index in range(index + 1, len(rules)):
            days = _erased(rule, rules[later_index])
            if days:
                later = text[bounds[later_index][0] : bounds[later_index][1]].strip()
                problems.append(
                    f"« {later} » remplace « {source} » {_days_text(sorted(days))} : une règle après un "
                    "point-virgule remplace les précédentes pour les mêmes jours."
                )
                if later_index == index + 1:
                    separators[bounds[index][1]] = ", "
    for position in sorted(separators, reverse=True):
        end = position
        while end < len(suggestion) and suggestion[end] in " ;,":
            end += 1
        suggestion = suggestion[:position] + separators[position] + suggestion[end:]
    return problems, suggestion


def reading_warning(value: str) -> str | None:
    """A French warning when ``value`` (valid) most likely does not mean what the library reads; else None."""
    text = (value or "").strip()
    if not text or validate(text):
        return None
    problems: list[str] = []
    suggestion = text
    month_then_nth = _MONTH_THEN_NTH.search(text)
    if month_then_nth:
        problems.append(
            "des mois suivis d'un jour numéroté sans deux-points se lisent comme une date : les premiers "
            "mois sont ouverts en entier, seul le dernier est limité à ce jour."
        )
        suggestion = text[: month_then_nth.start(1)].rstrip(":") + ": " + text[month_then_nth.end(1) :]
    elif checked_rules(text, text) is not None:
        parser = Parser(text)
        try:
            rules = parser.rules()
        except Unsupported:  # pragma: no cover - checked_rules read the same string
            return None
        problems, suggestion = _problems(text, rules, parser.bounds)
    if not problems:
        return None
    message = f"Ces horaires sont valides mais se lisent peut-être autrement que prévu : {' '.join(problems)}"
    message += f" Lus ainsi : « {describe(text)} »."
    if suggestion != text and not validate(suggestion):
        message += f" Vouliez-vous écrire « {suggestion} » (lu « {describe(suggestion)} ») ?"
    return message + " Si les horaires lus sont les bons, cochez « Confirmer ces horaires »."
