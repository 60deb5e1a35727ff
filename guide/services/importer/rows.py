"""The rows of a data·inclusion export: finding and reading its files (JSON or CSV), validating a row with
data·inclusion's pydantic models, and the French reasons and counts of the import report."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

# Columns holding lists: in a CSV cell, their values are separated by "|" (or "," when there is no "|").
LIST_COLUMNS = frozenset(
    {
        "reseaux_porteurs",
        "thematiques",
        "publics",
        "modes_accueil",
        "zone_eligibilite",
        "modes_mobilisation",
        "mobilisable_par",
        "langues",
    }
)
# Numbers, read as such from a CSV cell (a JSON export writes them as numbers).
FLOAT_COLUMNS = frozenset({"latitude", "longitude", "volume_horaire_hebdomadaire"})
INT_COLUMNS = frozenset({"nombre_semaines"})
# Codes that an export may write as JSON numbers: read as text (pydantic does not turn numbers into text).
TEXT_COLUMNS = ("id", "structure_id", "siret", "code_postal", "code_insee", "telephone")

# French names of data·inclusion fields, for the reasons of rejected rows.
FIELD_NAMES = {
    "id": "identifiant",
    "structure_id": "identifiant de la structure",
    "nom": "nom",
    "date_maj": "date de mise à jour",
    "siret": "SIRET",
    "code_postal": "code postal",
    "code_insee": "code INSEE",
    "courriel": "courriel",
    "site_web": "site web",
    "lien_source": "lien source",
    "lien_mobilisation": "lien de mobilisation",
    "accessibilite_lieu": "lien Accèslibre",
    "reseaux_porteurs": "réseaux porteurs",
    "thematiques": "thématiques",
    "publics": "publics",
    "frais": "frais",
    "type": "type de service",
    "modes_accueil": "modes d'accueil",
    "zone_eligibilite": "zone d'éligibilité",
    "latitude": "latitude",
    "longitude": "longitude",
    "telephone": "téléphone",
    "horaires_accueil": "horaires",
    "quartier": "quartier",
    "description": "description",
    "mobilisable_par": "mobilisable par",
    "contact_nom_prenom": "contact",
}

# pydantic error types → French messages (formatted with the error's context).
ERROR_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "string_too_short": "trop court (au moins {min_length} caractères)",
    "string_too_long": "trop long ({max_length} caractères au plus)",
    "too_short": "au moins {min_length} valeur(s) attendue(s)",
    "too_long": "{max_length} valeur(s) au plus",
    "string_pattern_mismatch": "format invalide",
    "string_type": "texte attendu",
    "enum": "valeur inconnue",
    "literal_error": "valeur inconnue",
    "date_parsing": "date invalide (format attendu : AAAA-MM-JJ)",
    "date_from_datetime_parsing": "date invalide (format attendu : AAAA-MM-JJ)",
    "date_from_datetime_inexact": "date invalide (format attendu : AAAA-MM-JJ)",
    "date_type": "date invalide (format attendu : AAAA-MM-JJ)",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "url_parsing": "adresse web invalide",
    "url_scheme": "adresse web invalide (elle doit commencer par http:// ou https://)",
    "url_type": "adresse web invalide",
    "url_too_long": "adresse web trop longue",
    "set_type": "liste attendue",
    "list_type": "liste attendue",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "model_type": "objet attendu",
    "dict_type": "objet attendu",
}
MAX_ERRORS_SHOWN = 3


class ImportFailed(Exception):
    """The export cannot be imported at all (a file is missing, unreadable or malformed)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RowError(Exception):
    """One row cannot be imported; the message is its reason, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Rejection:
    """A row that was not imported, and why."""

    file: str
    row: int | None  # position of the record in a JSON array (from 1), or line of a CSV file
    id: str | None
    reason: str

    @property
    def where(self) -> str:
        place = f"ligne {self.row}" if self.file.lower().endswith(".csv") else f"n° {self.row}"
        text = f"{self.file}, {place}"
        return f"{text} (id {self.id})" if self.id else text

    def __str__(self) -> str:
        return f"{self.where} : {self.reason}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def text(self) -> str:
        def n(count: int, singular: str, plural: str) -> str:
            return f"{count} {singular if count == 1 else plural}"

        return ", ".join(
            [
                n(self.created, "créée", "créées"),
                n(self.updated, "mise à jour", "mises à jour"),
                n(self.unchanged, "inchangée", "inchangées"),
                n(self.rejected, "rejetée", "rejetées"),
            ]
        )


class Notice(str):
    """A line of the report (a warning, a conflict, a row gone from the source): its text, and its parts for
    the CSV report. A ``str``, so that a list of notices reads as a list of messages."""

    kind: str
    file: str
    row: int | None
    id: str | None
    field: str
    message: str
    name: str

    def __new__(
        cls,
        kind: str,
        message: str,
        *,
        file: str = "",
        row: int | None = None,
        id: str | None = None,
        field: str = "",
        name: str = "",
    ) -> Notice:
        where = Rejection(file, row, id, "").where if file and row is not None else (f"id {id}" if id else "")
        notice = super().__new__(cls, f"{where} : {message}" if where else message)
        notice.kind, notice.file, notice.row, notice.id = kind, file, row, id
        notice.field, notice.message, notice.name = field, message, name
        return notice


REPORT_COLUMNS = ("type", "fichier", "ligne", "identifiant", "nom", "champ", "message")
KIND_LABELS = {
    "rejet": "Lignes rejetées",
    "avertissement": "Avertissements",
    "conflit": "Conflits (modifiés dans le guide depuis le dernier import)",
    "disparu": "Disparus de la source (à archiver ?)",
}


@dataclass
class ImportReport:
    organisations: Counts = field(default_factory=Counts)
    fiches: Counts = field(default_factory=Counts)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    conflicts: list[Notice] = field(default_factory=list)
    missing: list[Notice] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        text = f"Structures : {self.organisations.text()}. Fiches : {self.fiches.text()}."
        if self.dry_run:
            text += " Essai à blanc : rien n'a été enregistré."
        return text

    def sections(self) -> list[tuple[str, list[str]]]:
        """The report's lists, each under its French title (empty ones left out)."""
        lists = {
            "rejet": [str(r) for r in self.rejected],
            "avertissement": list(self.warnings),
            "conflit": list(self.conflicts),
            "disparu": list(self.missing),
        }
        return [(f"{KIND_LABELS[kind]} ({len(items)})", items) for kind, items in lists.items() if items]

    def text(self) -> str:
        """The whole report as the console prints it."""
        lines: list[str] = []
        for title, items in self.sections():
            lines.append(f"{title} :")
            lines.extend(f"  - {item}" for item in items)
        if self.warnings:  # what a long list is mostly about
            by_field = Counter(
                FIELD_NAMES.get(w.field, w.field.replace("_", " ")) or "autres" for w in self.warnings
            )
            lines.append(
                "Avertissements par champ : "
                + ", ".join(f"{name} {count}" for name, count in by_field.most_common())
                + "."
            )
        lines.append(self.summary())
        return "\n".join(lines)

    def csv_rows(self) -> list[dict[str, Any]]:
        rows = [
            {
                "type": "rejet",
                "fichier": r.file,
                "ligne": r.row,
                "identifiant": r.id or "",
                "nom": "",
                "champ": "",
                "message": r.reason,
            }
            for r in self.rejected
        ]
        for notice in [*self.warnings, *self.conflicts, *self.missing]:
            rows.append(
                {
                    "type": notice.kind,
                    "fichier": notice.file,
                    "ligne": "" if notice.row is None else notice.row,
                    "identifiant": notice.id or "",
                    "nom": notice.name,
                    "champ": notice.field,
                    "message": notice.message,
                }
            )
        return rows

    def write_csv(self, path: str | Path) -> None:
        """The report as a CSV file for the coordination (UTF-8 with a BOM, so spreadsheets read accents)."""
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=REPORT_COLUMNS)
            writer.writeheader()
            for row in self.csv_rows():
                writer.writerow({key: _csv_safe(value) for key, value in row.items()})


def _csv_safe(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (a source may write anything)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@dataclass
class Record:
    """One row of an export file, before validation."""

    file: str
    row: int
    data: dict[str, Any] | None  # None when the JSON element is not an object
    problem: str = ""  # a defect found while reading (e.g. too many CSV cells)

    @property
    def id(self) -> str | None:
        value = self.data.get("id") if self.data else None
        return str(value) if value not in (None, "") else None

    @property
    def key(self) -> tuple[str, str] | None:
        """(source, id) as written in the row, before validation."""
        source = self.data.get("source") if self.data else None
        if not isinstance(source, str) or self.id is None:
            return None
        return source, self.id

    def extension(self, name: str) -> Any:
        value = self.data.get(name) if self.data else None
        return None if value in (None, "", []) else value


# --- reading the files ---------------------------------------------------------------------------


def locate(path: str | Path) -> tuple[Path, Path]:
    """The structures file and the services file of an export (a folder or a structures file)."""
    path = Path(path)
    if path.is_dir():
        return _find_in(path, "structures"), _find_in(path, "services")
    if not path.is_file():
        raise ImportFailed(f"Le chemin « {path} » n'existe pas.")
    if "structures" not in path.name.lower():
        raise ImportFailed(
            f"« {path.name} » n'est pas un fichier de structures : indiquez le dossier de l'export "
            "ou le fichier structures.json (ou structures.csv)."
        )
    index = path.name.lower().rindex("structures")
    sibling = path.with_name(path.name[:index] + "services" + path.name[index + len("structures") :])
    if sibling.is_file():
        return path, sibling
    return path, _find_in(path.parent, "services")


def _find_in(folder: Path, kind: str) -> Path:
    found = [folder / f"{kind}.{ext}" for ext in ("json", "csv") if (folder / f"{kind}.{ext}").is_file()]
    if not found:
        raise ImportFailed(f"Le dossier « {folder} » ne contient ni {kind}.json ni {kind}.csv.")
    if len(found) > 1:
        raise ImportFailed(
            f"Le dossier « {folder} » contient à la fois {kind}.json et {kind}.csv : gardez-en un seul."
        )
    return found[0]


MAX_FILE_BYTES = 200 * 1024 * 1024  # a national export of a whole region stays far below
MAX_ROWS = 200_000


def read_records(path: Path) -> list[Record]:
    """The rows of a JSON or CSV export file; :class:`ImportFailed` when it cannot be parsed (or is beyond
    what one import handles: ``MAX_FILE_BYTES``, ``MAX_ROWS``)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImportFailed(
                f"{path.name} : fichier trop gros ({MAX_FILE_BYTES // (1024 * 1024)} Mo au plus) ; "
                "découpez l'export par source ou par département."
            )
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(f"{path.name} : le fichier n'est pas encodé en UTF-8.") from None
    except OSError as error:
        raise ImportFailed(f"{path.name} : lecture impossible ({error.strerror or error}).") from None
    if path.suffix.lower() == ".csv":
        records = _read_csv(path.name, text)
    elif path.suffix.lower() == ".json":
        records = _read_json(path.name, text)
    else:
        raise ImportFailed(f"{path.name} : format inconnu (JSON ou CSV attendu).")
    if len(records) > MAX_ROWS:
        raise ImportFailed(f"{path.name} : {len(records)} lignes, {MAX_ROWS} au plus par import.")
    return records


def _read_json(name: str, text: str) -> list[Record]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(
            f"{name} : JSON invalide (ligne {error.lineno}, colonne {error.colno}) ; rien n'a été importé."
        ) from None
    if not isinstance(data, list):
        raise ImportFailed(f"{name} : le fichier doit contenir une liste (un tableau JSON) de lignes.")
    records = []
    for index, item in enumerate(data, start=1):
        if isinstance(item, dict):
            records.append(Record(name, index, _text_codes(_lf(item))))
        else:
            records.append(Record(name, index, None, "cette ligne n'est pas un objet JSON"))
    return records


def _text_codes(item: dict[str, Any]) -> dict[str, Any]:
    item = dict(item)
    for column in TEXT_COLUMNS:
        if isinstance(item.get(column), int) and not isinstance(item.get(column), bool):
            item[column] = str(item[column])
    return item


def _read_csv(name: str, text: str) -> list[Record]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, restkey="\x00extra")
        columns = reader.fieldnames
        if not columns or "id" not in [c.strip() for c in columns]:
            raise ImportFailed(f"{name} : la première ligne doit nommer les colonnes (dont « id »).")
        records = []
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            problem = "cette ligne a plus de cellules que d'en-têtes" if "\x00extra" in row else ""
            records.append(Record(name, line, _csv_values(row), problem))
    except csv.Error as error:
        raise ImportFailed(f"{name} : CSV invalide ({error}) ; rien n'a été importé.") from None
    return records


def _lf(value: Any) -> Any:
    """Line endings as LF in every text of a row (CSV and JSON imports store the same text)."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    if isinstance(value, list):
        return [_lf(item) for item in value]
    if isinstance(value, dict):
        return {key: _lf(item) for key, item in value.items()}
    return value


def _number(value: str, kind: type) -> Any:
    """A CSV cell as the number a JSON export would hold; the text itself when it is no number (the
    validation then says so)."""
    try:
        return kind(value)
    except ValueError:
        return value


def _csv_values(row: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, raw in row.items():
        if key == "\x00extra" or key is None:
            continue
        column = key.strip()
        value = _lf(raw).strip() if isinstance(raw, str) else raw
        if value in (None, ""):
            data[column] = None
        elif column in LIST_COLUMNS:
            separator = "|" if "|" in value else ","
            data[column] = [part.strip() for part in value.split(separator) if part.strip()]
        elif column in FLOAT_COLUMNS:
            data[column] = _number(value.replace(",", "."), float)
        elif column in INT_COLUMNS:
            data[column] = _number(value, int)
        else:
            data[column] = value
    return data


# --- validation ------------------------------------------------------------------------------------


def french_reason(error: pydantic.ValidationError) -> str:
    """A short French account of a pydantic validation error."""
    parts = []
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else ""
        label = FIELD_NAMES.get(name, name.replace("_", " "))
        kind = item["type"]
        if kind == "value_error":
            message = str(item.get("msg", "")).removeprefix("Value error, ")
            if name == "courriel" or "email" in message:
                message = "adresse électronique invalide"
        elif kind in ERROR_MESSAGES:
            try:
                message = ERROR_MESSAGES[kind].format(**(item.get("ctx") or {}))
            except (KeyError, IndexError):
                message = ERROR_MESSAGES[kind].split(" (")[0]
        else:
            message = "valeur invalide"
        value = item.get("input")
        if kind != "missing" and isinstance(value, str | int | float) and len(str(value)) <= 60:
            message += f" (« {value} »)"
        text = f"{label} : {message}" if label else message
        if text not in parts:
            parts.append(text)
    shown = parts[:MAX_ERRORS_SHOWN]
    more = len(parts) - len(shown)
    return " ; ".join(shown) + (f" ; et {more} autre(s) erreur(s)" if more else "")


def validate(model: type[pydantic.BaseModel], record: Record) -> Any:
    if record.data is None or record.problem:
        raise RowError(record.problem or "ligne illisible")
    try:
        return model.model_validate(record.data)
    except pydantic.ValidationError as error:
        raise RowError(french_reason(error)) from None
