"""The shared agenda: series expanded into occurrences, what the public may see (bounded), the partner side.

One module per reason to change:

- :mod:`.series` — RFC 5545 RRULE from the partner form, expanded into occurrences in the guide's wall time;
- :mod:`.wording` — how a date or a series is said (French, or the reader's language);
- :mod:`.reads` — the public reads: published events only, within ``MAX_WINDOW`` / ``MAX_OCCURRENCES``;
- :mod:`.editing` — the partner side: check and save an event, its workflow, cancel a date, review lists;
- :mod:`.demo` — the demo guide's events.

This module re-exports their public API (``from guide.services import agenda``; ``agenda.describe(…)``).
"""

from __future__ import annotations

from .demo import seed_demo
from .editing import (
    EVENT_STATE_LABELS,
    HISTORY_LABELS,
    MAX_EVENT_HOURS,
    PERMISSION_OVERRIDES,
    EventError,
    EventInput,
    available_transitions,
    cancel_occurrence,
    input_of,
    notify_decision,
    organisation_events,
    review_queue,
    save_event,
    transition,
    transition_permission,
)
from .reads import (
    DEFAULT_LIMIT,
    MAX_EVENTS_SCANNED,
    MAX_OCCURRENCES,
    MAX_WINDOW,
    is_past,
    next_occurrences,
    public_events_query,
    published_event,
    upcoming_occurrences,
)
from .series import (
    FREQUENCY_LABELS,
    MAX_SERIES_DAYS,
    MAX_SERIES_OCCURRENCES,
    WEEKDAYS_RRULE,
    Frequency,
    Occurrence,
    Recurrence,
    aware,
    build_rrule,
    last_end,
    local,
    monthly_position,
    occurrence_count,
    occurrences,
    parse_rrule,
)
from .wording import MONTHS_FR, ORDINALS_FR, WEEKDAYS_FR, date_fr, describe

__all__ = [
    "DEFAULT_LIMIT",
    "EVENT_STATE_LABELS",
    "FREQUENCY_LABELS",
    "HISTORY_LABELS",
    "MAX_EVENTS_SCANNED",
    "MAX_EVENT_HOURS",
    "MAX_OCCURRENCES",
    "MAX_SERIES_DAYS",
    "MAX_SERIES_OCCURRENCES",
    "MAX_WINDOW",
    "MONTHS_FR",
    "ORDINALS_FR",
    "PERMISSION_OVERRIDES",
    "WEEKDAYS_FR",
    "WEEKDAYS_RRULE",
    "EventError",
    "EventInput",
    "Frequency",
    "Occurrence",
    "Recurrence",
    "available_transitions",
    "aware",
    "build_rrule",
    "cancel_occurrence",
    "date_fr",
    "describe",
    "input_of",
    "is_past",
    "last_end",
    "local",
    "monthly_position",
    "next_occurrences",
    "notify_decision",
    "occurrence_count",
    "occurrences",
    "organisation_events",
    "parse_rrule",
    "public_events_query",
    "published_event",
    "review_queue",
    "save_event",
    "seed_demo",
    "transition",
    "transition_permission",
    "upcoming_occurrences",
]
