"""Commands of the store and provider: init, import, serve, stats, check, demo."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import click
from sqlalchemy import func, select

from crosswalks.model import ACCESS_LEVELS
from kazneb.config import Settings
from kazneb.follow import following, update_search_index
from repository.db import migrate
from repository.errors import StoreError
from repository.integrity import dangling_references
from repository.models import HubRecord, SourceRecord
from repository.store import Store

pass_settings = click.make_pass_decorator(Settings)


@click.command("init")
@pass_settings
def init_command(settings: Settings) -> None:
    """Create or migrate the database to the newest schema."""
    store = Store.from_settings(settings)
    revision = migrate(store.engine)
    click.echo(f"database {store.engine.url.render_as_string()} is at revision {revision}")


@click.command("import")
@click.option("--partner", "partner_id", required=True, help="Partner whose records these are.")
@click.option("--access", type=click.Choice(ACCESS_LEVELS),
              help="A level given to these records themselves (default: the partner's rules).")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.pass_context
def import_command(ctx: click.Context, partner_id: str, access: str | None, files: tuple[Path, ...]) -> None:
    """Load records from FILES: the same as `kazneb ingest` (kept for the scripts that call it)."""
    from harvester.cli import ingest_command

    ctx.invoke(ingest_command, partner_id=partner_id, access=access, batch_size=500, paths=files)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@pass_settings
def serve_command(settings: Settings, host: str, port: int) -> None:
    """Serve the hub (OAI-PMH at /oai) with Flask's server; use gunicorn in production."""
    from kazneb.app import create_app

    settings = advertised_at(settings, port)
    app = create_app(settings)
    migrate(app.extensions["kazneb_store"].engine)
    click.echo(f"OAI-PMH base URL: http://{host}:{port}/oai  (point your harvester here)")
    click.echo(f"search page: http://{host}:{port}/   search API: http://{host}:{port}/api/search?q=...")
    store = app.extensions["kazneb_store"]
    with following(settings, store, click.echo):  # the dev server's process keeps search in step
        app.run(host=host, port=port, threaded=True)


def advertised_at(settings: Settings, port: int) -> Settings:
    """Settings whose loopback ``hub.base_url`` names the port actually served.

    The default configuration's base URL is the development address
    (http://127.0.0.1:8080); served on another port, Identify's baseURL and every
    response's request URL must name that port or harvesters are sent elsewhere.
    A public base URL (behind a proxy) is left alone.
    """
    base = urlsplit(settings["hub.base_url"])
    if base.hostname not in ("127.0.0.1", "localhost", "::1") or base.port == port:
        return settings
    netloc = f"[{base.hostname}]:{port}" if ":" in base.hostname else f"{base.hostname}:{port}"
    values = {**settings.values, "hub.base_url": urlunsplit(base._replace(netloc=netloc))}
    return dataclasses.replace(settings, values=values)


@click.command("stats")
@pass_settings
def stats_command(settings: Settings) -> None:
    """Print record counts by partner, access level, source format and deleted flag."""
    store = Store.from_settings(settings)
    with store.reading() as session:
        for title, column, model in (
            ("partner", HubRecord.partner_id, HubRecord),
            ("access", HubRecord.access, HubRecord),
            ("deleted", HubRecord.deleted, HubRecord),
            ("source format", SourceRecord.metadata_prefix, SourceRecord),
        ):
            click.echo(f"by {title}:")
            rows = session.execute(select(column, func.count()).select_from(model).group_by(column).order_by(column))
            for value, count in rows:
                click.echo(f"  {value!s:<24} {count:>10}")
        total = session.scalar(select(func.count()).select_from(HubRecord))
        click.echo(f"total hub records: {total}")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Load the sample collection and stop.")
@pass_settings
def demo_command(settings: Settings, host: str, port: int, no_serve: bool) -> None:
    """Create the database, load the sample collection, and serve the hub."""
    from repository.sample import load_sample_collection

    store = Store.from_settings(settings)
    migrate(store.engine)
    try:
        summary = load_sample_collection(store)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"sample collection: {summary}")
    update_search_index(settings, store, click.echo)
    if not no_serve:
        click.get_current_context().invoke(serve_command, host=host, port=port)


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


def register(group: click.Group) -> None:
    for command in (init_command, import_command, serve_command, stats_command, check_command, demo_command,
                    secret_group):
        group.add_command(command)



