"""``kazneb restore``: a partner's deposited copy given back as a BagIt bag, checked before it is handed over."""

from __future__ import annotations

from pathlib import Path

import click

from kazneb.commands.context import open_store, pass_settings
from kazneb.commands.depository import BY_HELP, open_depository, refused, who
from kazneb.config import Settings
from objects.errors import DepositRefused, StorageError


@click.command("restore")
@click.option("--partner", "partner_id", required=True, help="The partner whose copy it is (a partner restores "
              "only its own copies).")
@click.option("--object", "object_id", help="The object to restore (see kazneb objects list --partner).")
@click.option("--record", help="Or the record whose copy to restore: the hub's OAI identifier, the partner's own "
              "identifier, or an ISBN (refused when the record has several copies: give --object).")
@click.option("--version", type=click.IntRange(1), help="The version to restore (default: the latest).")
@click.option("--by", help=BY_HELP)
@click.argument("dest", type=click.Path(path_type=Path))
@pass_settings
def restore_command(settings: Settings, partner_id: str, object_id: str | None, record: str | None,
                    version: int | None, by: str | None, dest: Path) -> None:
    """Write a partner's deposited copy as a KazNEB BagIt bag in DEST, a folder that must not exist.

    The bag holds the version's files in page order and the rights holder's consent; it is
    validated in full and every file's SHA-512 compared with the one computed at deposit before
    it is moved to DEST, and it can be deposited again as it is.  Exit status 1 when the
    restore is refused or the stored copy fails that check (nothing is written then)."""
    from objects.bags import BagWriteError
    from objects.restore import RestoreRequest, restore

    if (object_id is None) == (record is None):
        raise click.UsageError("name the copy with --object or with --record (one of them)")
    store, depository = open_store(settings), open_depository(settings)
    request = RestoreRequest(partner_id=partner_id, dest=dest, object_id=object_id, record=record, version=version,
                             by=who(by))
    try:
        restored = restore(store, depository, request)
    except DepositRefused as exc:
        raise refused(exc) from exc
    except BagWriteError as exc:
        raise click.ClickException(f"not restored (nothing was written): {exc}") from exc
    except StorageError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in restored.lines():
        click.echo(line)
