"""``kazneb crosswalk``: convert files of records and report the ones that cannot be converted.

Partners run it to see what the hub will make of their data, so it renders what the hub
would publish: each record with its access level and the statements that go with it
(``--access LEVEL``, or ``--partner ID`` for that partner's rules from the configured
store), and it warns, as ``kazneb ingest`` does, about records without an identifier.
Converted records go to stdout (or --output); each failure is reported on stderr with
its file, record position and reason, and the exit code is 1 when any record failed.
The conversion itself is :func:`crosswalks.convert.convert`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from crosswalks.convert import SOURCES, TARGETS, LevelFor, convert
from crosswalks.model import ACCESS_LEVELS
from harvester.partners import load_partner
from kazneb.config import Settings, load_settings
from repository.store import Store


def partner_levels(partner_id: str) -> LevelFor:
    """A configured partner's rules (``PartnerConfig.access_for``), read from the configured store."""
    context = click.get_current_context()
    settings = context.find_object(Settings) or load_settings()
    store = Store.from_settings(settings)
    try:
        with store.session() as session:
            return load_partner(session, partner_id).access_for
    except Exception as exc:  # noqa: BLE001 - no store, an old schema or no such partner: say which
        raise click.ClickException(f"cannot read partner {partner_id!r} from {store.engine.url}: {exc}") from exc
    finally:
        store.engine.dispose()


@click.command("crosswalk")
@click.option("--from", "source", type=click.Choice(SOURCES), default="auto", show_default=True,
              help="Format of the input files (auto: sniffed from each file).")
@click.option("--to", "target", type=click.Choice(TARGETS), required=True, help="Format to write.")
@click.option("--encoding", default=None,
              help="Character set of ISO 2709 records when their leader is wrong (e.g. cp1251).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write converted records here instead of stdout.")
@click.option("--access", type=click.Choice(ACCESS_LEVELS), default=None,
              help="Publish every record at this level (default: open, unless --partner is given).")
@click.option("--partner", "partner_id", default=None,
              help="Use this partner's levels and rules, read from the configured store.")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def crosswalk_command(source: str, target: str, encoding: str | None, output: str | None, access: str | None,
                      partner_id: str | None, files: tuple[Path, ...]) -> None:
    """Convert MARC 21, MARCXML, oai_dc, MODS or saved OAI-PMH responses to oai_dc, MARCXML, MODS or JSON,
    as the hub would publish them (access statements included)."""
    if access and partner_id:
        raise click.UsageError("give --access or --partner, not both")
    level_for: LevelFor = partner_levels(partner_id) if partner_id else (lambda sets, rights: access or "open")
    stream = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    try:
        converted, failed = convert(list(files), source, target, stream, sys.stderr, encoding, level_for,
                                    partner_id)
    finally:
        if output:
            stream.close()
    click.echo(f"{converted} converted, {failed} failed", err=True)
    if failed:
        raise SystemExit(1)
