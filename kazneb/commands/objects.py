"""``kazneb objects`` and ``kazneb events``: the depository's copies, its catalogue and its log."""

from __future__ import annotations

import sys

import click
from sqlalchemy import func, select

from kazneb.commands.context import open_store, pass_settings, when
from kazneb.commands.depository import open_depository
from kazneb.config import Settings
from objects import events
from objects.models import DigitalObject, ObjectFile, ObjectVersion


@click.group("objects")
def objects_group() -> None:
    """Deposited copies: list them, show one, rebuild the catalogue from the storage root."""


@objects_group.command("list")
@click.option("--partner", "partner_id", help="Only this partner's copies.")
@pass_settings
def objects_list_command(settings: Settings, partner_id: str | None) -> None:
    """One line per copy: object, record, level, version, files, pages, last change."""
    store = open_store(settings)
    with store.reading() as session:
        query = select(DigitalObject).order_by(DigitalObject.partner_id, DigitalObject.created_at, DigitalObject.id)
        if partner_id:
            query = query.where(DigitalObject.partner_id == partner_id)
        rows = list(session.execute(query).scalars())
        for row in rows:
            files, pages = session.execute(select(func.count(), func.coalesce(func.sum(ObjectFile.pages), 0)).where(
                ObjectFile.object_id == row.id, ObjectFile.version == row.head, ObjectFile.role == "payload")).one()
            state = f"withdrawn ({row.withdrawn_reason})" if row.withdrawn else row.access
            click.echo(f"{row.id}  {row.partner_id}  {store.oai_identifier(row.local_id)}  {state}  v{row.head}  "
                       f"{files} file(s)  {pages} page(s)  {when(row.updated_at)}")
    if not rows:
        click.echo("no deposited copies" + (f" of partner {partner_id}" if partner_id else ""))


@objects_group.command("show")
@click.argument("object_id")
@pass_settings
def objects_show_command(settings: Settings, object_id: str) -> None:
    """Every version of one copy, with its files, digests, pages and quality warnings."""
    store = open_store(settings)
    with store.reading() as session:
        row = session.get(DigitalObject, object_id)
        if row is None:
            raise click.ClickException(f"no object {object_id}")
        click.echo(f"object {row.id}: partner {row.partner_id}, record {store.oai_identifier(row.local_id)}, "
                   f"{'withdrawn: ' + str(row.withdrawn_reason) if row.withdrawn else row.access}, "
                   f"rights holder {row.rights_holder or '-'}, copyright {row.copyright}")
        versions = session.execute(select(ObjectVersion).where(ObjectVersion.object_id == object_id)
                                   .order_by(ObjectVersion.version)).scalars()
        for version in versions:
            click.echo(f"v{version.version}  {when(version.created_at)}  by {version.deposited_by}  "
                       f"consent {version.consent_name}")
            files = session.execute(select(ObjectFile).where(
                ObjectFile.object_id == object_id, ObjectFile.version == version.version)
                .order_by(ObjectFile.role, ObjectFile.position, ObjectFile.logical_path)).scalars()
            for file in files:
                click.echo(f"  {file.role:<8} {file.logical_path}  {file.media_type or '-'}  "
                           f"{file.pages or '-'} pages  {file.size} bytes  sha512:{file.sha512}")
            for finding in (version.quality or {}).get("findings", []):
                click.echo(f"  {finding.get('severity', 'warning')}: {finding.get('message')}")


@objects_group.command("rebuild")
@pass_settings
def objects_rebuild_command(settings: Settings) -> None:
    """Empty the catalogue of copies and agreements and rebuild it from the storage root alone
    (its OCFL objects and its event log)."""
    from objects.rebuild import rebuild

    report = rebuild(open_store(settings), open_depository(settings))
    click.echo(f"rebuilt from {report.events} log entries: {report.objects} object(s), {report.versions} "
               f"version(s), {report.agreements} agreement(s)")
    for version in report.unlogged:
        click.echo(f"  warning: {version} is stored but not in the event log; catalogued from its own metadata")


@objects_group.command("validate")
@pass_settings
def objects_validate_command(settings: Settings) -> None:
    """Validate the whole storage root with ocfl-py's validator (every digest re-read); exit 1 on
    an error.  Warnings are printed too."""
    errors, warnings = open_depository(settings).validate()
    for line in errors + warnings:
        click.echo(line, err=True)
    click.echo(f"{len(errors)} error(s), {len(warnings)} warning(s)")
    if errors:
        sys.exit(1)


@objects_group.command("recover")
@pass_settings
def objects_recover_command(settings: Settings) -> None:
    """Finish or discard writes a killed deposit left (every deposit does this first)."""
    from objects.recovery import recover

    lines = recover(open_store(settings), open_depository(settings))
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} interrupted write(s) settled")


@click.group("events")
def events_group() -> None:
    """The depository's append-only, hash-chained event log."""


@events_group.command("verify")
@pass_settings
def events_verify_command(settings: Settings) -> None:
    """Check that no entry of the log was changed or removed; exit 1 if one was."""
    from objects.catalogue import remembered_head

    store, depository = open_store(settings), open_depository(settings)
    with store.reading() as session:
        anchor = remembered_head(session)
    problems = events.verify(depository.root, anchor)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    click.echo(f"{events.head(depository.root).seq} entries, chain intact")


@events_group.command("list")
@click.option("--kind", help="Only events of this kind (deposit, refused, set-access, withdraw, fixity-failure...).")
@click.option("--last", type=click.IntRange(1), default=50, show_default=True, help="How many of the latest.")
@pass_settings
def events_list_command(settings: Settings, kind: str | None, last: int) -> None:
    """The latest events, oldest first, as JSON lines."""
    import json

    entries = [e for e in events.read(open_depository(settings).root) if not kind or e.get("kind") == kind]
    for entry in entries[-last:]:
        click.echo(json.dumps({k: v for k, v in entry.items() if k not in ("prev", "hash")}, ensure_ascii=False))
