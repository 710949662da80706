"""A run in one line, as the harvest, ingest and scheduler commands report it.

(The live progress bar of ``kazneb harvest`` draws on the terminal, so it lives with the
commands: :class:`kazneb.commands.progress.Reporter`.)"""

from __future__ import annotations

from collections.abc import Callable

from harvester.models import HarvestRun


def summary_line(run: HarvestRun) -> str:
    return (f"run {run.id} {run.partner_id}{'/' + run.set_spec if run.set_spec else ''} [{run.kind}] "
            f"{run.status}: {run.pages} pages, {run.seen} records (new {run.new}, updated {run.updated}, "
            f"unchanged {run.unchanged}, deleted {run.deleted}, quarantined {run.quarantined}), "
            f"{run.requests} requests, {run.retries} retries, {run.bytes / 1e6:.1f} MB")


Progress = Callable[[HarvestRun], None]
