"""The scheduler: harvests partners when their schedule says so, and resumes crashed runs.

Several schedulers may run at once (on one host or many): the database lock in
:mod:`harvester.locks` makes sure each partner is harvested by one of them at a time.
Each pass says what it did: a line when a partner's harvest starts, one per finished run
(status and counts), one per failure, and a summary that names held partners too, since
a held partner is not harvested until an operator confirms or rejects its run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select

from harvester.deletions import held_runs
from harvester.errors import HarvestError
from harvester.locks import PartnerBusy
from harvester.models import HarvestRun
from harvester.partners import PartnerConfig, all_partners, next_due
from harvester.progress import summary_line
from harvester.run import harvest_partner
from repository.store import Store

Say = Callable[[str], object]


@dataclass
class PassReport:
    """What one pass did: finished runs, failures, partners busy elsewhere, held partners."""

    runs: list[HarvestRun] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    busy: list[str] = field(default_factory=list)
    held: dict[str, int] = field(default_factory=dict)

    @property
    def harvested(self) -> list[str]:
        """Partners whose harvest ran to the end (whatever its runs' status)."""
        return list(dict.fromkeys(run.partner_id for run in self.runs))

    @property
    def ok(self) -> bool:
        return not self.failed and all(run.status in ("succeeded", "held") for run in self.runs)

    def summary(self) -> str:
        """One line: every partner this pass touched or skipped, and why."""
        parts = [f"{run.partner_id}{'/' + run.set_spec if run.set_spec else ''} {run.status}" for run in self.runs]
        parts += [f"{pid} failed" for pid in self.failed]
        parts += [f"{pid} busy (harvested by another process)" for pid in self.busy]
        parts += [f"{pid} held (run {run_id}: kazneb harvest confirm|reject {run_id})"
                  for pid, run_id in self.held.items() if pid not in self.harvested]
        return "scheduler pass: " + ("; ".join(parts) if parts else "nothing due")


def due_partners(store: Store, now: datetime | None = None) -> list[PartnerConfig]:
    """Enabled partners whose next harvest time has come, or that have an unfinished run
    (held partners and partners that deliver files only are never due)."""
    now = now or datetime.now(UTC)
    due = []
    with store.session() as session:
        held = held_runs(session)
        for partner in all_partners(session):
            if not partner.enabled or not partner.base_url or partner.id in held:
                continue
            last_start = session.scalar(select(func.max(HarvestRun.started_at)).where(
                HarvestRun.partner_id == partner.id, HarvestRun.kind != "files"))
            unfinished = session.scalar(select(func.count()).select_from(HarvestRun).where(
                HarvestRun.partner_id == partner.id, HarvestRun.status == "running"))
            if last_start is None or unfinished:
                due.append(partner)
                continue
            last = datetime.fromtimestamp(last_start, UTC)
            if next_due(partner.schedule, last) <= now:
                due.append(partner)
    return due


def held_partners(store: Store) -> dict[str, int]:
    """Enabled partners held for an operator, with their held run."""
    with store.session() as session:
        held = held_runs(session)
        return {p.id: held[p.id] for p in all_partners(session) if p.enabled and p.id in held}


def run_due(store: Store, say: Say = lambda line: None) -> PassReport:
    """One pass: harvest every due partner not locked by someone else, saying what happens."""
    report = PassReport()
    for partner in due_partners(store):
        say(f"harvest of {partner.id} started")
        try:
            runs = harvest_partner(store, partner)
        except PartnerBusy:
            report.busy.append(partner.id)
            say(f"harvest of {partner.id} skipped: another process is harvesting it")
            continue
        except HarvestError as exc:
            report.failed[partner.id] = str(exc)
            say(f"harvest of {partner.id} failed: {exc}")
            continue
        except Exception as exc:  # noqa: BLE001 - one partner's crash must not stop the scheduler
            report.failed[partner.id] = f"{type(exc).__name__}: {exc}"
            say(f"harvest of {partner.id} crashed: {type(exc).__name__}: {exc}")
            continue
        for run in runs:
            report.runs.append(run)
            say(summary_line(run) + (f" ({run.message})" if run.status == "held" else ""))
    report.held = held_partners(store)
    return report


def run_forever(store: Store, interval: float = 60.0, after_pass: Callable[[], object] | None = None,
                say: Say = lambda line: None, each_pass: Callable[[], object] | None = None) -> None:
    """Harvest due partners every ``interval`` seconds; ``after_pass`` runs after a pass that
    harvested, ``each_pass`` after every pass (the command's other duties, such as the rolling
    fixity audit, which the harvester knows nothing of).  The summary is said when a pass did
    something or the held partners changed."""
    held: dict[str, int] = {}
    while True:
        report = run_due(store, say)
        if report.runs or report.failed or report.held != held:
            say(report.summary())
        held = report.held
        if report.runs and after_pass:
            after_pass()
        if each_pass:
            each_pass()
        time.sleep(interval)
