"""The reader of the common subset of the opening_hours syntax into :class:`~guide.hours.model.Rule` s.

It handles weekdays (and the nth weekday of the month, « We[1,3] », « Fr[-1] »), public and school
holidays, months and dates, dated ranges with years (« 2026 Dec 21-2027 Jan 03 »), ISO weeks (« week
1-53/2 »), time spans, state modifiers with comments, and fallback rules after « || »; anything else
(Easter, offsets, sunrise, repetitions…) raises :class:`~guide.hours.model.Unsupported`, and the caller
falls back on the library.
"""

from __future__ import annotations

import re
from datetime import date

from .model import (
    ADDITIONAL,
    CLOSED,
    DAYS,
    FALLBACK,
    NORMAL,
    OPEN,
    UNKNOWN,
    Period,
    PeriodItem,
    Rule,
    Unsupported,
)
from .wording import DAY_MINUTES

_WEEKDAY_INDEX = {code.lower(): index for index, code in enumerate(DAYS)}
_MONTH_INDEX = {
    name: index + 1
    for index, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_DAYNUM = re.compile(r"([0-9]{1,2})(?![0-9:])")
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_DATED = re.compile(
    rf"([0-9]{{4}}) ({_MONTHS}) ?([0-9]{{1,2}})(?:-(?:([0-9]{{4}}) )?(?:({_MONTHS}) ?)?([0-9]{{1,2}}))?"
    r"(?![0-9:+])",
    re.IGNORECASE,
)
_WEEKS = re.compile(
    r"week ?([0-9]{1,2}(?:-[0-9]{1,2})?(?:/[0-9]{1,2})?(?:,[0-9]{1,2}(?:-[0-9]{1,2})?"
    r"(?:/[0-9]{1,2})?)*) ",
    re.IGNORECASE,
)
_WEEK_ITEM = re.compile(r"([0-9]{1,2})(?:-([0-9]{1,2}))?(?:/([0-9]{1,2}))?")
_MODIFIERS = {"open": OPEN, "closed": CLOSED, "off": CLOSED, "unknown": UNKNOWN}


class Parser:
    """Reads rules; raises Unsupported for anything outside the handled subset.

    The string has already been accepted by the library, so this parser may be lenient about spaces,
    except where they change the meaning (« 09:00-12:00,14:00-17:00 » is one rule, « 09:00-12:00 ,
    14:00-17:00 » two).  Its reading is checked against the library afterwards anyway.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.bounds: list[tuple[int, int]] = []  # where each rule read starts and ends in ``text``

    # low-level helpers

    def _rest(self) -> str:
        return self.text[self.pos :]

    def _skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] == " ":
            self.pos += 1

    def _word(self, at: int, length: int) -> str | None:
        """The lower-cased ``length`` letters at ``at`` when they form a whole word."""
        chunk = self.text[at : at + length]
        following = self.text[at + length : at + length + 1]
        if len(chunk) == length and chunk.isalpha() and not following.isalpha():
            return chunk.lower()
        return None

    def _weekday_at(self, at: int) -> int | None:
        word = self._word(at, 2)
        return _WEEKDAY_INDEX.get(word) if word else None

    def _holiday_at(self, at: int) -> str | None:
        chunk = self.text[at : at + 2]
        if chunk in ("PH", "SH") and not self.text[at + 2 : at + 3].isalpha():
            return chunk
        return None

    def _month_at(self, at: int) -> int | None:
        word = self._word(at, 3)
        return _MONTH_INDEX.get(word) if word else None

    # grammar

    def rules(self) -> tuple[Rule, ...]:
        rules = []
        operator = NORMAL
        self._skip_spaces()
        while True:
            start = self.pos
            rules.append(self.rule(operator))
            self.bounds.append((start, self.pos))
            self._skip_spaces()
            if self.pos >= len(self.text):
                return tuple(rules)
            if self.text.startswith("||", self.pos):
                operator = FALLBACK
                self.pos += 2
                self._skip_spaces()
                continue
            if operator == FALLBACK:
                raise Unsupported("rules after a fallback rule")
            separator = self.text[self.pos]
            if separator == ";":
                operator = NORMAL
            elif separator == ",":
                operator = ADDITIONAL
            else:
                raise Unsupported(f"unexpected {separator!r}")
            self.pos += 1
            self._skip_spaces()

    def rule(self, operator: str) -> Rule:
        start = self.pos
        period = None
        weekdays: frozenset[int] | None = None
        holidays: frozenset[str] = frozenset()
        spans = None
        dates = None
        weeks = None
        monthly: frozenset[tuple[int, int]] = frozenset()
        if self.text.startswith("24/7", self.pos):
            self.pos += 4
        else:
            dates = self.dated_range()
            period = None if dates is not None else self.period()
            if period is not None or dates is not None:
                if self.text.startswith(":", self.pos):
                    self.pos += 1
                self._skip_spaces()
            weeks = self.week_selector()
            weekdays, holidays, monthly = self.weekday_selector()
            if weekdays is not None or holidays:
                save = self.pos
                self._skip_spaces()
                if self._at_time():
                    spans = self.times()
                else:
                    self.pos = save
            elif self._at_time():
                spans = self.times()
        state, comment = self.modifier()
        if self.pos == start:
            raise Unsupported("empty rule")
        rule = Rule(operator, period, weekdays, holidays, spans, state, comment, monthly, weeks, dates)
        if rule.irregular and (operator == FALLBACK or holidays):
            raise Unsupported("irregular dates mixed with other selectors")
        return rule

    def dated_range(self) -> tuple[date, date] | None:
        """« 2026 Dec 21-2027 Jan 03 », « 2026 Dec 24 », « 2026 Dec 21-Jan 03 »; None without a year."""
        match = _DATED.match(self.text, self.pos)
        if not match:
            if re.match(r"[0-9]{4}(?![0-9:])", self._rest()):
                raise Unsupported("years without a date")
            return None
        year, month, day, last_year, last_month, last_day = match.groups()
        try:
            first = date(int(year), _MONTH_INDEX[month.lower()], int(day))
            if last_day is None:
                last = first
            else:
                last = date(
                    int(last_year or year),
                    _MONTH_INDEX[(last_month or month).lower()],
                    int(last_day),
                )
        except (KeyError, ValueError) as exc:
            raise Unsupported("impossible date") from exc
        if last_year is None and last < first and last_month is not None:
            last = last.replace(year=first.year + 1)
        if last < first:
            raise Unsupported("date range going backwards")
        self.pos = match.end()
        return first, last

    def week_selector(self) -> frozenset[int] | None:
        """« week 1-53/2 », « week 02,04 » → ISO week numbers; None without « week »."""
        match = _WEEKS.match(self.text, self.pos)
        if not match:
            if self._rest().lower().startswith("week"):
                raise Unsupported("week selector")
            return None
        weeks: set[int] = set()
        for first, last, step in _WEEK_ITEM.findall(match.group(1)):
            low, high = int(first), int(last or first)
            if not 1 <= low <= high <= 53:
                raise Unsupported("week out of range")
            weeks.update(range(low, high + 1, int(step or 1)))
        self.pos = match.end()
        return frozenset(weeks)

    def period(self) -> Period | None:
        rest = self._rest().lower()
        if re.match(r"[0-9]{4}", rest) or rest.startswith("easter"):
            raise Unsupported("years and Easter")
        if self._month_at(self.pos) is None:
            return None
        items = []
        while True:
            items.append(self.period_item())
            if self.text.startswith(",", self.pos) and self._month_at(self.pos + 1) is not None:
                self.pos += 1
                continue
            break
        days: set[tuple[int, int]] = set()
        for item in items:
            days |= item.days()
        return Period(tuple(items), frozenset(days))

    def period_item(self) -> PeriodItem:
        first_month = self._month_at(self.pos)
        assert first_month is not None
        self.pos += 3
        first_day = self.day_number(allow_space=True)
        if first_day is None:
            if self.text.startswith("-", self.pos) and self._month_at(self.pos + 1) is not None:
                last_month = self._month_at(self.pos + 1)
                assert last_month is not None
                self.pos += 4
                return PeriodItem(first_month, None, last_month, None)
            return PeriodItem(first_month, None, first_month, None)
        if re.match(r"\+|-[A-Za-z]{2}(?![A-Za-z])| [+-][0-9]", self._rest()):
            raise Unsupported("date offsets")  # « Dec 25+ », « Sep 01-Mo », « Dec 25 +1 day »
        save = self.pos
        self._skip_spaces()
        if not self.text.startswith("-", self.pos):
            self.pos = save
            return PeriodItem(first_month, first_day, first_month, first_day)
        self.pos += 1
        self._skip_spaces()
        last_month = self._month_at(self.pos)
        if last_month is not None:
            self.pos += 3
            last_day = self.day_number(allow_space=True)
        else:
            last_month = first_month
            last_day = self.day_number(allow_space=False)
        if last_day is None:
            raise Unsupported("incomplete date range")
        return PeriodItem(first_month, first_day, last_month, last_day)

    def day_number(self, allow_space: bool) -> int | None:
        at = self.pos + 1 if allow_space and self.text.startswith(" ", self.pos) else self.pos
        match = _DAYNUM.match(self.text, at)
        if not match or not 1 <= int(match.group(1)) <= 31:
            return None
        self.pos = match.end()
        return int(match.group(1))

    def nth(self) -> frozenset[int]:
        """« [1,3] », « [2] », « [-1] », « [1-3] » after a weekday (the brackets included)."""
        end = self.text.find("]", self.pos)
        inside = self.text[self.pos + 1 : end] if end > 0 else ""
        if not re.fullmatch(r"-?[1-5](?:-[1-5])?(?:,-?[1-5](?:-[1-5])?)*", inside):
            raise Unsupported("nth weekday with offsets")
        numbers: set[int] = set()
        for item in inside.split(","):
            first, _, last = item.lstrip("-").partition("-")
            sign = -1 if item.startswith("-") else 1
            numbers.update(sign * n for n in range(int(first), int(last or first) + 1))
        self.pos = end + 1
        if re.match(r" [+-][0-9]", self._rest()):
            raise Unsupported("nth weekday with day offsets")
        return frozenset(numbers)

    def weekday_selector(self) -> tuple[frozenset[int] | None, frozenset[str], frozenset[tuple[int, int]]]:
        monthly: set[tuple[int, int]] = set()
        days: set[int] = set()
        holidays: set[str] = set()
        seen_weekday = False
        previous_is_holiday = False
        while True:
            holiday = self._holiday_at(self.pos)
            weekday = self._weekday_at(self.pos)
            if holiday:
                holidays.add(holiday)
                self.pos += 2
                if re.match(r" [+-][0-9]", self._rest()):
                    raise Unsupported("holiday offsets")
                previous_is_holiday = True
            elif weekday is not None:
                seen_weekday = True
                self.pos += 2
                if self.text.startswith("[", self.pos):
                    monthly.update((weekday, n) for n in self.nth())
                    previous_is_holiday = False
                    following = self.pos + 1
                    if self.text.startswith(",", self.pos) and self._weekday_at(following) is not None:
                        self.pos += 1
                        continue
                    break
                last = self._weekday_at(self.pos + 1) if self.text.startswith("-", self.pos) else None
                if last is not None:
                    self.pos += 3
                    days.update((weekday + i) % 7 for i in range((last - weekday) % 7 + 1))
                else:
                    days.add(weekday)
                previous_is_holiday = False
            else:
                break
            # « Mo,We », « Su,PH », « PH Mo » (a union, as the library reads it)
            following = self.pos + 1
            next_is_holiday = bool(self._holiday_at(following))
            next_is_weekday = self._weekday_at(following) is not None
            comma = self.text.startswith(",", self.pos) and (next_is_holiday or next_is_weekday)
            space = self.text.startswith(" ", self.pos) and (
                next_is_holiday or (previous_is_holiday and next_is_weekday)
            )
            if not (comma or space):
                break
            self.pos += 1
        return (frozenset(days) if seen_weekday else None), frozenset(holidays), frozenset(monthly)

    def _at_time(self) -> bool:
        rest = self._rest()
        return (
            bool(_CLOCK.match(rest))
            or rest.startswith("(")
            or rest.lower().startswith(("sunrise", "sunset", "dawn", "dusk"))
        )

    def clock(self, limit: int) -> int:
        match = _CLOCK.match(self.text, self.pos)
        if not match:
            raise Unsupported("sunrise, sunset and other variable times")
        hours, minutes = int(match.group(1)), int(match.group(2))
        if minutes > 59 or hours * 60 + minutes > limit:
            raise Unsupported("time out of range")
        self.pos = match.end()
        return hours * 60 + minutes

    def times(self) -> tuple[tuple[int, int, bool], ...]:
        spans = [self.timespan()]
        while self.text.startswith(",", self.pos):
            save = self.pos
            self.pos += 1
            if self.text.startswith(" ", self.pos):
                self.pos += 1
            if self._at_time():
                spans.append(self.timespan())
            else:
                self.pos = save
                break
        return tuple(spans)

    def timespan(self) -> tuple[int, int, bool]:
        start = self.clock(limit=DAY_MINUTES)
        if start == DAY_MINUTES:
            raise Unsupported("24:00 as a start")
        if self.text.startswith("+", self.pos):
            self.pos += 1
            return start, DAY_MINUTES, True
        self._skip_spaces()
        if not self.text.startswith("-", self.pos):
            raise Unsupported("point in time")
        self.pos += 1
        self._skip_spaces()
        end = self.clock(limit=2 * DAY_MINUTES)
        if self.text.startswith(("+", "/"), self.pos) or re.match(r" */", self._rest()):
            raise Unsupported("open ends and repetitions")
        if end <= start:
            end += DAY_MINUTES  # « 22:00-02:00 » and « 09:00-09:00 » run into the next day
        return start, end, False

    def modifier(self) -> tuple[str, str]:
        save = self.pos
        self._skip_spaces()
        state, found = OPEN, False
        for length in (7, 6, 4, 3):
            word = self._word(self.pos, length)
            if word in _MODIFIERS:
                state, found = _MODIFIERS[word], True
                self.pos += length
                break
        after_word = self.pos
        if found:
            self._skip_spaces()
        if self.text.startswith('"', self.pos):
            end = self.text.find('"', self.pos + 1)
            if end < 0:
                raise Unsupported("unclosed comment")
            comment = self.text[self.pos + 1 : end]
            self.pos = end + 1
            return state, comment
        self.pos = after_word if found else save
        return state, ""
