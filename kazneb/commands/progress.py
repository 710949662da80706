"""A harvest's progress on the operator's terminal: a live bar on a TTY, plain log lines otherwise."""

from __future__ import annotations

import sys
import time

import click

from harvester.models import HarvestRun


class Reporter:
    """Called after every stored page; draws a bar on a TTY and logs a line per page elsewhere."""

    def __init__(self, interactive: bool | None = None) -> None:
        self.interactive = sys.stderr.isatty() if interactive is None else interactive
        self.started: dict[int, tuple[float, int]] = {}

    def __call__(self, run: HarvestRun) -> None:
        start, first_seen = self.started.setdefault(run.id, (time.monotonic(), run.seen))
        elapsed = max(time.monotonic() - start, 1e-6)
        rate = (run.seen - first_seen) / elapsed
        eta = ""
        if run.complete_list_size and rate > 0:
            left = max(run.complete_list_size - run.seen, 0) / rate
            eta = f", ETA {int(left // 60)}:{int(left % 60):02d}"
        total = f"/{run.complete_list_size}" if run.complete_list_size else ""
        if self.interactive:
            done = run.seen / run.complete_list_size if run.complete_list_size else 0
            bar = ("#" * int(done * 30)).ljust(30) if run.complete_list_size else "." * (run.pages % 30 + 1)
            click.echo(f"\r{run.partner_id} [{bar:30}] {run.seen}{total} records, {run.pages} pages, "
                       f"{rate:.0f} rec/s{eta}   ", nl=False, err=True)
        else:
            click.echo(f"{run.partner_id}: page {run.pages}, {run.seen}{total} records, "
                       f"{rate:.0f} rec/s{eta}",
                       err=True)

    def finish(self) -> None:
        if self.interactive:
            click.echo("", err=True)
