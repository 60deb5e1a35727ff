"""Update campaigns, password-less confirmation links and reminders (``guide-remind``).

One module per reason to change:

- :mod:`.links` — confirmation links: issue, resolve, confirm the organisation's fiches with one, purge;
- :mod:`.mail` — who receives a campaign mail, the fiches it lists, its text, how it leaves;
- :mod:`.sending` — campaigns: choose who, create, preview, send, resend, phone notes, close;
- :mod:`.progress` — who answered since the mail, tallied by thématique and quartier;
- :mod:`.reminders` — campaign and fiche reminders, each recorded once (``guide-remind``);
- :mod:`.demo` — the demo guide's stale fiches and campaign under way.

This module re-exports their public API (``from guide.services import campaigns``; ``campaigns.progress(…)``).
"""

from __future__ import annotations

from .demo import seed_demo
from .links import (
    CLOSED,
    CONFIRM_PATH,
    EXPIRED,
    EXPIRED_LINKS_KEPT,
    UNKNOWN,
    LinkError,
    confirm_with_link,
    freshness_rows,
    issue_link,
    link_fiches,
    link_url,
    note_link_opened,
    purge_expired_links,
    resolve_link,
)
from .mail import (
    MAX_FICHES_IN_MAIL,
    FicheLine,
    fiche_lines,
    mail_for,
    member_emails,
    recipients_of,
    send_mail,
)
from .progress import ANSWER_LABELS, Progress, Tally, answers, progress
from .reminders import (
    REMINDER_DAYS,
    SentReminder,
    campaign_reminders,
    fiche_reminders,
    send_due_reminders,
)
from .sending import (
    TARGET_MODES,
    CampaignError,
    Preview,
    close,
    create_campaign,
    describe_target,
    note_phone,
    preview,
    resend,
    send_campaign,
    target_organisations,
)

__all__ = [
    "ANSWER_LABELS",
    "CLOSED",
    "CONFIRM_PATH",
    "EXPIRED",
    "EXPIRED_LINKS_KEPT",
    "MAX_FICHES_IN_MAIL",
    "REMINDER_DAYS",
    "TARGET_MODES",
    "UNKNOWN",
    "CampaignError",
    "FicheLine",
    "LinkError",
    "Preview",
    "Progress",
    "SentReminder",
    "Tally",
    "answers",
    "campaign_reminders",
    "close",
    "confirm_with_link",
    "create_campaign",
    "describe_target",
    "fiche_lines",
    "fiche_reminders",
    "freshness_rows",
    "issue_link",
    "link_fiches",
    "link_url",
    "mail_for",
    "member_emails",
    "note_link_opened",
    "note_phone",
    "preview",
    "progress",
    "purge_expired_links",
    "recipients_of",
    "resend",
    "resolve_link",
    "seed_demo",
    "send_campaign",
    "send_due_reminders",
    "send_mail",
    "target_organisations",
]
