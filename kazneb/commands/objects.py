"""``kazneb objects`` and ``kazneb events``: the depository's copies, its catalogue and its log."""

from __future__ import annotations

import sys

import click
from sqlalchemy import func, select

from crosswalks.model import ACCESS_LEVELS
from kazneb.commands.context import open_store, pass_settings, when
from kazneb.commands.depository import BY_HELP, open_depository, refused, today, who
from kazneb.config import Settings
from objects import events
from objects.errors import DepositRefused
from objects.models import DigitalObject, ObjectFile, ObjectVersion
from repository.models import HubRecord

#: Said of a copy whose record its partner deleted (to operators only: the public tombstone is silent).
RECORD_DELETED = "record deleted at partner"


@click.group("objects")
def objects_group() -> None:
    """Deposited copies: list them, show one, change a copy's level, withdraw or reinstate it,
    rebuild the catalogue from the storage root."""


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
            gone = f"  ({RECORD_DELETED})" if _record_deleted(session, row.local_id) else ""
            click.echo(f"{row.id}  {row.partner_id}  {store.oai_identifier(row.local_id)}  {state}  v{row.head}  "
                       f"{files} file(s)  {pages} page(s)  {when(row.updated_at)}{gone}")
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
        click.echo(f"object {row.id}: partner {row.partner_id}, record {store.oai_identifier(row.local_id)}"
                   f"{' (' + RECORD_DELETED + ')' if _record_deleted(session, row.local_id) else ''}, "
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


def _record_deleted(session, local_id: str) -> bool:  # type: ignore[no-untyped-def]
    return bool(session.execute(select(HubRecord.deleted).where(HubRecord.local_id == local_id)).scalar())


@objects_group.command("set-access")
@click.argument("object_id", metavar="OBJECT")
@click.argument("level", type=click.Choice(ACCESS_LEVELS))
@click.option("--by", help=BY_HELP)
@pass_settings
def objects_set_access_command(settings: Settings, object_id: str, level: str, by: str | None) -> None:
    """Give a copy another level, one its partner's agreement in force offers.  Its record takes the
    most open level of its live copies everywhere at once (OAI-PMH, sets, search, its page); logged."""
    from objects.copy_state import set_access

    _echo_change(lambda store, depository: set_access(store, depository, object_id, level, who(by), today()),
                 settings)


@objects_group.command("withdraw")
@click.argument("object_id", metavar="OBJECT")
@click.option("--reason", required=True, help="Why (a takedown notice, a rights holder's request...): logged.")
@click.option("--by", help=BY_HELP)
@pass_settings
def objects_withdraw_command(settings: Settings, object_id: str, reason: str, by: str | None) -> None:
    """Stop all delivery of a copy at once (a takedown); it stays in depository storage.  Its record
    falls back to its other live copies' level, or to its own level or its partner's rules; logged."""
    from objects.copy_state import withdraw

    _echo_change(lambda store, depository: withdraw(store, depository, object_id, reason, who(by)), settings)


@objects_group.command("reinstate")
@click.argument("object_id", metavar="OBJECT")
@click.option("--by", help=BY_HELP)
@pass_settings
def objects_reinstate_command(settings: Settings, object_id: str, by: str | None) -> None:
    """Deliver a withdrawn copy again, at its level (its record follows it again); logged."""
    from objects.copy_state import reinstate

    _echo_change(lambda store, depository: reinstate(store, depository, object_id, who(by)), settings)


def _echo_change(change, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """Run one change of a copy's state and say what it changed; a refusal exits with status 1.
    The search index follows the record's new level at once where it is configured to."""
    from kazneb.commands.follow import update_search_index

    store = open_store(settings)
    try:
        result = change(store, open_depository(settings))
    except DepositRefused as exc:
        raise refused(exc) from exc
    for line in result.lines():
        click.echo(line)
    update_search_index(settings, store, click.echo)


@objects_group.command("rebuild")
@pass_settings
def objects_rebuild_command(settings: Settings) -> None:
    """Empty the catalogue of copies and agreements and rebuild it from the storage root alone
    (its OCFL objects and its event log)."""
    from objects.rebuild import rebuild

    store = open_store(settings)
    report = rebuild(store, open_depository(settings))
    click.echo(f"rebuilt from {report.events} log entries: {report.objects} object(s), {report.versions} "
               f"version(s), {report.agreements} agreement(s)")
    for version in report.unlogged:
        click.echo(f"  warning: {version} is stored but not in the event log; catalogued from its own metadata")
    for record in report.republished:
        click.echo(f"  record {store.oai_identifier(record.local_id)} published again at {record.after} "
                   f"(was {record.before}{', with a copy link' if record.copy_level else ', no live copy'})")


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
