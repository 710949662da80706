"""``kazneb serve`` and ``kazneb demo``: the whole hub (provider, API, pages) on Flask's server."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit, urlunsplit

import click

from kazneb.commands.context import pass_settings
from kazneb.commands.follow import following, update_search_index
from kazneb.config import Settings
from repository.db import migrate
from repository.errors import StoreError
from repository.store import Store


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@pass_settings
def serve_command(settings: Settings, host: str, port: int) -> None:
    """Serve the hub (OAI-PMH at /oai) with Flask's server; use gunicorn in production.

    While it serves, it keeps the search index in step and makes the page derivatives of newly
    deposited copies (the scheduler does both in production)."""
    from kazneb.app import create_app
    from kazneb.commands.derive import deriving

    settings = advertised_at(settings, port)
    app = create_app(settings)
    migrate(app.extensions["kazneb_store"].engine)
    click.echo(f"OAI-PMH base URL: http://{host}:{port}/oai  (point your harvester here)")
    click.echo(f"search page: http://{host}:{port}/   search API: http://{host}:{port}/api/search?q=...")
    store = app.extensions["kazneb_store"]
    # the dev server's process keeps search in step and makes the page derivatives
    with following(settings, store, click.echo), deriving(settings, store, click.echo):
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


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Load the sample collection and stop.")
@pass_settings
def demo_command(settings: Settings, host: str, port: int, no_serve: bool) -> None:
    """Create the database, load the sample collection with copies behind some records, merge the
    records of one work from both partners into one, and serve the hub."""
    from repository.sample import load_sample_collection

    store = Store.from_settings(settings)
    migrate(store.engine)
    try:
        summary = load_sample_collection(store)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"sample collection: {summary}")
    deposit_sample_copies(settings, store)
    consolidate(settings, store)
    update_search_index(settings, store, click.echo)
    if not no_serve:
        click.get_current_context().invoke(serve_command, host=host, port=port)


def deposit_sample_copies(settings: Settings, store: Store) -> None:
    """Copies behind some sample records (objects/sample.py), one line each; skipped, saying why,
    when the settings name no storage root (PostgreSQL without ``objects.root``)."""
    from objects import sample
    from objects.errors import StorageError
    from objects.quality import QualityThresholds
    from objects.storage import Depository

    try:
        depository = Depository.from_settings(settings).open()
    except StorageError as exc:
        click.echo(f"sample copies: none ({exc})")
        return
    click.echo(f"sample copies, in {depository.root}:")
    sample.deposit_sample_copies(store, depository, lambda line: click.echo(f"  {line}"),
                                 QualityThresholds.from_settings(settings))


def consolidate(settings: Settings, store: Store) -> None:
    """One record per work (``kazneb cluster build --full``): the sample works both partners hold,
    in Cyrillic and in Latin script, each published as one record with two holdings."""
    from consolidation.build import full_run
    from consolidation.publish import publish_clusters
    from kazneb.commands.cluster import echo_build, options_of

    click.echo("one record per work (kazneb cluster build):")
    echo_build(full_run(store.engine, options_of(settings)), publish_clusters(store), indent="  ")
