"""``kazneb init``, ``stats``, ``check`` and ``secret``: the store's schema, contents, integrity and secret."""

from __future__ import annotations

import click

from kazneb.commands.context import pass_settings
from kazneb.config import Settings
from repository.db import migrate
from repository.integrity import dangling_references
from repository.stats import record_counts
from repository.store import Store


@click.command("init")
@pass_settings
def init_command(settings: Settings) -> None:
    """Create or migrate the database to the newest schema."""
    store = Store.from_settings(settings)
    revision = migrate(store.engine)
    click.echo(f"database {store.engine.url.render_as_string()} is at revision {revision}")


@click.command("stats")
@pass_settings
def stats_command(settings: Settings) -> None:
    """Print record counts by partner, access level, source format and deleted flag."""
    breakdowns, total = record_counts(Store.from_settings(settings))
    for title, rows in breakdowns:
        click.echo(f"by {title}:")
        for value, count in rows:
            click.echo(f"  {value!s:<24} {count:>10}")
    click.echo(f"total hub records: {total}")


@click.command("check")
@pass_settings
def check_command(settings: Settings) -> None:
    """Check that every stored reference points at a row that exists; exit 1 if one does not."""
    store = Store.from_settings(settings)
    problems = dangling_references(store.engine)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise SystemExit(1)
    click.echo("every reference points at an existing row")


@click.group("secret")
def secret_group() -> None:
    """The secret that signs resumption tokens (kept in the database)."""


@secret_group.command("rotate")
@pass_settings
def secret_rotate_command(settings: Settings) -> None:
    """Replace the store's secret: every worker signs with the new one from its next request,
    and tokens handed out before fail with badResumptionToken (harvesters restart their list)."""
    from repository.installation import rotate_secret

    store = Store.from_settings(settings)
    migrate(store.engine)
    rotate_secret(store.engine)
    click.echo("the store's secret was replaced; resumption tokens signed before now are refused")
    if settings["hub.secret_key"]:
        click.echo("note: hub.secret_key (or KAZNEB_SECRET_KEY) is set and is used instead of the store's secret; "
                   "change it there", err=True)
