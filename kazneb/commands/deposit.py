"""``kazneb deposit``: a partner's electronic copy (loose files, one bag, or a delivery of bags)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crosswalks.model import ACCESS_LEVELS
from kazneb.commands.context import open_store, pass_settings
from kazneb.commands.depository import BY_HELP, open_depository, refused, who
from kazneb.commands.follow import update_search_index
from kazneb.config import Settings
from objects.errors import DepositRefused
from objects.rights import COPYRIGHT_STATUSES
from repository.store import Store

if TYPE_CHECKING:
    from objects.deposit import DepositRequest, IncomingFile, Receipt
    from objects.quality import QualityThresholds
    from objects.storage import Depository


@click.command("deposit")
@click.option("--partner", "partner_id", help="The depositing partner (from the bag's bag-info with --bag/--bags).")
@click.option("--record", help="The record the copy belongs to: the hub's OAI identifier, the partner's own "
              "identifier, or an ISBN of one of its records.")
@click.option("--object", "object_id", help="Deposit a corrected copy as a new version of this object.")
@click.option("--access", type=click.Choice(ACCESS_LEVELS), help="The copy's access level (with --object: "
              "default the object's).")
@click.option("--consent", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The rights holder's signed consent (required).")
@click.option("--rights-holder", help="The author or rights holder who consented.")
@click.option("--copyright", "copyright_status", type=click.Choice(COPYRIGHT_STATUSES), default="not-evaluated",
              show_default=True, help="Copyright status of the work.")
@click.option("--licence", help="The licence's URI (with --copyright in-copyright-licensed).")
@click.option("--by", help=BY_HELP)
@click.option("--bag", type=click.Path(exists=True, path_type=Path), help="A KazNEB BagIt bag (folder or zip).")
@click.option("--bags", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A delivery: every bag (folder or zip) in this folder, each on its own.")
@click.argument("files", nargs=-1, type=click.Path(exists=True, path_type=Path))
@pass_settings
def deposit_command(settings: Settings, partner_id: str | None, record: str | None, object_id: str | None,
                    access: str | None, consent: Path | None, rights_holder: str | None, copyright_status: str,
                    licence: str | None, by: str | None, bag: Path | None, bags: Path | None,
                    files: tuple[Path, ...]) -> None:
    """Deposit an electronic copy (PDF, TIFF, JPEG) of a partner's record, with the rights holder's consent.

    Every file is opened and every digest recomputed before anything is stored; the receipt
    lists each file's SHA-512, its pages and the quality warnings.  Pages of several files are
    in the natural order of their names.  The record takes the copy's level and links to it
    (OAI-PMH, search, its page).  Exit status 1 when the deposit (or any bag) is refused."""
    from objects.deposit import DepositRequest, IncomingFile, deposit
    from objects.quality import QualityThresholds

    store, depository = open_store(settings), open_depository(settings)
    thresholds = QualityThresholds.from_settings(settings)
    if bag or bags:
        status = _deposit_bags(settings, store, depository, thresholds, [bag] if bag else _bags_in(bags),
                               partner_id)
        update_search_index(settings, store, click.echo)
        sys.exit(status)
    if not partner_id or not files:
        raise click.UsageError("give --partner and the copy's FILES (or --bag / --bags)")
    request = DepositRequest(
        partner_id=partner_id, files=_incoming(files), consent=IncomingFile(consent.name, consent) if consent else None,
        access=access, record=record, object_id=object_id, rights_holder=rights_holder, copyright=copyright_status,
        licence=licence, by=who(by))
    try:
        receipt = deposit(store, depository, request, thresholds)
    except DepositRefused as exc:
        raise refused(exc) from exc
    for line in receipt.lines():
        click.echo(line)
    update_search_index(settings, store, click.echo)


def _incoming(paths: tuple[Path, ...]) -> list[IncomingFile]:
    """The given files (a folder stands for the files in it), in the natural order of their names."""
    from objects.content import natural_order
    from objects.deposit import IncomingFile

    found: dict[str, Path] = {}
    for path in paths:
        for file in (sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
                     if path.is_dir() else [path]):
            found.setdefault(file.name, file)
    return [IncomingFile(name, found[name]) for name in natural_order(found)]


def _bags_in(folder: Path | None) -> list[Path]:
    from objects.bags import bags_in

    return bags_in(folder) if folder else []


def _deposit_bags(settings: Settings, store: Store, depository: Depository, thresholds: QualityThresholds,
                  paths: list[Path], partner_id: str | None) -> int:
    """One line per bag; the exit status is 1 if any bag was refused.  With ``--partner``, a bag
    of another partner is refused (a delivery is one partner's)."""
    from objects.bags import opened_bag
    from objects.deposit import deposit

    limit = int(settings["objects.max_unzipped_mb"]) << 20
    failures = 0
    if not paths:
        click.echo("no bags found", err=True)
        return 1
    for path in paths:
        try:
            # Not under staging/work: recovery, which every deposit runs first, sweeps that folder.
            with opened_bag(path, depository.staging / "bags", limit) as opened:
                if partner_id and opened.partner != partner_id:
                    raise DepositRefused(path.name, f"is partner {opened.partner}'s (KazNEB-Partner), "
                                         f"not {partner_id}'s")
                receipt = deposit(store, depository, _bag_request(opened), thresholds)
            click.echo(f"{path.name}: {_summary(receipt)}")
        except DepositRefused as exc:
            failures += 1
            click.echo(f"{path.name}: refused: {str(exc).removeprefix(path.name + ': ')}")
    return 1 if failures else 0


def _bag_request(opened) -> DepositRequest:  # type: ignore[no-untyped-def]
    from objects.deposit import DepositRequest, IncomingFile

    return DepositRequest(
        partner_id=opened.partner, files=[IncomingFile(f.name, f.path, f.digests) for f in opened.files],
        consent=IncomingFile(opened.consent.name.rsplit("/", 1)[-1], opened.consent.path, opened.consent.digests),
        access=opened.access, record=opened.record, rights_holder=opened.rights_holder, copyright=opened.copyright,
        licence=opened.licence, by=opened.deposited_by or who(None), source=f"bag {opened.source.name}")


def _summary(receipt: Receipt) -> str:
    pages = sum(f.get("pages") or 0 for f in receipt.files)
    text = (f"object {receipt.object_id} version {receipt.version}, {len(receipt.files)} file(s), {pages} page(s), "
            f"{receipt.access}")
    if receipt.unchanged:
        text += ", already deposited (nothing changed)"
    return text + (f", {len(receipt.warnings)} warning(s): " + "; ".join(receipt.warnings) if receipt.warnings else "")
