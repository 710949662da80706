"""``kazneb ingest`` (and its older name ``kazneb import``): load delivered files of records."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from crosswalks.model import ACCESS_LEVELS
from harvester.errors import HarvestError
from harvester.models import HarvestRun
from harvester.progress import summary_line
from kazneb.commands.context import open_store, partner, pass_settings
from kazneb.commands.follow import following, update_search_index
from kazneb.config import Settings


@click.command("ingest")
@click.option("--partner", "partner_id", required=True, help="Partner whose delivery this is.")
@click.option("--access", type=click.Choice(ACCESS_LEVELS),
              help="A level given to these records themselves: it wins over the partner's rules until changed.")
@click.option("--batch-size", type=click.IntRange(1), default=500, show_default=True,
              help="Records per transaction (and per checkpoint).")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_settings
def ingest_command(settings: Settings, partner_id: str, access: str | None, batch_size: int,
                   paths: tuple[Path, ...]) -> None:
    """Ingest files, folders or zips of MARC 21 / MARCXML / Dublin Core / MODS / saved OAI-PMH responses.

    Run again after a crash, the same delivery resumes where it stopped.  Exit status 0 when
    every record went in, 1 when any was quarantined or refused (or a file could not be read)."""
    from harvester.delivery import list_delivery
    from harvester.ingest import all_went_in, ingest_path

    for path in paths:
        try:
            list_delivery(path)  # a missing delivery is a usage error, before the store is touched
        except HarvestError as exc:
            raise click.BadParameter(str(exc), param_hint="PATH") from exc
    store = open_store(settings, writing=True)
    with store.session() as session:
        config = partner(session, partner_id)
    runs = []
    try:
        with following(settings, store, click.echo):
            for path in paths:
                runs.append(ingest_path(store, config, path, report=lambda m: click.echo(m, err=True),
                                        batch_size=batch_size, access=access))
                _report_delivery(runs[-1])
    except HarvestError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        update_search_index(settings, store, click.echo)
    sys.exit(0 if all_went_in(runs) else 1)


def _report_delivery(run: HarvestRun) -> None:
    click.echo(summary_line(run) + (f", resumed {run.resumed} time(s)" if run.resumed else ""))
    for kind in ("failed-files", "skipped-files", "changed-files", "no-identifier"):
        found = (run.errors or {}).get(kind, {})
        if kind == "no-identifier" and found:
            click.echo(f"  warning: {found['count']} record(s) without an identifier (positions above)")
        for example in found.get("examples", []):
            click.echo(f"  {kind}: {example}")


@click.command("import")
@click.option("--partner", "partner_id", required=True, help="Partner whose records these are.")
@click.option("--access", type=click.Choice(ACCESS_LEVELS),
              help="A level given to these records themselves (default: the partner's rules).")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.pass_context
def import_command(ctx: click.Context, partner_id: str, access: str | None, files: tuple[Path, ...]) -> None:
    """Load records from FILES: the same as `kazneb ingest` (kept for the scripts that call it)."""
    ctx.invoke(ingest_command, partner_id=partner_id, access=access, batch_size=500, paths=files)
