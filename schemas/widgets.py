"""The weekly opening-hours grid: partners tick days and type time slots; experts type the OSM string."""

from __future__ import annotations

import re
from typing import Any

import colander
from deform.widget import Widget

from guide import hours

SLOTS_PER_DAY = 3
MONTHLY_ROWS = 2  # « le 1er et le 3e mercredi du mois » rows under the week
_TIME = re.compile(r"^(\d{1,2})\s*(?:[:hH.]\s*(\d{2})?)?$")
_SLOT_FIELD = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su|m[0-9])-([0-9]{1,9})-(?:start|end|rdv)$")
_NTH_LABELS = {1: "1er", 2: "2e", 3: "3e", 4: "4e", 5: "5e", -1: "dernier"}


def _parse_time(value: str) -> str | None:
    """'9' / '9h' / '09:30' / '9h30' / '9.30' → 'HH:MM'; None when not a time."""
    match = _TIME.match(value.strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return None
    return f"{hour:02d}:{minute:02d}"


class OpeningHoursWidget(Widget):
    """Renders a weekly grid with a raw "expert" field; produces an OSM opening_hours string."""

    template = "opening_hours"
    readonly_template = "opening_hours"
    slots = SLOTS_PER_DAY

    def serialize(self, field: Any, cstruct: Any, **kw: Any) -> str:
        state = self.state_from(cstruct)
        values = self.get_template_values(field, cstruct, kw)
        values.update(state)
        values["days"] = [(code, hours.DAY_LABELS[i]) for i, code in enumerate(hours.DAYS)]
        values["slots"] = range(self.slots)
        values["nths"] = [(str(n), _NTH_LABELS[n]) for n in hours.NTHS]
        return field.renderer(self.template, **values)

    def _empty_rows(self) -> list[dict[str, Any]]:
        return [
            {"day": "", "nths": set(), "slots": [("", "", False)] * self.slots} for _ in range(MONTHLY_ROWS)
        ]

    def _typed_rows(self, cstruct: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {
                "day": cstruct.get(f"m{r}-day", ""),
                "nths": {str(n) for n in hours.NTHS if cstruct.get(f"m{r}-nth-{n}")},
                "slots": [
                    (
                        cstruct.get(f"m{r}-{i}-start", ""),
                        cstruct.get(f"m{r}-{i}-end", ""),
                        bool(cstruct.get(f"m{r}-{i}-rdv")),
                    )
                    for i in range(self.slots)
                ],
            }
            for r in range(MONTHLY_ROWS)
        ]

    def state_from(self, cstruct: Any) -> dict[str, Any]:
        """What to show: from an OSM string, or from what was typed (after an error)."""
        if isinstance(cstruct, dict):  # the typed input, redisplayed as is
            grid = {
                code: [
                    (
                        cstruct.get(f"{code}-{i}-start", ""),
                        cstruct.get(f"{code}-{i}-end", ""),
                        bool(cstruct.get(f"{code}-{i}-rdv")),
                    )
                    for i in range(self.slots)
                ]
                for code in hours.DAYS
            }
            return {
                "mode": cstruct.get("mode", "grid"),
                "grid": grid,
                "monthly": self._typed_rows(cstruct),
                "closed": bool(cstruct.get("closed")),
                "ph_off": bool(cstruct.get("ph_off")),
                "raw": cstruct.get("raw", ""),
                "grid_errors": cstruct.get("_errors", {}),
                "reading_warning": cstruct.get("_warning", ""),
                "confirmed": False,
            }
        raw = "" if cstruct in (colander.null, None) else str(cstruct)
        parsed = hours.read_grid(raw, max_slots=self.slots)
        if parsed is not None and len(parsed.monthly) > MONTHLY_ROWS:
            parsed = None
        empty = [("", "", False)] * self.slots
        if parsed is None:
            # A saved string read otherwise than it most likely means: shown, already confirmed (it was
            # saved so), and asked again only if the partner changes it.
            warning = hours.reading_warning(raw)
            return {
                "mode": "raw",
                "grid": dict.fromkeys(hours.DAYS, empty),
                "ph_off": False,
                "raw": raw,
                "grid_errors": {},
                "reading_warning": warning or "",
                "confirmed": bool(warning),
                "monthly": self._empty_rows(),
                "closed": False,
            }
        padded = {
            code: list(parsed.days.get(code, []))
            + [("", "", False)] * (self.slots - len(parsed.days.get(code, [])))
            for code in hours.DAYS
        }
        rows = self._empty_rows()
        for row, (code, nths, slots) in zip(rows, parsed.monthly, strict=False):
            row.update(
                day=code,
                nths={str(n) for n in nths},
                slots=list(slots) + [("", "", False)] * (self.slots - len(slots)),
            )
        return {
            "mode": "grid",
            "grid": padded,
            "monthly": rows,
            "closed": parsed.closed,
            "ph_off": parsed.closed_on_public_holidays,
            "raw": raw,
            "grid_errors": {},
            "reading_warning": "",
            "confirmed": False,
        }

    def _is_extra_slot(self, key: str) -> bool:
        match = _SLOT_FIELD.match(key)
        return bool(match) and int(match.group(2)) >= self.slots

    def _extra_slots(self, pstruct: dict[str, str]) -> dict[str, str]:
        """Day code → French message, for days sent with more slots than the grid has (forged forms)."""
        days = {key[:2] for key, text in pstruct.items() if text.strip() and self._is_extra_slot(key)}
        return {
            code: (
                f"{hours.DAY_LABELS[index].capitalize()} : {self.slots} créneaux au plus par jour dans "
                "la grille ; pour des horaires plus détaillés, utilisez la saisie experte."
            )
            for index, code in enumerate(hours.DAYS)
            if code in days
        }

    def deserialize(self, field: Any, pstruct: Any) -> Any:
        if pstruct is colander.null or not isinstance(pstruct, dict):
            return colander.null
        pstruct = {k: v for k, v in pstruct.items() if isinstance(v, str)}
        if pstruct.get("mode") == "raw":
            raw = pstruct.get("raw", "").strip()
            # A valid string whose reading differs from what it most likely means (« Su, PH off » opens
            # Sundays 24 h/24) is kept, with a warning, until the partner ticks « Confirmer ces horaires »
            # (the box carries the string it confirms: changing the string asks again).
            if raw and pstruct.get("confirm_reading", "").strip() != raw:
                warning = hours.reading_warning(raw)
                if warning:
                    value = dict(pstruct, _warning=warning)
                    raise colander.Invalid(
                        field.schema,
                        "Vérifiez ces horaires : lisez l'avertissement sous le champ, puis corrigez-les ou "
                        "cochez « Confirmer ces horaires ».",
                        value,
                    )
            return raw or colander.null  # its length is checked first thing by the field's validator
        grid: dict[str, list[tuple[str, str, bool]]] = {}
        errors = self._extra_slots(pstruct)
        for index, code in enumerate(hours.DAYS):
            if code in errors:
                continue
            label = hours.DAY_LABELS[index].capitalize()
            slots = self._slots(pstruct, code, label, errors)
            if slots is not None:
                grid[code] = slots
        monthly = []
        for r in range(MONTHLY_ROWS):
            day = pstruct.get(f"m{r}-day", "").strip()
            nths = [n for n in hours.NTHS if pstruct.get(f"m{r}-nth-{n}")]
            label = "Chaque mois"
            if day in hours.DAYS:
                label = f"Chaque mois, le {hours.DAY_LABELS[hours.DAYS.index(day)]}"
            slots = self._slots(pstruct, f"m{r}", label, errors)
            if slots and day not in hours.DAYS:
                errors[f"m{r}"] = f"{label} : choisissez le jour de la semaine."
            elif slots:
                monthly.append((day, tuple(nths), slots))
        if not errors:
            errors = hours.validate_grid(grid)
        osm = ""
        if not errors:
            try:
                osm = hours.grid_to_osm(
                    grid, bool(pstruct.get("ph_off")), monthly=monthly, closed=bool(pstruct.get("closed"))
                )
            except ValueError as exc:
                errors = {"grid": str(exc)}
        if errors:
            value = {key: text for key, text in pstruct.items() if not self._is_extra_slot(key)}
            value["_errors"] = errors
            raise colander.Invalid(field.schema, " ".join(errors.values()), value)
        return osm or colander.null

    def _slots(
        self, pstruct: dict[str, str], prefix: str, label: str, errors: dict[str, str]
    ) -> list[tuple[str, str, bool]] | None:
        """The slots typed in a row (a day, or ``m0`` for a monthly row); None after an error."""
        slots = []
        for i in range(self.slots):
            start_text = pstruct.get(f"{prefix}-{i}-start", "").strip()
            end_text = pstruct.get(f"{prefix}-{i}-end", "").strip()
            if not start_text and not end_text:
                continue
            start, end = _parse_time(start_text), _parse_time(end_text)
            if start is None or end is None:
                errors[prefix] = (
                    f"{label} : indiquez le début et la fin de chaque créneau, par exemple 09:00 et 12:00."
                )
                return None
            slots.append((start, end, bool(pstruct.get(f"{prefix}-{i}-rdv"))))
        return sorted(slots)
