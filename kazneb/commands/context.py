"""What every command shares: the settings it is given, the store it opens, how it shows a time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from harvester.errors import HarvestError
from harvester.partners import PartnerConfig, load_partner, pending_levels, sync_registry
from kazneb.config import Settings
from repository.db import migrate
from repository.store import Store

#: Hands a command the :class:`Settings` that ``kazneb --config`` loaded.
pass_settings = click.make_pass_decorator(Settings)


def open_store(settings: Settings, writing: bool = False) -> Store:
    """The store, migrated, with partners.toml applied (but for levels: see ``partner sync``);
    ``writing`` for the commands that write many records (see ``Store.from_settings``)."""
    store = Store.from_settings(settings, writing)
    migrate(store.engine)
    try:
        sync_registry(store, partners_file(settings))
        pending = pending_levels(store, partners_file(settings))
    except HarvestError as exc:
        raise click.ClickException(str(exc)) from exc
    for partner_id in pending:
        click.echo(f"warning: {partners_file(settings)} changes the access levels of partner {partner_id}; "
                   "they are not applied until `kazneb partner sync`", err=True)
    return store


def partners_file(settings: Settings) -> Path:
    """partners.toml, relative to the configuration file."""
    base = settings.path.parent if settings.path else Path.cwd()
    return base / settings["harvest.partners_file"]


def partner(session, partner_id: str) -> PartnerConfig:  # type: ignore[no-untyped-def]
    """A registered partner, or the command's error naming the one that is not."""
    try:
        return load_partner(session, partner_id)
    except HarvestError as exc:
        raise click.ClickException(str(exc)) from exc


def when(seconds: int | None) -> str:
    """A stored time (seconds since the epoch) as the commands print it, in UTC; ``-`` if none."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S") if seconds else "-"
