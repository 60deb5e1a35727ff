"""Importing a data·inclusion v1 export (structures and services) into organisations, lieux and fiches.

The export is a folder holding ``structures.json`` and ``services.json`` (JSON arrays), or the same as
CSV (``structures.csv``, ``services.csv``: same column names, lists in a cell separated by "|" or ","),
or the path of a structures file whose sibling services file is found by name.

* Every row is validated with data·inclusion's own pydantic models, then written inside its own
  savepoint: a row is imported whole or not at all, and a rejected row is reported with its reason.
* A file that cannot be read or parsed aborts the import (:class:`ImportFailed`) before anything is
  written.
* The import is idempotent: organisations, lieux and fiches are found again by ``source`` + ``id``. A
  changed service gets a new version through :func:`guide.services.fiches.save`; an unchanged one is
  counted as such.

Mapping: a structure becomes an :class:`Organisation` and, when it has an address, a :class:`Lieu`
(``source_id`` = the structure's id). A service becomes a :class:`Fiche` (``uid`` = "source--id") at
the structure's lieu, or at a lieu of its own (``source_id`` = "service:" + the service's id) when its
address differs from the structure's. The extension field ``quartier`` (name or code) places a lieu in
a quartier; otherwise the quartier comes from the coordinates when quartier polygons are loaded.
Fields that data·inclusion does not carry (closures, ages, local conditions of access…) keep the value
a partner gave them in the guide, unless the row carries them in the extension object ``guide`` (how the
guide's own export round-trips, and how the demo guide in ``guide/demo/`` is written):

* on a structure: ``sigle``, ``reseau_porteur`` (free text, instead of the labels of
  ``reseaux_porteurs``) and ``lieux``, a list of lieux (``id``, ``nom``, the address fields, ``latitude``,
  ``longitude``, ``quartier``, and the accessibility fields ``acces_plain_pied``, ``toilettes_adaptees``,
  ``boucle_magnetique``, ``langue_des_signes`` worth "oui", "non" or "inconnu"). A lieu is found again by
  ``source`` + its ``id``; structures listing the same id share it (one building, several associations).
  With ``lieux``, the structure's own address makes no lieu of its own.
* on a service: ``resume``, ``type_service``, ``publics``, ``conditions_acces`` (the guide's codes),
  ``thematiques`` (the guide's slugs, instead of those mapped from the data·inclusion codes),
  ``age_min``, ``age_max``, ``horaires_precisions``, ``fermetures`` (``debut``, ``fin``, ``message``) and
  ``lieux``, ids of lieux given by the structures (the service's own address is then not used).

Quartier names are matched tolerantly (case, accents, hyphens and spaces, a leading article: « la
Gauthière », « GAUTHIERE » and « Gauthière » are one quartier). Free text goes through
:func:`guide.normalize.strip_invisible`.
"""

from .aliases import AliasConflict, alias_labels, check_aliases, set_aliases
from .extension import (
    RESUME_MAX,
    GuideClosure,
    GuideLieu,
    GuideService,
    GuideStructure,
    quartier_key,
)
from .inventory import QUOTE_MAX, SERVICE_LIEU_PREFIX, import_inventory, resume_of, uid_for
from .rows import (
    Counts,
    ImportFailed,
    ImportReport,
    Notice,
    Record,
    Rejection,
    RowError,
    french_reason,
    locate,
    read_records,
)

__all__ = [
    "QUOTE_MAX",
    "RESUME_MAX",
    "SERVICE_LIEU_PREFIX",
    "AliasConflict",
    "Counts",
    "GuideClosure",
    "GuideLieu",
    "GuideService",
    "GuideStructure",
    "ImportFailed",
    "ImportReport",
    "Notice",
    "Record",
    "Rejection",
    "RowError",
    "alias_labels",
    "check_aliases",
    "french_reason",
    "import_inventory",
    "locate",
    "quartier_key",
    "read_records",
    "resume_of",
    "set_aliases",
    "uid_for",
]
