"""The guide's data model. Importing this package registers every table on ``Base.metadata``."""

from .accounts import (
    MEMBER_ROLE_LABELS,
    SITE_ROLE_LABELS,
    AccountToken,
    LoginAttempt,
    MemberRole,
    Membership,
    SiteRole,
    TokenPurpose,
    User,
)
from .directory import Access, Lieu, Organisation, Quartier, Thematique, lieu_organisation
from .fiche import Fiche, FicheEvent, FicheVersion, IndexChange, State, version_lieu, version_thematique
from .meta import Base, utcnow
from .report import ErrorReport

__all__ = [
    "MEMBER_ROLE_LABELS",
    "SITE_ROLE_LABELS",
    "Access",
    "AccountToken",
    "Base",
    "ErrorReport",
    "Fiche",
    "FicheEvent",
    "FicheVersion",
    "IndexChange",
    "Lieu",
    "LoginAttempt",
    "MemberRole",
    "Membership",
    "Organisation",
    "Quartier",
    "SiteRole",
    "State",
    "Thematique",
    "TokenPurpose",
    "User",
    "lieu_organisation",
    "utcnow",
    "version_lieu",
    "version_thematique",
]

from .search import SearchMiss, Synonym  # appended by the search engine

__all__ += ["SearchMiss", "Synonym"]

from .edition import (  # noqa: E402 - appended by the print edition
    EDITION_STATUS_LABELS,
    Edition,
    EditionItem,
    EditionStatus,
    Helpline,
)

__all__ += ["EDITION_STATUS_LABELS", "Edition", "EditionItem", "EditionStatus", "Helpline"]

from .storage import MailOutbox, StoredFile, TaskCounter, TaskData, TaskQueue, TaskSchedule  # noqa: E402

__all__ += ["MailOutbox", "StoredFile", "TaskCounter", "TaskData", "TaskQueue", "TaskSchedule"]

from .stats import UsageDaily, UsageKind, UsageMonthly  # noqa: E402 - appended by the indicators

__all__ += ["UsageDaily", "UsageKind", "UsageMonthly"]

from .imports import QuartierAlias, SourceRecord  # noqa: E402 - appended by the importer

__all__ += ["QuartierAlias", "SourceRecord"]

from .campaign import (  # noqa: E402 - appended by freshness and campaigns
    Campaign,
    CampaignRecipient,
    ConfirmationLink,
    ReminderSent,
    ReportAnswer,
    UrgentChange,
)

__all__ += [
    "Campaign",
    "CampaignRecipient",
    "ConfirmationLink",
    "ReminderSent",
    "ReportAnswer",
    "UrgentChange",
]

from .selection import SharedSelection  # noqa: E402 - appended by the agents' shared selections

__all__ += ["SharedSelection"]

from .referents import Referent, ReferentCard  # noqa: E402 - appended by the référents par thématique

__all__ += ["Referent", "ReferentCard"]

from .pro import ProInfo  # noqa: E402 - appended by the information for professionals

__all__ += ["ProInfo"]

from .agenda import Event, EventHistory, EventKind, Registration  # noqa: E402 - appended by the agenda

__all__ += ["Event", "EventHistory", "EventKind", "Registration"]

from .translations import FicheTranslation, TranslationState  # noqa: E402 - appended by translations

__all__ += ["FicheTranslation", "TranslationState"]

from .professionals import ProfessionalCard  # noqa: E402 - appended by the professionals' directory

__all__ += ["ProfessionalCard"]

from .labels import PublicLabel  # noqa: E402 - appended by the public labels in plain words

__all__ += ["PublicLabel"]

from .revision import DataRevision  # noqa: E402 - the change counter the coordinators' figures are cached on

__all__ += ["DataRevision"]
