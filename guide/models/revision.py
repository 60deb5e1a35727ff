"""A counter of the changes to the data the coordinators' figures are computed from.

One row per name (today only ``"guide"``), whose ``count`` grows by one with every committed transaction
that changed a fiche, a thématique, a lieu, an organisation, a quartier, a membership, an error report
or a directory change (:mod:`guide.services.revision`). A figure computed at count N stays true as long
as the count is N: « État du guide » is cached on it, in each application server.
"""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .meta import Base


class DataRevision(Base):
    __tablename__ = "data_revision"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<DataRevision {self.name}={self.count}>"
