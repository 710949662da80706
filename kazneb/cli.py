"""The ``kazneb`` command: one entry point for every job of the hub."""

from __future__ import annotations

import click

from kazneb.config import ConfigError, load_settings


@click.group()
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="KAZNEB_CONFIG",
              help="Configuration file (default: config/kazneb.toml).")
@click.pass_context
def main(ctx: click.Context, config_path: str | None) -> None:
    """KazNEB Hub: harvest partners, crosswalk records, republish over OAI-PMH, search."""
    try:
        ctx.obj = load_settings(config_path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


from repository.cli import register as _register_repository  # noqa: E402

_register_repository(main)

from search.cli import index_group as _index_group  # noqa: E402

main.add_command(_index_group)

from harvester import cli as _harvester  # noqa: E402

main.add_command(_harvester.partner_group)
main.add_command(_harvester.harvest_group)
main.add_command(_harvester.ingest_command)
main.add_command(_harvester.scheduler_command)
main.add_command(_harvester.quarantine_group)

from crosswalks.cli import crosswalk_command as _crosswalk_command  # noqa: E402

main.add_command(_crosswalk_command)
