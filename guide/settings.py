"""Settings: read from the ini file, each overridable by an environment variable ``GUIDE_<NAME>``,
parsed and typed once at start-up.

``database_url`` is overridden by ``GUIDE_DATABASE_URL``, ``var_dir`` by ``GUIDE_VAR_DIR``,
``mail.host`` by ``GUIDE_MAIL_HOST`` and so on (dots become underscores).

:class:`Settings` is the one table of every setting: its fields carry the ini name, the default and a line
of documentation in French and in English (:func:`table` lists them, for the README). The app factory
builds it once (:func:`parse`; a value that does not parse stops the start-up with its name) and keeps it
in the registry: code reads ``settings_of(request.registry).mail_port``, an ``int``, instead of
``int(settings["mail.port"])``. ``registry.settings`` keeps the effective strings, for Pyramid and the
libraries that read it (pyramid_tm, pyramid_retry).

One cohesive thing: the one table of every setting and the way it is read (environment, parse, defaults,
documentation); most of its lines are that table's declarations, which grow with each new setting.
"""

# ruff: noqa: RUF009 - the defaults are dataclasses.field(...) calls, made by _setting with the docs
from __future__ import annotations

import dataclasses
import os
import secrets
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REGISTRY_KEY = "guide.settings"
RATE_LIMIT_PREFIX = "ratelimit."  # ratelimit.<action> = "N/minute;M/hour" (guide.ratelimit.LIMITS)


def _setting(key: str, default: Any, fr: str, en: str) -> Any:
    return dataclasses.field(default=default, metadata={"key": key, "fr": fr, "en": en})


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every setting of the application, typed. The ini name of a field is in its metadata ``key``."""

    var_dir: Path = _setting(
        "var_dir",
        Path("var"),
        "Dossier des données : base SQLite, index, fichiers envoyés, éditions",
        "Data folder: SQLite file, index, uploads, editions",
    )
    database_url: str = _setting(
        "database_url",
        "",
        "Adresse SQLAlchemy de la base ; vide : var/guide.sqlite",
        "SQLAlchemy database URL; empty: var/guide.sqlite",
    )
    secret: str = _setting(
        "secret",
        "",
        "Secret qui signe les sessions ; vide : une clé aléatoire gardée dans var/secret.key",
        "Secret signing sessions; empty: a random key kept in var/secret.key",
    )
    site_name: str = _setting("site_name", "Guide du territoire", "Nom du site", "Site name")
    site_url: str = _setting(
        "site_url",
        "http://localhost:6543",
        "Seule adresse servie (autre Host : 400) et base de toutes les adresses absolues",
        "The only host served (other Host headers: 400) and the base of every absolute URL",
    )
    allowed_hosts: str = _setting(
        "allowed_hosts",
        "",
        "Autres noms hôte[:port] acceptés, séparés par des espaces (l'adresse utilisée par un proxy)",
        "Extra host[:port] names accepted, space-separated (e.g. the address a proxy uses)",
    )
    session_secure: bool | None = _setting(
        "session.secure",
        None,
        "Cookie de session Secure ; vide : oui si site_url est en https",
        "Secure session cookie; empty: yes when site_url is https",
    )
    session_idle_minutes: float = _setting(
        "session.idle_minutes",
        120.0,
        "Une session inutilisée aussi longtemps prend fin",
        "A session unused this long ends",
    )
    session_max_hours: float = _setting(
        "session.max_hours",
        12.0,
        "Une session prend fin ce temps après la connexion, utilisée ou non",
        "A session ends this long after the login, used or not",
    )
    mail_backend: str = _setting(
        "mail.backend",
        "file",
        "« smtp » ou « file » (fichiers .eml dans var/mail/)",
        '"smtp" or "file" (.eml files in var/mail/)',
    )
    mail_host: str = _setting("mail.host", "localhost", "Serveur SMTP", "SMTP server")
    mail_port: int = _setting("mail.port", 25, "Port SMTP", "SMTP port")
    mail_sender: str = _setting(
        "mail.sender",
        "Guide du territoire <ne-pas-repondre@guide.localhost>",
        "Expéditeur des courriels",
        "Sender of the mails",
    )
    mail_starttls: bool = _setting(
        "mail.starttls", False, "STARTTLS vers le serveur SMTP", "STARTTLS to SMTP"
    )
    mail_username: str = _setting("mail.username", "", "Identifiant SMTP", "SMTP user name")
    mail_password: str = _setting("mail.password", "", "Mot de passe SMTP", "SMTP password")
    login_max_attempts: int = _setting(
        "login.max_attempts",
        5,
        "Échecs de connexion par (compte, client) avant les délais",
        "Failed logins per (account, client) before the delays start",
    )
    login_window_minutes: float = _setting(
        "login.window_minutes",
        15.0,
        "Premier délai ; il double à chaque nouvel échec",
        "First delay; it doubles with each further failure",
    )
    login_account_max_per_hour: int = _setting(
        "login.account_max_per_hour",
        100,
        "Échecs par compte et par heure, tous clients confondus",
        "Failures per account and hour, from all clients",
    )
    login_client_max_per_hour: int = _setting(
        "login.client_max_per_hour",
        50,
        "Échecs par client et par heure, tous comptes confondus",
        "Failures per client and hour, for all accounts",
    )
    token_invitation_days: int = _setting(
        "token.invitation_days",
        7,
        "Validité d'un lien d'invitation (jours)",
        "Invitation link lifetime (days)",
    )
    token_reset_hours: int = _setting(
        "token.reset_hours",
        2,
        "Validité d'un lien de nouveau mot de passe (heures)",
        "Password reset link lifetime (hours)",
    )
    token_confirmation_days: int = _setting(
        "token.confirmation_days",
        30,
        "Validité d'un lien de mise à jour sans mot de passe envoyé aux structures (jours)",
        "Lifetime of the password-less update link mailed to organisations (days)",
    )
    upload_max_bytes: int = _setting(
        "upload.max_bytes", 2 * 1024 * 1024, "Taille maximale d'un logo envoyé", "Largest logo upload"
    )
    request_max_bytes: int = _setting(
        "request.max_bytes",
        10 * 1024 * 1024,
        "Corps de requête plus grand : 413 avant lecture",
        "Larger request bodies get a 413 before being read",
    )
    request_max_fields: int = _setting(
        "request.max_fields",
        1000,
        "Champs de formulaire (ou paramètres) par requête",
        "Form fields (or query parameters) per request",
    )
    retry_attempts: int = _setting(
        "retry.attempts",
        3,
        "Essais d'une requête qui a rencontré un verrou de la base (pyramid_retry)",
        "Attempts of a request that met a database lock (pyramid_retry)",
    )
    timezone: str = _setting(
        "timezone", "Europe/Paris", "Fuseau horaire des heures affichées", "Time zone of the times shown"
    )
    map_tile_url: str = _setting(
        "map.tile_url",
        "",
        "Modèle d'adresse des tuiles Leaflet ({z}/{x}/{y}) ; vide : contours seuls, sans fond",
        "Leaflet tile URL template ({z}/{x}/{y}); empty: polygons only, no tiles",
    )
    pdf_wait_seconds: float = _setting(
        "pdf.wait_seconds",
        4.0,
        "Attente d'une fiche PDF dans la requête avant la page « en préparation »",
        "How long a request waits for a fiche PDF before the 'being prepared' page",
    )
    pdf_max_pending: int = _setting(
        "pdf.max_pending", 8, "Rendus PDF en file d'attente au plus", "Most PDF renders queued"
    )
    pdf_max_waiting: int = _setting(
        "pdf.max_waiting",
        2,
        "Requêtes qui attendent un PDF en même temps au plus",
        "Most requests waiting for a PDF at once",
    )
    pdf_cache_max_mb: float = _setting(
        "pdf.cache_max_mb", 200.0, "Taille du cache des PDF (Mo)", "PDF cache size (MB)"
    )
    pdf_refresh_seconds: int = _setting(
        "pdf.refresh_seconds",
        3,
        "Rafraîchissement de la page « PDF en préparation »",
        "Refresh of the 'PDF being prepared' page",
    )
    pdf_nice: int = _setting(
        "pdf.nice", 10, "Priorité (nice) du processus de rendu", "Renderer process niceness"
    )
    pdf_tasks_per_worker: int = _setting(
        "pdf.tasks_per_worker",
        50,
        "Rendus avant le remplacement du processus de rendu",
        "Renders before the renderer process is replaced",
    )
    pdf_render_timeout: float = _setting(
        "pdf.render_timeout",
        300.0,
        "Un rendu plus long tue et relance le processus de rendu (secondes)",
        "A longer render gets the renderer killed and restarted (seconds)",
    )
    editions_run_inline: bool = _setting(
        "editions.run_inline",
        False,
        "Générer l'édition annuelle dans la requête (tests) plutôt qu'en tâche de fond",
        "Generate the annual edition in the request (tests) rather than in the background",
    )
    tasks_immediate: bool = _setting(
        "tasks.immediate",
        False,
        "Exécuter les tâches de fond (PDF, éditions, courriels) dans le processus qui les demande, sans "
        "guide-worker (essais)",
        "Run background tasks (PDFs, editions, mail) in the process asking for them, without guide-worker",
    )
    tasks_workers: int = _setting(
        "tasks.workers", 2, "Fils d'exécution de guide-worker", "guide-worker threads"
    )
    health_task_max_age: float = _setting(
        "health.task_max_age",
        300.0,
        "Au-delà de cette attente (secondes) de la plus vieille tâche, /sante répond 503 (worker arrêté ?)",
        "Past this wait (seconds) of the oldest task, /sante answers 503 (worker stopped?)",
    )
    report_digest_minutes: int = _setting(
        "report.digest_minutes",
        60,
        "Au plus un courriel de signalements à la coordination par période (minutes)",
        "At most one mail of error reports to the coordination per period (minutes)",
    )
    territory_communes: str = _setting(
        "territory.communes",
        "63014 63019 63032 63042 63063 63069 63070 63075 63099 63113 63124 63141 63164 63193 63254 "
        "63263 63272 63284 63307 63308 63345",
        "Communes du territoire (codes INSEE séparés par des espaces ; par défaut Clermont Auvergne "
        "Métropole) : un lieu importé hors de ces communes l'est avec un avertissement ; vide : pas de "
        "contrôle",
        "Communes of the territory (space-separated INSEE codes; default Clermont Auvergne Métropole): a "
        "place imported outside them comes with a warning; empty: no check",
    )
    search_index_dir: str = _setting(
        "search.index_dir",
        "",
        "Dossier de l'index de recherche ; vide : var/index",
        "Search index folder; empty: var/index",
    )
    search_poll_seconds: float = _setting(
        "search.poll_seconds",
        2.0,
        "Intervalle de lecture du journal des changements par l'index",
        "How often the index reads the change log",
    )
    search_misses_flush_seconds: float = _setting(
        "search.misses_flush_seconds",
        10.0,
        "Intervalle d'écriture des recherches sans résultat",
        "How often searches without results are written",
    )
    request_id_trusted: bool = _setting(
        "request_id.trusted",
        False,
        "Garder l'en-tête X-Request-Id reçu (si le proxy le pose toujours) ; sinon un identifiant neuf",
        "Keep the X-Request-Id header received (only when the proxy always sets it); else a new id",
    )
    health_min_free_mb: float = _setting(
        "health.min_free_mb",
        500.0,
        "En dessous de cet espace libre dans var_dir (Mo), /sante signale une alerte",
        "Below this free space in var_dir (MB), /sante reports a warning",
    )
    opendata_licence: str = _setting(
        "opendata.licence",
        "etalab-2.0",
        "Licence des données ouvertes et de l'API (etalab-2.0, odbl-1.0, cc-by-4.0, cc0-1.0 ou un texte)",
        "Licence of the open data and the API (etalab-2.0, odbl-1.0, cc-by-4.0, cc0-1.0 or free text)",
    )
    widget_frame_ancestors: str = _setting(
        "widget.frame_ancestors",
        "*",
        "Sites qui peuvent afficher le widget dans un cadre (origines séparées par des espaces ; * : tous)",
        "Sites that may frame the widget (space-separated origins; *: any)",
    )
    coordination_email: str = _setting(
        "coordination.email",
        "",
        "Adresse électronique de la coordination, donnée au public (déclaration d'accessibilité) ; vide : le "
        "formulaire « Signaler une erreur » des fiches",
        "The coordination's e-mail address shown to the public (accessibility statement); empty: the fiches' "
        "« Signaler une erreur » form",
    )
    coordination_address: str = _setting(
        "coordination.address",
        "",
        "Adresse postale de la coordination, donnée au public (déclaration d'accessibilité)",
        "The coordination's postal address shown to the public (accessibility statement)",
    )
    # ratelimit.<action> overrides of guide.ratelimit.LIMITS ("N/minute;M/hour"), by action name
    ratelimit: Mapping[str, str] = dataclasses.field(
        default_factory=dict,
        metadata={
            "key": RATE_LIMIT_PREFIX + "<action>",
            "fr": "Limite d'une action anonyme (guide.ratelimit.LIMITS), p. ex. ratelimit.pdf = 20/minute",
            "en": "Rate of an anonymous action (guide.ratelimit.LIMITS), e.g. ratelimit.pdf = 20/minute",
        },
    )


@dataclasses.dataclass(frozen=True)
class SettingDoc:
    """One row of the table of settings (for the README)."""

    key: str
    type: str
    default: str
    env: str
    fr: str
    en: str


def _fields() -> list[tuple[dataclasses.Field[Any], Any]]:
    hints = typing.get_type_hints(Settings)
    return [(f, hints[f.name]) for f in dataclasses.fields(Settings) if f.name != "ratelimit"]


def _type_name(kind: Any) -> str:
    names = {int: "int", float: "float", bool: "bool", str: "str", Path: "path"}
    if kind in names:
        return names[kind]
    return " | ".join(names.get(a, "none") for a in typing.get_args(kind))


def _ini_default(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table() -> list[SettingDoc]:
    """Every setting: ini name, type, default (as written in an ini file), environment variable, docs."""
    rows = [
        SettingDoc(
            f.metadata["key"],
            _type_name(kind),
            _ini_default(f.default),
            env_name(f.metadata["key"]),
            f.metadata["fr"],
            f.metadata["en"],
        )
        for f, kind in _fields()
    ]
    rate = next(f for f in dataclasses.fields(Settings) if f.name == "ratelimit")
    rows.append(
        SettingDoc(
            rate.metadata["key"],
            "str",
            "",
            "GUIDE_RATELIMIT_<ACTION>",
            rate.metadata["fr"],
            rate.metadata["en"],
        )
    )
    return rows


# Every setting the application knows, with its default as an ini file writes it (derived from Settings).
DEFAULTS: dict[str, str] = {f.metadata["key"]: _ini_default(f.default) for f, _kind in _fields()}


def env_name(key: str) -> str:
    return "GUIDE_" + key.upper().replace(".", "_")


def resolve(settings: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the effective settings, as strings: defaults < ini file < environment."""
    environ = os.environ if environ is None else environ
    result: dict[str, Any] = dict(settings)
    for key, default in DEFAULTS.items():
        result.setdefault(key, default)
        if env_name(key) in environ:
            result[key] = environ[env_name(key)]
    from_env = env_name(RATE_LIMIT_PREFIX)
    for name, value in environ.items():
        if name.startswith(from_env) and len(name) > len(from_env):
            result[RATE_LIMIT_PREFIX + name[len(from_env) :].lower()] = value
    here = Path(result.get("here", ".")).resolve()
    var_dir = Path(result["var_dir"])
    if not var_dir.is_absolute():
        var_dir = here / var_dir
    result["var_dir"] = str(var_dir)
    if not result["database_url"]:
        result["database_url"] = f"sqlite:///{var_dir / 'guide.sqlite'}"
    if not result["secret"]:
        result["secret"] = _persistent_secret(var_dir)
    return result


class SettingError(ValueError):
    """A setting whose value does not parse; the message names it (the application does not start)."""


def _parse_value(key: str, kind: Any, value: Any, default: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    optional = type(None) in typing.get_args(kind)
    if optional:
        if not text:
            return None
        kind = next(a for a in typing.get_args(kind) if a is not type(None))
    if not text and kind is not str:
        return default  # an empty value in the ini file: the default
    try:
        if kind is bool:
            return as_bool(text)
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if kind is Path:
            return Path(text)
    except ValueError:
        raise SettingError(f"setting {key} = {value!r}: not a valid {_type_name(kind)}") from None
    return value


def parse(effective: Mapping[str, Any]) -> Settings:
    """The typed settings of effective (or partial: missing ones take their default) settings."""
    values: dict[str, Any] = {}
    for f, kind in _fields():
        key = f.metadata["key"]
        if key in effective and effective[key] is not None:
            values[f.name] = _parse_value(key, kind, effective[key], f.default)
    values["ratelimit"] = {
        key[len(RATE_LIMIT_PREFIX) :]: str(value)
        for key, value in effective.items()
        if key.startswith(RATE_LIMIT_PREFIX) and str(value).strip()
    }
    return Settings(**values)


def settings_of(registry: Any) -> Settings:
    """The typed settings of the application (built by the app factory; parsed from ``registry.settings``
    when a test configured a registry without it)."""
    typed = registry.get(REGISTRY_KEY) if hasattr(registry, "get") else None
    if typed is None:
        typed = parse(registry.settings or {})
        registry[REGISTRY_KEY] = typed
    return typed


def override(registry: Any, **changes: str) -> Settings:
    """Change settings of a running application (a test server learns its port once started:
    ``override(app.registry, site_url=...)``), in ``registry.settings`` and in the typed settings."""
    fields = {f.metadata["key"]: (f, kind) for f, kind in _fields()}
    typed = settings_of(registry)
    replaced: dict[str, Any] = {}
    for name, value in changes.items():
        field, kind = next((fk for fk in fields.values() if fk[0].name == name), (None, None))
        if field is None:
            raise SettingError(f"unknown setting {name}")
        registry.settings[field.metadata["key"]] = value
        replaced[name] = _parse_value(field.metadata["key"], kind, value, field.default)
    typed = dataclasses.replace(typed, **replaced)
    registry[REGISTRY_KEY] = typed
    return typed


def coerce(settings: Settings | Mapping[str, Any] | None) -> Settings:
    """``settings`` as typed settings (the services accept a mapping too, as tests give them)."""
    if isinstance(settings, Settings):
        return settings
    return parse(settings or {})


def _persistent_secret(var_dir: Path) -> str:
    """A random secret kept in var/ so that sessions survive restarts without any set-up."""
    path = var_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


def as_bool(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on", "oui"}
