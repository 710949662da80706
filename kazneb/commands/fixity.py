"""``kazneb fixity``: re-hash stored files now (``audit``) and see what the audits found (``status``);
and the rolling audit step ``kazneb scheduler`` runs after each pass."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import click

from kazneb.commands.context import open_store, pass_settings
from kazneb.commands.depository import open_depository
from kazneb.config import Settings

if TYPE_CHECKING:
    from objects.fixity_targets import Target
    from objects.storage import Depository
    from repository.store import Store

DAY = 86400


@click.group("fixity")
def fixity_group() -> None:
    """Fixity of the deposited copies: re-hash stored files, see coverage and failures."""


@fixity_group.command("audit")
@click.option("--sample", type=click.IntRange(1), metavar="N",
              help="Only N files drawn at random (among those --max-age chooses, if given).")
@click.option("--max-age", "max_age", type=click.FloatRange(min=0), metavar="DAYS",
              help="Only files never checked or last checked more than DAYS days ago.")
@click.option("--failing", is_flag=True, help="Only files whose last check failed (after restoring them from the "
              "backup of the storage root).")
@click.option("--mb-per-second", "mb_per_second", type=click.FloatRange(min=0), metavar="MB",
              help="Read no faster than this many MB (10^6 bytes) per second; 0: full speed "
                   "[default: fixity.mb_per_second].")
@pass_settings
def fixity_audit_command(settings: Settings, sample: int | None, max_age: float | None, failing: bool,
                         mb_per_second: float | None) -> None:
    """Re-hash stored files (every one by default) and compare each with the SHA-512 recorded when
    it came in.

    Files an object's OCFL inventory lists but the catalogue lacks are catalogued first. Each
    failure (a changed, missing or unreadable file) is printed as it is found, with the object,
    the file and the digests, and written to the event log; nothing is repaired. Exit status 1 if
    any file failed."""
    from objects.fixity import MB, audit
    from objects.fixity_targets import catalogue_unlisted

    store, depository = open_store(settings), open_depository(settings)
    unlisted = catalogue_unlisted(store, depository)
    for target in unlisted:
        click.echo(f"catalogued {target.urn} {target.content_path}: in the inventory, not in the catalogue")
    targets, kind = _chosen(store, sample, max_age, failing)
    rate = float(settings["fixity.mb_per_second"] if mb_per_second is None else mb_per_second) * MB
    report = audit(store, depository, targets, kind, rate, lambda line: click.echo(line, err=True), len(unlisted))
    click.echo(report.summary())
    if not report.ok:
        click.echo("Nothing was repaired: restore these files from the backup of the storage root "
                   "(docs/operators/fixity.md).", err=True)
        sys.exit(1)


def _chosen(store: Store, sample: int | None, max_age: float | None, failing: bool) -> tuple[Iterable[Target], str]:
    """The files the options choose, and the kind of run the log records."""
    from objects import fixity_targets
    from objects.fixity import FAILED

    if failing:
        if sample is not None or max_age is not None:
            raise click.UsageError("--failing checks every failing file: give it alone")
        return fixity_targets.failing(store, FAILED), "failing"
    moment = int(time.time() - max_age * DAY) if max_age is not None else None
    age = f"max-age {max_age:g} days" if max_age is not None else ""
    if sample is not None:
        return fixity_targets.random_sample(store, sample, moment), f"sample {sample}" + (f" of {age}" if age else "")
    if moment is not None:
        return fixity_targets.checked_before(store, moment), age
    return fixity_targets.every_file(store), "all"


@fixity_group.command("status")
@pass_settings
def fixity_status_command(settings: Settings) -> None:
    """Stored files and bytes, how many were checked within fixity.max_age_days, the oldest check,
    files never checked, every failure (now, and ever, from the event log), the last runs, and
    whether fixity.mb_per_second is fast enough to read every byte within the maximum age (if
    not, by how much). Exit status 1 if a file is failing or was not checked within the maximum
    age."""
    from objects.fixity_rolling import FixityPolicy
    from objects.fixity_status import fixity_status

    status = fixity_status(open_store(settings), open_depository(settings), FixityPolicy.from_settings(settings))
    for line in status.lines():
        click.echo(line)
    sys.exit(0 if status.ok else 1)


def rolling_audit_step(settings: Settings, store: Store, say: Callable[[str], object]) -> bool:
    """The scheduler's fixity step: a run of the rolling audit when one is due (nothing when no
    copy was ever deposited); False when it found a failure or could not run."""
    from objects.fixity_rolling import FixityPolicy, rolling_audit

    try:
        depository = _existing_depository(settings)
        if depository is None:
            return True
        report = rolling_audit(store, depository, FixityPolicy.from_settings(settings), say)
    except Exception as exc:  # noqa: BLE001 - the scheduler harvests on; the failure is said and counted
        say(f"fixity audit crashed: {type(exc).__name__}: {exc}")
        return False
    if report is not None:
        say(report.summary())
    return report is None or report.ok


def _existing_depository(settings: Settings) -> Depository | None:
    """The storage root, if one was made (the scheduler never creates one)."""
    from objects.errors import StorageError
    from objects.storage import Depository

    try:
        depository = Depository.from_settings(settings)
    except StorageError:
        return None  # no objects.root on PostgreSQL: nothing can have been deposited
    if not (depository.root / "0=ocfl_1.1").exists():
        return None
    return depository.open()
