"""Settings: one documented table, read from a TOML file and the environment.

The default file is ``config/kazneb.toml``; ``--config PATH`` on the command line or
``KAZNEB_CONFIG`` selects another, ``KAZNEB_DATABASE_URL`` overrides the database
URL (so one file serves SQLite on a laptop and PostgreSQL in production), and
``KAZNEB_SECRET_KEY`` the secret that signs resumption tokens.
Any section not listed in :data:`SETTINGS` is still loaded and can be read with
:meth:`Settings.section`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config" / "kazneb.toml"


@dataclass(frozen=True)
class Setting:
    """One documented setting: ``section.name``, its default and what it does."""

    key: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("hub.name", "KazNEB Hub", "Repository name shown in Identify and on the web page."),
    Setting("hub.namespace", "kazneb.kz", "Namespace of OAI identifiers: oai:<namespace>:<local-id>."),
    Setting("hub.base_url", "http://127.0.0.1:8080", "Public URL of the hub; the OAI base URL is <base_url>/oai."),
    Setting("hub.admin_email", "oai@kazneb.kz", "adminEmail in Identify."),
    Setting("hub.secret_key", "", "Signs resumption tokens (KAZNEB_SECRET_KEY overrides). Empty: the random "
            "secret `kazneb init` stores in the database, shared by every worker; `kazneb secret rotate` renews it."),
    Setting("database.url", "sqlite:///kazneb.db", "SQLAlchemy URL of the store (KAZNEB_DATABASE_URL overrides)."),
    Setting("database.sqlite_cache_trim_mb", 256, "SQLite: each time a writer has grown the file by this "
            "many MB, the OS may drop the file's cached pages behind it (0: never)."),
    Setting("database.sqlite_mmap_mb", 1024, "SQLite: MB of the database file read through a memory map by "
            "serving processes (OAI list pages are then read, not copied)."),
    Setting("database.sqlite_writer_mmap_mb", 64, "SQLite: the same for harvests, ingests and the scheduler, which "
            "mostly write: the pages they read through the map count in their RSS (100,000 records: 265 MB peak "
            "with 1024, 191 with 0)."),
    Setting("database.sqlite_foreign_keys", False, "SQLite: enforce foreign keys on every write (costs about 6 % "
            "of a harvest; off, `kazneb check` finds any dangling reference). PostgreSQL always enforces them."),
    Setting("oai.page_size", 100, "Records per ListRecords page."),
    Setting("oai.identifiers_page_size", 500, "Headers per ListIdentifiers page."),
    Setting("oai.sets_page_size", 200, "Sets per ListSets page."),
    Setting("harvest.partners_file", "partners.toml", "Partner registry file, relative to the config file."),
    Setting("search.url", "", "Elasticsearch/OpenSearch URL; empty selects the embedded engine."),
    Setting("search.index", "kazneb", "Name (alias) of the search index."),
    Setting("search.path", "", "Folder of the embedded search index (when search.url is empty). Empty: beside "
            "the SQLite database (kazneb.db keeps kazneb-index); required on PostgreSQL."),
    Setting("search.engine", "auto", "Server kind at search.url: auto, opensearch or elasticsearch."),
    Setting("search.follow_seconds", 1.0, "Seconds between a writing or serving command's catch-ups of the index "
            "with the store (harvest, ingest, import, scheduler, serve, demo); 0: only at the command's end."),
    Setting("objects.root", "", "Folder of the OCFL storage root that keeps deposited copies (KAZNEB_OBJECTS_DIR "
            "overrides). Empty: beside the SQLite database (kazneb.db keeps kazneb-objects); required on PostgreSQL."),
    Setting("objects.max_unzipped_mb", 20480, "A zipped bag whose files would expand beyond this many MB is refused."),
    Setting("quality.warn_dpi", 300, "Pages scanned below this resolution (dpi) are accepted with a warning "
            "(0: never)."),
    Setting("quality.refuse_dpi", 150, "Pages scanned below this resolution (dpi) are refused (0: never)."),
    Setting("quality.warn_bit_depth", 8, "Images with fewer bits per sample (1: black and white) get a warning "
            "(0: never)."),
    Setting("quality.refuse_bit_depth", 0, "Images with fewer bits per sample are refused (0: never)."),
    Setting("quality.blank_pages", "warn", "Blank pages: warn, refuse or ignore."),
    Setting("quality.duplicate_pages", "warn", "Two identical pages in a row: warn, refuse or ignore."),
    Setting("quality.page_count", "warn", "Page count unlike the record's extent (both known): warn, refuse or "
            "ignore."),
    Setting("delivery.image_max_side", 2000, "Long side in pixels of a page image of a read-only or preview-24 "
            "copy: the IIIF image service of such a copy is a derivative of that size, never the original."),
    Setting("delivery.derivatives", "", "Folder of the page derivatives (rebuildable, outside the depository). "
            "Empty: beside the SQLite database (kazneb.db keeps kazneb-derivatives); required on PostgreSQL."),
    Setting("delivery.image_rate_limit", "120 per minute", "Page images one client may fetch (flask-limiter "
            "syntax); beyond it the answer is 429 with Retry-After."),
    Setting("delivery.rate_limit_storage", "memory://", "Where the rate limit counts (flask-limiter storage URI): "
            "memory:// counts in each worker's memory; a shared store (e.g. redis://) counts across workers."),
    Setting("delivery.trusted_proxies", 0, "Reverse proxies in front of the hub that append the client's address to "
            "X-Forwarded-For (nginx: proxy_add_x_forwarded_for). The rate limit counts per client address: 0 takes "
            "the connection's (behind a proxy, every reader would share one count), N the Nth address from the "
            "end of X-Forwarded-For."),
    Setting("fixity.max_age_days", 30, "No stored byte goes unchecked longer than this many days: the scheduler's "
            "rolling audit re-hashes the files checked longest ago."),
    Setting("fixity.mb_per_second", 50, "Throttle of fixity audits, in MB (10^6 bytes) read per second: the "
            "scheduler's rolling audit, and `kazneb fixity audit` unless --mb-per-second says otherwise (0: no "
            "throttle). `kazneb fixity status` says if it is too slow for fixity.max_age_days."),
    Setting("fixity.every_minutes", 60, "The scheduler runs its rolling audit once this many minutes have passed "
            "since the last one; one run reads at most what the throttle allows in this time, so harvests get "
            "their turn."),
    Setting("consolidation.match_threshold", 0.85, "Two records scoring at least this (0-1) are the same work, "
            "unless a veto forbids it (docs/operators/consolidation.md)."),
    Setting("consolidation.review_threshold", 0.7, "Pairs scoring at least this but under the match threshold are "
            "listed by `kazneb cluster review` for an operator to decide."),
    Setting("consolidation.max_cluster_size", 30, "No cluster grows beyond this many records: a larger union is "
            "refused and reported (a chain of links, not one work)."),
)


@dataclass
class Settings:
    """Loaded settings; ``values`` maps ``section.name`` to a value."""

    values: dict[str, Any]
    raw: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def section(self, name: str) -> dict[str, Any]:
        """A whole TOML section as a dict (empty when absent)."""
        return dict(self.raw.get(name, {}))

    @property
    def database_url(self) -> str:
        return self.values["database.url"]

    def beside_database(self, suffix: str) -> Path | None:
        """``<folder>/<stem>-<suffix>`` beside the SQLite database file (``kazneb.db`` →
        ``kazneb-index``), or None when the database is not a SQLite file."""
        from sqlalchemy.engine import make_url

        database = make_url(self.database_url)
        if database.get_backend_name() != "sqlite" or not database.database or database.database == ":memory:":
            return None
        db_file = Path(database.database).resolve()
        return db_file.with_name(f"{db_file.stem}-{suffix}")

    @property
    def oai_base_url(self) -> str:
        return self.values["hub.base_url"].rstrip("/") + "/oai"


class ConfigError(Exception):
    """The configuration file is missing, unreadable or has a bad value."""


def load_settings(path: str | os.PathLike | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """Read settings from ``path`` (or KAZNEB_CONFIG, or the default file)."""
    chosen = Path(path or os.environ.get("KAZNEB_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"configuration file not found: {chosen}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{chosen}: {exc}") from exc
    values = {s.key: s.default for s in SETTINGS}
    for section, entries in raw.items():
        if isinstance(entries, dict):
            for name, value in entries.items():
                values[f"{section}.{name}"] = value
    if os.environ.get("KAZNEB_DATABASE_URL"):
        values["database.url"] = os.environ["KAZNEB_DATABASE_URL"]
    if os.environ.get("KAZNEB_SECRET_KEY"):
        values["hub.secret_key"] = os.environ["KAZNEB_SECRET_KEY"]
    if os.environ.get("KAZNEB_OBJECTS_DIR"):
        values["objects.root"] = os.environ["KAZNEB_OBJECTS_DIR"]
    values.update(overrides or {})
    _check(values, chosen)
    return Settings(values=values, raw=raw, path=chosen)


def _check(values: dict[str, Any], path: Path) -> None:
    for key in ("oai.page_size", "oai.identifiers_page_size", "oai.sets_page_size"):
        if not isinstance(values[key], int) or values[key] < 1:
            raise ConfigError(f"{path}: {key} must be a positive whole number, not {values[key]!r}")
    for key in ("fixity.max_age_days", "fixity.every_minutes"):
        if not isinstance(values[key], int | float) or isinstance(values[key], bool) or values[key] <= 0:
            raise ConfigError(f"{path}: {key} must be a positive number, not {values[key]!r}")
    if not isinstance(values["fixity.mb_per_second"], int | float) or values["fixity.mb_per_second"] < 0:
        raise ConfigError(f"{path}: fixity.mb_per_second must be a number, 0 or more, not "
                          f"{values['fixity.mb_per_second']!r}")
    _check_thresholds(values, path)
    if not str(values["hub.namespace"]).strip() or ":" in str(values["hub.namespace"]):
        raise ConfigError(f"{path}: hub.namespace must be a non-empty name without ':'")


def _check_thresholds(values: dict[str, Any], path: Path) -> None:
    match, review = values["consolidation.match_threshold"], values["consolidation.review_threshold"]
    for key, value in (("consolidation.match_threshold", match), ("consolidation.review_threshold", review)):
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= 1:
            raise ConfigError(f"{path}: {key} must be a number above 0 and at most 1, not {value!r}")
    if review > match:
        raise ConfigError(f"{path}: consolidation.review_threshold ({review}) must not exceed "
                          f"consolidation.match_threshold ({match})")
    size = values["consolidation.max_cluster_size"]
    if not isinstance(size, int) or isinstance(size, bool) or size < 2:
        raise ConfigError(f"{path}: consolidation.max_cluster_size must be a whole number, 2 or more, not {size!r}")
