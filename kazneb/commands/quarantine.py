"""``kazneb quarantine``: records that could not be read or stored, shown and retried in place."""

from __future__ import annotations

from pathlib import Path

import click

from harvester.models import QuarantinedRecord
from harvester.quarantine import entries_query, raw_bytes, raw_lines, retry_quarantined
from kazneb.commands.context import open_store, pass_settings, when
from kazneb.commands.follow import update_search_index
from kazneb.config import Settings

SHOWN_BYTES = 65536  # of a whole quarantined file, on the terminal


@click.group("quarantine")
def quarantine_group() -> None:
    """Records that could not be read or stored, with their raw text."""


@quarantine_group.command("list")
@click.option("--partner", "partner_id", help="Only this partner.")
@click.option("--all", "show_all", is_flag=True, help="Include resolved entries.")
@pass_settings
def quarantine_list(settings: Settings, partner_id: str | None, show_all: bool) -> None:
    with open_store(settings).session() as session:
        for q in session.scalars(entries_query(partner_id, show_all)):
            click.echo(f"{q.id:>6} {q.partner_id:12} run {q.run_id or '-':>4} {q.status:8} "
                       f"{q.source_key[:50]:50} {q.error[:80]}")


@quarantine_group.command("show")
@click.argument("entry_id", type=int)
@click.option("--save", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the record's exact bytes to this file.")
@pass_settings
def quarantine_show(settings: Settings, entry_id: int, save: Path | None) -> None:
    """One entry: its error, where it came from and its raw record (ISO 2709 one field a line)."""
    with open_store(settings).session() as session:
        q = session.get(QuarantinedRecord, entry_id)
        if q is None:
            raise click.ClickException(f"no quarantine entry {entry_id}")
    click.echo(f"partner {q.partner_id}, run {q.run_id}, record {q.source_key}, {q.status}, "
               f"{when(q.created_at)}")
    if q.file_name is not None:
        size = f"{len(q.raw_bytes)} bytes" if q.raw_bytes is not None else "bytes not kept"
        click.echo(f"file: {q.file_name}, record {q.file_position}, {q.file_format}"
                   f"{' ' + q.file_encoding if q.file_encoding else ''}, {size}")
    click.echo(f"error: {q.error}")
    lines, more = raw_lines(q, SHOWN_BYTES)
    for line in lines:
        click.echo(line)
    if more:
        click.echo(f"(... {more} more bytes; --save FILE writes them all)")
    if save is not None:
        data = raw_bytes(q)
        save.write_bytes(data)
        click.echo(f"{len(data)} bytes written to {save}")


@quarantine_group.command("retry")
@click.argument("entry_ids", type=int, nargs=-1)
@click.option("--partner", "partner_id", help="Retry every open entry of this partner.")
@pass_settings
def quarantine_retry(settings: Settings, entry_ids: tuple[int, ...], partner_id: str | None) -> None:
    """Read and store quarantined records again (after a crosswalk fix)."""
    store = open_store(settings)
    outcomes = retry_quarantined(store, list(entry_ids), partner_id)
    click.echo(", ".join(f"{n} {k}" for k, n in sorted(outcomes.counts.items())) or "nothing to retry")
    update_search_index(settings, store, click.echo)
