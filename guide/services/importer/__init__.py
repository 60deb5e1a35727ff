"""Importing a data·inclusion v1 export (structures and services) into organisations, lieux and fiches.

The export is a folder holding ``structures.json`` and ``services.json`` (JSON arrays), or the same as
CSV (``structures.csv``, ``services.csv``: same column names, lists in a cell separated by "|" or ","),
or the path of a structures file whose sibling services file is found by name. Both readers give the same
rows: line endings as LF, CSV numbers as numbers.

**A label never costs a row.** Each row is validated with data·inclusion's own pydantic models, leniently
(:mod:`.cleaning`): a refused value (a SIRET, a date of 1970 or of the future, a description ".", an
e-mail…) or a refused item of a list (an unknown thématique or public code) is dropped and listed under
*Avertissements*; a short name (« EI ») is a name. A row is rejected only when nothing usable can be made
of it: no name and no id, or a service without any structure. A row without ``source`` takes the source
most rows name; an id missing from a named row is made from its name (with a warning).

* Quartiers (extension field ``quartier``, a name or a code) are matched tolerantly (case, accents,
  hyphens and spaces, a leading article or « Quartier de », « St »), then through the aliases the
  coordination keeps (:class:`~guide.models.imports.QuartierAlias`, :mod:`.aliases`), then from the
  coordinates when contours are loaded; otherwise the lieu has no quartier and the warning says what to do.
* Places outside the guide's communes (``territory`` INSEE codes, setting ``territory.communes``) are
  imported with a warning.
* A data·inclusion thématique code that no guide thématique takes is named in a warning, even beside
  codes that matched; a public the guide does not know too. Nothing is invented: the source's own codes
  are kept (below).
* Descriptions in Markdown or HTML are cleaned to plain text (:func:`.cleaning.plain_text`).
* Every row is written inside its own savepoint: a row is imported whole or not at all. A file that
  cannot be read or parsed aborts the import (:class:`ImportFailed`) before anything is written. With
  ``dry_run`` the whole import runs and is rolled back: the same report, nothing written.

**Storage, for the exporters.** Each imported row has a :class:`~guide.models.imports.SourceRecord`
(``kind`` "structure" or "service", ``source``, ``source_id``) attached to its organisation
(``organisation.source_record``) or its fiche (``fiche.source_record``):

* ``data``: the row as read, every field kept, even those refused or unknown to the guide — an exporter
  gives back exactly this for a row nobody edited in the guide;
* ``date_maj`` (the source's update date, None when absurd), ``lien_source``, ``accessibilite_lieu``,
  ``thematiques`` and ``publics`` (the codes as given), ``modes_accueil``, ``zone_eligibilite``,
  ``mobilisable_par``: typed copies of what the guide shows or an exporter needs without parsing ``data``;
* ``imported``: field of the guide → the value the last import wrote (organisation fields, ``lieu.*`` for
  the structure's lieu, the fiche's content fields);
* ``missing_since``: set when an import of the same source no longer carried the row.

The fiche's ``confirmed_at`` starts from ``date_maj`` (the « Dernière mise à jour » shown, and freshness).

**Re-synchronisation.** The import is idempotent: organisations, lieux and fiches are found again by
``source`` + ``id``. A field is updated when the guide still holds the value the last import wrote; a
field edited in the guide since is kept, and when the source changed it too the report lists a conflict,
field by field (once: the source's new value is then remembered). A changed service gets a new version
through :func:`guide.services.fiches.save`. Organisations and fiches of the export's sources that the
export no longer carries are reported (proposed for archiving), never deleted.

Mapping: a structure becomes an :class:`Organisation` and, when it has an address, a :class:`Lieu`
(``source_id`` = the structure's id). A service becomes a :class:`Fiche` (``uid`` = "source--id", the
source's prefix never doubled) at the structure's lieu, or at a lieu of its own (``source_id`` =
"service:" + the service's id) when its address differs from the structure's.
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
  ``age_min``, ``age_max``, ``horaires_precisions``, ``mots_simples``, ``fermetures`` (``debut``, ``fin``,
  ``message``) and ``lieux``, ids of lieux given by the structures (the service's own address is then not
  used).

Free text goes through :func:`guide.normalize.strip_invisible`. The report (:class:`ImportReport`) is
printed by ``guide-import`` and written as CSV by ``--report``.
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
