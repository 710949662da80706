"""``kazneb index create|rebuild|sync|status``: build and inspect the search index."""

from __future__ import annotations

import time

import click

from kazneb.commands.context import pass_settings
from kazneb.config import Settings
from repository.store import Store
from search import indexer
from search.engine import SearchError
from search.factory import engine_from_settings


def _store(settings: Settings) -> Store:
    return Store.from_settings(settings)


@click.group("index")
def index_group() -> None:
    """Create, rebuild, update and inspect the search index."""


@index_group.command("create")
@click.option("--force", is_flag=True, help="Replace an existing index with an empty one.")
@pass_settings
def create_command(settings: Settings, force: bool) -> None:
    """Create an empty index from the current mapping and point the alias at it."""
    engine = engine_from_settings(settings, _store(settings))
    live = engine.describe().get("index")
    if live and not force:
        raise click.ClickException(f"index {live} exists; use `kazneb index rebuild` or --force")
    click.echo(f"created {engine.create()} ({engine.name})")


@index_group.command("rebuild")
@pass_settings
def rebuild_command(settings: Settings) -> None:
    """Rebuild the whole index from the store beside the live one, then swap it in."""
    store = _store(settings)
    engine = engine_from_settings(settings, store)
    total = indexer.pending_changes(store, 0)
    try:
        with click.progressbar(length=total, label="indexing", show_pos=True) as bar:
            name, report = indexer.rebuild(store, engine, progress=bar.update)
    except SearchError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{name}: {report.indexed} records indexed, {report.deleted} deleted, "
               f"position {report.position}")


@index_group.command("sync")
@click.option("--follow", is_flag=True, help="Keep following the change log.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between checks with --follow.")
@pass_settings
def sync_command(settings: Settings, follow: bool, interval: float) -> None:
    """Apply the store's changes since the index's position."""
    store = _store(settings)
    engine = engine_from_settings(settings, store)
    while True:
        try:
            report = indexer.sync(store, engine)
        except SearchError as exc:
            raise click.ClickException(str(exc)) from exc
        if report.indexed or report.deleted or not follow:
            click.echo(f"{report.indexed} indexed, {report.deleted} deleted, position {report.position}")
        if not follow:
            return
        time.sleep(interval)


@index_group.command("status")
@pass_settings
def status_command(settings: Settings) -> None:
    """Compare the index with the store: documents, published records, change-log position."""
    store = _store(settings)
    engine = engine_from_settings(settings, store)
    try:
        described, count, position = engine.describe(), engine.count(), engine.position()
    except SearchError as exc:
        raise click.ClickException(str(exc)) from exc
    published, latest = indexer.published_count(store), indexer.last_seq(store)
    for key, value in described.items():
        click.echo(f"{key}: {value}")
    click.echo(f"documents in index: {count}")
    click.echo(f"published records in store: {published}")
    click.echo(f"change-log position: {position} of {latest}")
    click.echo("in step" if count == published and position == latest else
               "behind: run `kazneb index sync` (or `rebuild`)")
