"""``kazneb agreement``: partners' cooperation agreements with the National Academic Library."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from kazneb.commands.context import open_store, pass_settings
from kazneb.commands.depository import BY_HELP, open_depository, refused, today, who
from kazneb.config import Settings
from objects.errors import DepositRefused

if TYPE_CHECKING:
    from objects.agreements import AgreementStatus


@click.group("agreement")
def agreement_group() -> None:
    """Cooperation agreements: five-year terms, renewed unless notice is given in the last three months."""


@agreement_group.command("add")
@click.option("--partner", "partner_id", required=True, help="The partner that signed.")
@click.option("--number", required=True, help="The agreement's number, as written on it.")
@click.option("--signed", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Date of signature (YYYY-MM-DD).")
@click.option("--levels", required=True, help="Access levels the partner offers its copies at: "
              "open,read-only,preview-24 (comma-separated).")
@click.option("--file", "scan", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The signed agreement's scan (PDF, TIFF or JPEG); kept in the depository.")
@click.option("--by", help=BY_HELP)
@pass_settings
def agreement_add_command(settings: Settings, partner_id: str, number: str, signed, levels: str,  # type: ignore[no-untyped-def]
                          scan: Path, by: str | None) -> None:
    """Record a partner's signed cooperation agreement; its scan goes into the depository."""
    from objects import agreements

    store, depository = open_store(settings), open_depository(settings)
    try:
        row = agreements.add(store, depository, partner_id, number, signed.date(), agreements.levels_of(levels),
                             scan, who(by), today())
    except DepositRefused as exc:
        raise refused(exc) from exc
    click.echo(f"agreement {row.id}: partner {row.partner_id}, number {row.number}, signed {row.signed}, "
               f"levels {', '.join(row.levels)}")


@agreement_group.command("list")
@pass_settings
def agreement_list_command(settings: Settings) -> None:
    """Each agreement: its state, current term, and the window for notice (flagged when it is open)."""
    from objects import agreements

    store = open_store(settings)
    with store.reading() as session:
        rows = agreements.statuses(session, today())
        if not rows:
            click.echo("no agreements on record (kazneb agreement add)")
        for status in rows:
            click.echo(_line(status))


def _line(status: AgreementStatus) -> str:
    row = status.agreement
    text = (f"{row.id}  partner {row.partner_id}  no. {row.number}  signed {row.signed}  {status.state}  "
            f"term {status.term.start}..{status.term.end}  levels {','.join(row.levels)}")
    if status.ends is not None:
        return text + f"  notice given {row.notice}: ends {status.ends}"
    text += f"  notice between {status.term.notice_from} and {status.term.end}"
    return text + ("  ** IN ITS LAST THREE MONTHS: renews on " + str(status.term.end) + " unless notice is given"
                   if status.notice_due else "")


@agreement_group.command("terminate")
@click.option("--partner", "partner_id", required=True, help="The partner whose agreement ends.")
@click.option("--notice", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Date the written notice was given (YYYY-MM-DD).")
@click.option("--by", help=BY_HELP)
@pass_settings
def agreement_terminate_command(settings: Settings, partner_id: str, notice, by: str | None) -> None:  # type: ignore[no-untyped-def]
    """Record a written notice: the agreement ends with its term, and then stops new deposits
    (copies already deposited stay in the depository)."""
    from objects import agreements

    store, depository = open_store(settings), open_depository(settings)
    try:
        status = agreements.terminate(store, depository, partner_id, notice.date(), who(by))
    except DepositRefused as exc:
        raise refused(exc) from exc
    click.echo(f"agreement {status.agreement.id} of partner {partner_id}: notice of {notice.date()} recorded; "
               f"it ends on {status.ends}" + (" (already ended)" if status.ends and status.ends <= today() else ""))


