"""Opening hours written as OpenStreetMap ``opening_hours`` strings: the public API.

* :func:`validate` — a French, non-expert explanation of why a string is not understood
  (:mod:`~guide.hours.validation`, which also holds the complexity limits);
* :func:`describe` — the hours in plain French (« du lundi au vendredi de 9 h à 12 h ; fermé les jours
  fériés ») (:mod:`~guide.hours.description`, built on :mod:`~guide.hours.model`,
  :mod:`~guide.hours.parser` and :mod:`~guide.hours.check`);
* :func:`grid_to_osm`, :func:`osm_to_grid`, :func:`validate_grid` — the weekly grid of the edit form
  (:mod:`~guide.hours.grid`);
* :func:`reading_warning` — a valid string that most likely does not mean what the library reads
  (« Su, PH off » opens Sundays 24 h/24), for the form to ask for a confirmation
  (:mod:`~guide.hours.reading`);
* :func:`status`, :func:`today_hours` — « Ouvert maintenant — ferme à 17 h » for residents
  (:mod:`~guide.hours.open_status`).

Time zone: every wall-clock time is in the guide's zone, whatever the server's: the ``timezone``
setting, given once at start-up to :func:`configure` (by :func:`includeme`), Europe/Paris by default.
Public functions accept naive datetimes (read as the guide's wall-clock time) and aware datetimes in any
zone (converted); :func:`local` and :func:`today` give the same to other modules; see
:mod:`~guide.hours.library` for what the library is given.
"""

from __future__ import annotations

from typing import Any

from ..settings import settings_of
from .description import describe, describe_safe, is_described, print_problem
from .grid import APPOINTMENT, NTHS, GridForm, grid_to_osm, osm_to_grid, read_grid, validate_grid
from .library import COORDINATES, COUNTRY, DEFAULT_TIMEZONE, configure, local, timezone, today
from .model import DAYS
from .open_status import NO_HOURS, UNAVAILABLE, OpenStatus, status, today_hours
from .reading import reading_warning
from .validation import EXAMPLE, MAX_LENGTH, MAX_RULES, MAX_TIME_SPANS, complexity_problem, validate
from .wording import DAY_LABELS, MONTH_LABELS

__all__ = [
    "APPOINTMENT",
    "COORDINATES",
    "COUNTRY",
    "DAYS",
    "DAY_LABELS",
    "DEFAULT_TIMEZONE",
    "EXAMPLE",
    "MAX_LENGTH",
    "MAX_RULES",
    "MAX_TIME_SPANS",
    "MONTH_LABELS",
    "NO_HOURS",
    "NTHS",
    "UNAVAILABLE",
    "GridForm",
    "OpenStatus",
    "complexity_problem",
    "configure",
    "describe",
    "describe_safe",
    "grid_to_osm",
    "includeme",
    "is_described",
    "local",
    "osm_to_grid",
    "print_problem",
    "read_grid",
    "reading_warning",
    "status",
    "timezone",
    "today",
    "today_hours",
    "validate",
    "validate_grid",
]


def includeme(config: Any) -> None:
    """Pyramid hook: opening hours computed in the zone of the ``timezone`` setting."""
    configure(settings_of(config.registry).timezone)
