"""The ``kazneb`` command: every click command of the hub, wired in one place.

One module per group of commands; each command parses its options, calls plain functions
of the packages below (``crosswalks``, ``repository``, ``harvester``, ``search``) and
prints what they return.  Nothing below imports this layer (``tests/test_layers.py``).
"""

from __future__ import annotations

import gc

import click

from kazneb.commands.agreements import agreement_group
from kazneb.commands.cluster import cluster_group
from kazneb.commands.crosswalk import crosswalk_command
from kazneb.commands.deposit import deposit_command
from kazneb.commands.derive import derive_command
from kazneb.commands.files import import_command, ingest_command
from kazneb.commands.fixity import fixity_group
from kazneb.commands.harvests import harvest_group, scheduler_command
from kazneb.commands.index import index_group
from kazneb.commands.objects import events_group, objects_group
from kazneb.commands.partners import partner_group
from kazneb.commands.quarantine import quarantine_group
from kazneb.commands.restore import restore_command
from kazneb.commands.serve import demo_command, serve_command
from kazneb.commands.store import check_command, init_command, secret_group, stats_command
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


COMMANDS = (
    init_command, stats_command, check_command, secret_group,  # store.py
    serve_command, demo_command,  # serve.py
    partner_group,  # partners.py
    harvest_group, scheduler_command,  # harvests.py
    ingest_command, import_command,  # files.py
    quarantine_group,  # quarantine.py
    index_group,  # index.py
    crosswalk_command,  # crosswalk.py
    agreement_group,  # agreements.py
    deposit_command,  # deposit.py
    objects_group, events_group,  # objects.py
    restore_command,  # restore.py
    fixity_group,  # fixity.py
    cluster_group,  # cluster.py
)
for _command in COMMANDS:
    main.add_command(_command)
objects_group.add_command(derive_command)  # derive.py: kazneb objects derive
