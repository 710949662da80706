"""The partner registry: partners.toml and the command line, kept in the ``partners`` table.

Harvesting options live in the partner row's ``settings`` JSON as a
:class:`PartnerConfig`; names, base URL, default access and the enabled flag in its
own columns.  A partners.toml entry is (re)applied only when the entry itself changed,
so ``kazneb partner disable`` survives the next start.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from croniter import croniter
from sqlalchemy import select

from crosswalks.model import ACCESS_LEVELS
from harvester.errors import PartnerConfigError
from repository.models import Partner

_INTERVAL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


@dataclass
class AccessRule:
    """Records in ``set`` or whose rights statement contains ``rights`` get ``access``."""

    access: str
    set: str | None = None
    rights: str | None = None

    def matches(self, sets: list[str], rights: list[str]) -> bool:
        if self.set is not None and self.set in sets:
            return True
        needle = (self.rights or "").casefold()
        return bool(needle) and any(needle in statement.casefold() for statement in rights)


@dataclass
class PartnerConfig:
    """Everything the harvester needs to know about one partner."""

    id: str
    base_url: str = ""
    name_kk: str | None = None
    name_ru: str | None = None
    name_en: str | None = None
    access: str = "open"
    format: str | None = None  # None: MARCXML where offered, else oai_dc, else MODS
    sets: list[str] = field(default_factory=list)  # empty: the whole repository
    schedule: str = "1d"  # cron expression or an interval (30m, 6h, 1d)
    access_rules: list[AccessRule] = field(default_factory=list)
    rate_limit: float = 2.0  # requests per second
    timeout: float = 60.0
    retry_attempts: int = 6
    retry_base_delay: float = 2.0
    retry_after_cap: float = 600.0
    contact: str = ""
    ca_bundle: str | None = None  # CA certificates to trust for this partner's HTTPS (default: system)
    enabled: bool = True
    full_every_days: float = 7.0  # full re-harvest period when deletedRecord is no/transient
    mass_delete_share: float = 0.3
    mass_delete_min: int = 20
    max_empty_pages: int = 5

    def __post_init__(self) -> None:
        self.access_rules = [r if isinstance(r, AccessRule) else AccessRule(**r) for r in self.access_rules]
        self.validate()

    def validate(self) -> None:
        where = f"partner {self.id!r}"
        if not re.fullmatch(r"[a-z0-9][a-z0-9_.\-]{0,63}", self.id or ""):
            raise PartnerConfigError(f"{where}: id must be 1-64 characters of a-z, 0-9, '-', '_', '.'")
        if self.base_url and not re.match(r"^https?://", self.base_url):
            raise PartnerConfigError(f"{where}: url {self.base_url!r} must start with http:// or https://")
        for level in [self.access, *(rule.access for rule in self.access_rules)]:
            if level not in ACCESS_LEVELS:
                raise PartnerConfigError(f"{where}: access level {level!r} is not one of {ACCESS_LEVELS}")
        for rule in self.access_rules:
            if rule.set is None and rule.rights is None:
                raise PartnerConfigError(f"{where}: an access rule needs a 'set' or a 'rights'")
        next_due(self.schedule, datetime(2000, 1, 1), where)
        if not 0 < self.mass_delete_share <= 1:
            raise PartnerConfigError(f"{where}: mass_delete_share must be in (0, 1]")

    @property
    def names(self) -> dict[str, str]:
        pairs = {"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en}
        return {lang: name for lang, name in pairs.items() if name}

    @property
    def display_name(self) -> str:
        return self.name_en or self.name_ru or self.name_kk or self.id

    def access_for(self, sets: list[str], rights: list[str]) -> str:
        """The first matching rule's level, else the partner's default."""
        for rule in self.access_rules:
            if rule.matches(sets, rights):
                return rule.access
        return self.access

    def options(self) -> dict[str, Any]:
        """What goes into the partner row's ``settings`` JSON."""
        data = dataclasses.asdict(self)
        for column in ("id", "base_url", "name_kk", "name_ru", "name_en", "access", "enabled"):
            data.pop(column)
        return data

    @classmethod
    def from_row(cls, row: Partner) -> PartnerConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        options = {k: v for k, v in (row.settings or {}).items() if k in known}
        return cls(id=row.id, base_url=row.base_url or "", name_kk=row.name_kk, name_ru=row.name_ru,
                   name_en=row.name_en, access=row.default_access, enabled=row.enabled, **options)

    @classmethod
    def from_mapping(cls, entry: dict[str, Any], where: str = "partners.toml") -> PartnerConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        entry = dict(entry)
        if "url" in entry:
            entry["base_url"] = entry.pop("url")
        unknown = sorted(set(entry) - known)
        if unknown:
            raise PartnerConfigError(f"{where}: partner {entry.get('id')!r}: unknown key(s) {unknown}")
        if "id" not in entry:
            raise PartnerConfigError(f"{where}: a partner entry has no 'id'")
        try:
            return cls(**entry)
        except TypeError as exc:
            raise PartnerConfigError(f"{where}: partner {entry['id']!r}: {exc}") from exc


def next_due(schedule: str, after: datetime, where: str = "schedule") -> datetime:
    """The next time a harvest is due: a cron expression, or an interval such as ``6h``."""
    interval = _INTERVAL.match(schedule)
    if interval:
        return after + timedelta(**{_UNITS[interval.group(2)]: int(interval.group(1))})
    if not croniter.is_valid(schedule):
        raise PartnerConfigError(f"{where}: schedule {schedule!r} is neither a cron expression nor 30m/6h/1d")
    return croniter(schedule, after).get_next(datetime)


def read_registry(path: Path) -> list[PartnerConfig]:
    """Partners declared in a TOML file as ``[[partner]]`` tables (missing file: none)."""
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PartnerConfigError(f"{path}: {exc}") from exc
    return [PartnerConfig.from_mapping(entry, str(path)) for entry in data.get("partner", [])]


def save_partner(store, session, config: PartnerConfig, origin: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Create or update the partner row from ``config``; the row's own bookkeeping (its
    partners.toml digest, its history of level changes) is kept."""
    row = session.get(Partner, config.id)
    kept = {k: v for k, v in ((row.settings or {}) if row is not None else {}).items() if k.startswith("_")}
    options = {**config.options(), **kept}
    if origin:
        options["_origin"] = origin
    store.upsert_partner(session, config.id, names=config.names, base_url=config.base_url,
                         default_access=config.access, enabled=config.enabled, settings=options)


def levels_of(config: PartnerConfig) -> dict[str, Any]:
    """The settings that decide a partner's records' levels: its default and its rules."""
    return {"access": config.access, "access_rules": [dataclasses.asdict(r) for r in config.access_rules]}


def with_levels(config: PartnerConfig, levels: dict[str, Any]) -> PartnerConfig:
    """``config`` with another partner config's levels (see :func:`levels_of`)."""
    return dataclasses.replace(config, access=levels["access"],
                               access_rules=[AccessRule(**r) for r in levels["access_rules"]])


def entry_digest(config: PartnerConfig) -> str:
    """A digest of a partners.toml entry, to apply it again only when it changed."""
    return hashlib.sha256(json.dumps(dataclasses.asdict(config), sort_keys=True).encode()).hexdigest()


def sync_registry(store, path: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """Apply partners.toml entries that are new or changed since last applied; their ids.

    A partner's levels are not among what this applies to a partner already known: a level
    changed in the file waits for ``kazneb partner sync`` (:func:`pending_levels` names it),
    so no command's start-up republishes records under another level unasked."""
    applied = []
    for config in read_registry(path):
        digest = entry_digest(config)
        with store.session() as session:
            row = session.get(Partner, config.id)
            if row is not None and (row.settings or {}).get("_origin") == digest:
                continue
            if row is not None:
                config = with_levels(config, levels_of(PartnerConfig.from_row(row)))
            save_partner(store, session, config, origin=digest)
            applied.append(config.id)
    return applied


def pending_levels(store, path: Path) -> dict[str, tuple[dict, dict]]:  # type: ignore[no-untyped-def]
    """Partner id → (levels in force, levels in partners.toml) where the file says otherwise."""
    pending = {}
    with store.session() as session:
        for config in read_registry(path):
            row = session.get(Partner, config.id)
            if row is not None and levels_of(PartnerConfig.from_row(row)) != levels_of(config):
                pending[config.id] = (levels_of(PartnerConfig.from_row(row)), levels_of(config))
    return pending


def defined_in(path: Path, partner_id: str) -> bool:
    """Whether partners.toml at ``path`` defines the partner (the file is then its one source)."""
    return any(config.id == partner_id for config in read_registry(path))


def load_partner(session, partner_id: str) -> PartnerConfig:  # type: ignore[no-untyped-def]
    row = session.get(Partner, partner_id)
    if row is None:
        raise PartnerConfigError(f"no partner {partner_id!r} (see `kazneb partner list`)")
    return PartnerConfig.from_row(row)


def all_partners(session) -> list[PartnerConfig]:  # type: ignore[no-untyped-def]
    return [PartnerConfig.from_row(row) for row in session.scalars(select(Partner).order_by(Partner.id))]
