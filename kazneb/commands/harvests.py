"""``kazneb harvest`` (now, or inspect runs) and ``kazneb scheduler`` (when due)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

import click

from harvester.deletions import apply_deletions, held_runs, reject_deletions
from harvester.errors import HarvestError
from harvester.models import HarvestRun
from harvester.partners import PartnerConfig, all_partners
from harvester.progress import summary_line
from harvester.status import harvestable, is_held, last_runs
from kazneb.commands.context import open_store, partner, pass_settings, when
from kazneb.commands.follow import following, update_search_index
from kazneb.commands.progress import Reporter
from kazneb.config import Settings
from repository.store import Store


class _DefaultToRun(click.Group):
    """``kazneb harvest P1 P2`` and ``--all`` mean ``kazneb harvest run ...``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group("harvest", cls=_DefaultToRun)
def harvest_group() -> None:
    """Harvest partners now (kazneb harvest PARTNER...|--all), or inspect runs."""


@harvest_group.command("run")
@click.argument("partner_ids", nargs=-1)
@click.option("--all", "everyone", is_flag=True, help="Every enabled partner.")
@click.option("--full", is_flag=True, help="Full harvest instead of incremental.")
@pass_settings
def harvest_run(settings: Settings, partner_ids: tuple[str, ...], everyone: bool, full: bool) -> None:
    """Harvest the named partners (or --all) now."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    if not partner_ids and not everyone:
        raise click.UsageError("name partners or give --all")
    store = open_store(settings, writing=True)
    with store.session() as session:
        partners = (harvestable(all_partners(session)) if everyone
                    else [partner(session, pid) for pid in partner_ids])
    failed = False
    with following(settings, store, click.echo):
        for one in partners:
            failed = not _harvest_one(store, one, full) or failed
    update_search_index(settings, store, click.echo)
    sys.exit(1 if failed else 0)


def _harvest_one(store: Store, partner: PartnerConfig, full: bool) -> bool:
    """Harvest one partner, printing its runs; False if any run did not succeed."""
    from harvester.run import harvest_partner

    reporter = Reporter()
    try:
        runs = harvest_partner(store, partner, full=full, progress=reporter)
    except HarvestError as exc:
        reporter.finish()
        click.echo(f"{partner.id}: {exc}", err=True)
        return False
    reporter.finish()
    for run in runs:
        click.echo(summary_line(run))
    return all(run.status == "succeeded" for run in runs)


@harvest_group.command("status")
@pass_settings
def harvest_status(settings: Settings) -> None:
    """The last run of every partner, as a table."""
    header = f"{'partner':16} {'run':>5} {'kind':11} {'status':10} {'started':19} {'finished':19} " \
             f"{'new':>7} {'upd':>7} {'same':>7} {'del':>6} {'quar':>5} {'req':>6} {'retry':>5}"
    click.echo(header)
    with open_store(settings).session() as session:
        for one, run in last_runs(session):
            if run is None:
                click.echo(f"{one.id:16} {'-':>5} never harvested")
                continue
            click.echo(f"{one.id:16} {run.id:>5} {run.kind:11} {run.status:10} "
                       f"{when(run.started_at):19} {when(run.finished_at):19} "
                       f"{run.new:>7} {run.updated:>7} {run.unchanged:>7} "
                       f"{run.deleted:>6} {run.quarantined:>5} {run.requests:>6} {run.retries:>5}")
        for partner_id, run_id in held_runs(session).items():
            click.echo(f"{partner_id}: HELD by run {run_id}, not harvested until "
                       f"`kazneb harvest confirm {run_id}` or `kazneb harvest reject {run_id}`")


@harvest_group.command("log")
@click.argument("run_id", type=int)
@pass_settings
def harvest_log(settings: Settings, run_id: int) -> None:
    """Everything recorded about one run, with example errors."""
    with open_store(settings).session() as session:
        run = session.get(HarvestRun, run_id)
        if run is None:
            raise click.ClickException(f"no run {run_id}")
    click.echo(summary_line(run))
    for label, value in (("format", run.metadata_prefix), ("from", run.from_date or "(full)"),
                         ("started", when(run.started_at)), ("finished", when(run.finished_at)),
                         ("responseDate", run.response_date), ("restarts", run.restarts),
                         ("resumed", run.resumed), ("message", run.message or "")):
        click.echo(f"  {label:13} {value}")
    if run.kind == "files":
        click.echo(f"  {'checkpoint':13} {json.dumps(run.checkpoint)}")
    for kind, entry in sorted((run.errors or {}).items()):
        click.echo(f"  {kind}: {entry['count']}")
        for example in entry["examples"]:
            click.echo(f"      {example}")


@harvest_group.command("confirm")
@click.argument("run_id", type=int)
@pass_settings
def harvest_confirm(settings: Settings, run_id: int) -> None:
    """Apply the deletions of a held run (and remove them from search)."""
    store = open_store(settings)
    click.echo(summary_line(apply_deletions(store, _held(store, run_id))))
    update_search_index(settings, store, click.echo)


@harvest_group.command("reject")
@click.argument("run_id", type=int)
@pass_settings
def harvest_reject(settings: Settings, run_id: int) -> None:
    """Discard the deletions of a held run."""
    store = open_store(settings)
    click.echo(summary_line(reject_deletions(store, _held(store, run_id))))
    update_search_index(settings, store, click.echo)


def _held(store: Store, run_id: int) -> int:
    with store.session() as session:
        if not is_held(session, run_id):
            raise click.ClickException(f"run {run_id} is not held")
    return run_id


@click.command("scheduler")
@click.option("--once", is_flag=True, help="One pass over due partners (and the rolling fixity audit if it is due, and "
              "the copies' page derivatives still to make), then exit (1 if a harvest failed, a stored file "
              "failed its fixity check or the clusters could not be built).")
@click.option("--interval", type=float, default=60.0, show_default=True, help="Seconds between passes.")
@pass_settings
def scheduler_command(settings: Settings, once: bool, interval: float) -> None:
    """Run due harvests continuously (several schedulers may run; each partner is locked), the
    rolling fixity audit of the deposited copies every fixity.every_minutes, and after each pass
    the page derivatives of copies deposited or changed since (kazneb objects derive), and the
    clusters of the records written since (kazneb cluster build).

    Prints a line when a harvest starts, one per finished run and one per failure, and a
    summary of each pass that did something (held partners included); a line per fixity
    failure and a summary of each rolling audit run; a line per copy whose pages were made."""
    from harvester.scheduler import run_due, run_forever
    from kazneb.commands.cluster import cluster_step
    from kazneb.commands.derive import derive_step
    from kazneb.commands.fixity import rolling_audit_step

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    store = open_store(settings, writing=True)
    with following(settings, store, _say):
        if once:
            report = run_due(store, _say)
            if report.runs:
                update_search_index(settings, store, _say)
            intact = rolling_audit_step(settings, store, _say)
            derive_step(settings, store, _say)
            clustered = cluster_step(settings, store, _say)
            _say(report.summary())
            sys.exit(0 if report.ok and intact and clustered else 1)
        run_forever(store, interval, lambda: update_search_index(settings, store, _say), _say,
                    each_pass=lambda: (rolling_audit_step(settings, store, _say),
                                       derive_step(settings, store, _say),
                                       cluster_step(settings, store, _say)))


def _say(line: str) -> None:
    """A scheduler line, stamped with the time (UTC) it was said."""
    click.echo(f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} {line}")
