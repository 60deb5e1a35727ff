"""Password-less confirmation links: issue, resolve, confirm with, list for the link's page, purge.

:func:`issue_link` makes a random token for ONE organisation (and optionally a campaign), stores its SHA-256
only and returns the clear token for the mail. :func:`resolve_link` finds a valid link again: it is refused
once expired (``token.confirmation_days``), revoked, or when its campaign is closed. It is usable many times
until then (a partner clicks the mail again). A link only ever confirms the organisation's own fiches
(:func:`confirm_with_link`) — editing needs an account. Expired links are deleted after
:data:`EXPIRED_LINKS_KEPT` by ``guide-housekeeping`` (:func:`purge_expired_links`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ...models import (
    CampaignRecipient,
    ConfirmationLink,
    Fiche,
    State,
    utcnow,
)
from ...settings import Settings, coerce
from .. import fiches as fiche_service
from ..freshness import Freshness, freshness_for, period_months

CONFIRM_PATH = "/mise-a-jour/{token}"  # the route « confirm_link » (views/confirm.py)


class LinkError(Exception):
    """A confirmation link that cannot be used; ``message`` is for the visitor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def link_url(settings: Settings | Mapping[str, Any], token: str) -> str:
    return coerce(settings).site_url.rstrip("/") + CONFIRM_PATH.format(token=token)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(
    db: Session,
    organisation_id: int,
    *,
    days: int,
    campaign_id: int | None = None,
    email: str = "",
    now: dt.datetime | None = None,
) -> str:
    """A new link for the organisation; returns the clear token (only its hash is stored)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.add(
        ConfirmationLink(
            token_hash=_hash(token),
            organisation_id=organisation_id,
            campaign_id=campaign_id,
            email=email[:254],
            created_at=now,
            expires_at=now + dt.timedelta(days=max(days, 1)),
        )
    )
    return token


EXPIRED = (
    "Ce lien de mise à jour a expiré. Connectez-vous à votre espace partenaire, ou demandez un nouveau "
    "lien à la coordination du guide."
)
UNKNOWN = "Ce lien de mise à jour n'est pas valable : vérifiez qu'il est complet (copiez-le en entier)."
CLOSED = (
    "Cette campagne de mise à jour est terminée. Connectez-vous à votre espace partenaire pour vos fiches."
)


def resolve_link(db: Session, token: str, now: dt.datetime | None = None) -> ConfirmationLink:
    """The valid link for this clear token; raises :class:`LinkError` with a French message otherwise."""
    now = now or utcnow()
    if not token or len(token) > 100 or not token.isascii():
        raise LinkError(UNKNOWN)
    link = db.scalar(select(ConfirmationLink).where(ConfirmationLink.token_hash == _hash(token)))
    if link is None:
        raise LinkError(UNKNOWN)
    if link.revoked_at is not None or link.expires_at <= now:
        raise LinkError(EXPIRED)
    if link.campaign is not None and link.campaign.closed_at is not None:
        raise LinkError(CLOSED)
    return link


def link_fiches(db: Session, link: ConfirmationLink) -> list[Fiche]:
    """The fiches the link may show: its organisation's, not archived."""
    return list(
        db.scalars(
            select(Fiche).where(Fiche.organisation_id == link.organisation_id, Fiche.state != State.ARCHIVED)
        )
    )


def confirm_with_link(
    db: Session,
    link: ConfirmationLink,
    fiche_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
) -> list[Fiche]:
    """Confirm the link's organisation's public fiches (all, or those of ``fiche_ids`` that belong to it:
    another organisation's fiche is never touched). Returns the fiches confirmed."""
    now = now or utcnow()
    wanted = None if fiche_ids is None else set(fiche_ids)
    done = []
    for fiche in link_fiches(db, link):
        if not fiche.is_public or (wanted is not None and fiche.id not in wanted):
            continue
        fiche_service.confirm(fiche, None)
        fiche.events[-1].comment = "Confirmée depuis le lien reçu par courriel"
        done.append(fiche)
    link.last_used_at = now
    link.use_count = (link.use_count or 0) + 1
    if done and link.campaign_id is not None:
        recipient = db.scalar(
            select(CampaignRecipient).where(
                CampaignRecipient.campaign_id == link.campaign_id,
                CampaignRecipient.organisation_id == link.organisation_id,
            )
        )
        if recipient is not None and recipient.answered_at is None:
            recipient.answered_at = now
    return done


def note_link_opened(link: ConfirmationLink, now: dt.datetime | None = None) -> None:
    link.last_used_at = now or utcnow()
    link.use_count = (link.use_count or 0) + 1


def freshness_rows(fiches: Iterable[Fiche], today: dt.date) -> list[tuple[Fiche, Freshness | None, int]]:
    """(fiche, freshness, period) for pages, most urgent first."""
    rows = []
    for fiche in fiches:
        freshness = (
            freshness_for(fiche.confirmed_at, period_months(fiche), today) if fiche.is_public else None
        )
        rows.append((fiche, freshness, period_months(fiche)))
    return sorted(rows, key=lambda r: (r[1].rank if r[1] else 3, r[0].title.casefold()))


EXPIRED_LINKS_KEPT = dt.timedelta(days=90)  # an old link still says « expiré » rather than « pas valable »


def purge_expired_links(db: Session, now: dt.datetime | None = None) -> int:
    """Delete the confirmation links expired for more than :data:`EXPIRED_LINKS_KEPT` (guide-housekeeping)."""
    cutoff = (now or utcnow()) - EXPIRED_LINKS_KEPT
    result = db.execute(delete(ConfirmationLink).where(ConfirmationLink.expires_at < cutoff))
    return result.rowcount or 0
