"""``kazneb crosswalk``: convert files of records and report the ones that cannot be converted.

Partners run it to see what the hub will make of their data, so it renders what the hub
would publish: each record with its access level and the statements that go with it
(``--access LEVEL``, or ``--partner ID`` for that partner's rules from the configured
store), and it warns, as ``kazneb ingest`` does, about records without an identifier.
Converted records go to stdout (or --output); each failure is reported on stderr with
its file, record position and reason, and the exit code is 1 when any record failed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import click

from crosswalks.files import read_file
from crosswalks.formats import FORMATS
from crosswalks.model import ACCESS_LEVELS, CanonicalRecord

TARGETS = (*FORMATS, "json")
SOURCES = ("auto", "marc21", "marcxml", "oai_dc", "mods", "oai")
_COLLECTIONS = {
    "oai_dc": ("<collection>", "</collection>"),  # oai_dc has no collection element of its own
    "marcxml": ('<marc:collection xmlns:marc="http://www.loc.gov/MARC21/slim">', "</marc:collection>"),
    "mods": ('<mods:modsCollection xmlns:mods="http://www.loc.gov/mods/v3">', "</mods:modsCollection>"),
}


def render(record: CanonicalRecord, target: str) -> str:
    """One record in the target format (json: the canonical record as the store keeps it)."""
    if target == "json":
        return json.dumps(record.to_dict(), ensure_ascii=False)
    return FORMATS[target].render(record)


#: (source sets, rights statements) → the level the hub would publish a record at.
LevelFor = Callable[[list[str], list[str]], str]


def convert(paths: list[Path], source: str, target: str, out: TextIO, err: TextIO,
            encoding: str | None = None, level_for: LevelFor | None = None,
            partner_id: str | None = None) -> tuple[int, int]:
    """Convert every record of every file as the hub would publish it; returns (converted, failed).

    ``level_for`` gives each record its access level (None: none, as a bare crosswalk);
    ``partner_id`` is written into the record's source as ingest writes it."""
    converted = failed = 0
    head, tail = _COLLECTIONS.get(target, ("", ""))
    if head:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + head + "\n")
    for path in paths:
        file_format = None if source in ("auto", "oai", "marcxml", "oai_dc", "mods") else source
        seen = 0
        for result in read_file(path, format=file_format, encoding=encoding):
            seen += 1
            if result.deleted:
                continue
            if result.record is None:
                failed += 1
                err.write(f"{path}: {result.describe()}\n")
                continue
            if not result.identifier:
                err.write(f"{path}: record {result.position}: warning: no identifier; the hub keys it by a digest "
                          "of its content (a corrected record becomes a new one)\n")
            publishable(result, level_for, partner_id)
            try:
                text = render(result.record, target)
            except (ValueError, KeyError, TypeError) as exc:  # a record no writer can express
                failed += 1
                err.write(f"{path}: record {result.position}: cannot write {target}: {exc}\n")
                continue
            out.write(text + "\n")
            converted += 1
        if not seen:
            err.write(f"{path}: no records (an empty OAI-PMH response or collection)\n")
    if tail:
        out.write(tail + "\n")
    return converted, failed


def publishable(result, level_for: LevelFor | None, partner_id: str | None) -> None:  # type: ignore[no-untyped-def]
    """Give a read record what the store gives it before publishing: its partner and level."""
    if partner_id:
        result.record.source.partner = partner_id
    if level_for is not None:
        result.record.access = level_for(list(result.sets or []), list(result.record.rights))


def partner_levels(partner_id: str) -> LevelFor:
    """A configured partner's rules (``PartnerConfig.access_for``), read from the configured store."""
    from harvester.partners import load_partner
    from kazneb.config import Settings, load_settings
    from repository.store import Store

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
