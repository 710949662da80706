"""The ``kazneb`` command: one entry point for every job of the hub."""

from __future__ import annotations

import gc

import click

from kazneb.config import ConfigError, load_settings

#: Young-generation threshold for the hub's jobs (Python's default is 700).
GC_YOUNG_THRESHOLD = 50_000


def tune_garbage_collector() -> None:
    """Collect less often: harvests and imports make millions of short-lived objects
    that reference counting frees, and the cyclic collector's frequent passes over the
    growing heap cost 10-15 % of a harvest.  The modules loaded so far are frozen out of
    its way."""
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 20)


DOCS_EPILOG = ("Documentation: the docs/ folder of the checkout, for operators, partner librarians, aggregators "
               "and developers. Read it as a site with: pip install -e '.[docs]' && mkdocs serve "
               "(then http://127.0.0.1:8000). Help on one command: kazneb COMMAND --help.")


@click.group(epilog=DOCS_EPILOG)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="KAZNEB_CONFIG",
              help="Configuration file (default: config/kazneb.toml).")
@click.pass_context
def main(ctx: click.Context, config_path: str | None) -> None:
    """KazNEB Hub: harvest partners, crosswalk records, republish over OAI-PMH, search."""
    tune_garbage_collector()
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
