"""The scheduler: harvests partners when their schedule says so, and resumes crashed runs.

Several schedulers may run at once (on one host or many): the database lock in
:mod:`harvester.locks` makes sure each partner is harvested by one of them at a time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select

from harvester.errors import HarvestError
from harvester.locks import PartnerBusy
from harvester.models import HarvestRun
from harvester.partners import PartnerConfig, all_partners, next_due
from harvester.run import harvest_partner
from repository.store import Store

log = logging.getLogger(__name__)


def due_partners(store: Store, now: datetime | None = None) -> list[PartnerConfig]:
    """Enabled partners whose next harvest time has come, or that have an unfinished run."""
    now = now or datetime.now(UTC)
    due = []
    with store.session() as session:
        for partner in all_partners(session):
            if not partner.enabled or not partner.base_url:
                continue
            last_start = session.scalar(select(func.max(HarvestRun.started_at)).where(
                HarvestRun.partner_id == partner.id, HarvestRun.kind != "files"))
            unfinished = session.scalar(select(func.count()).select_from(HarvestRun).where(
                HarvestRun.partner_id == partner.id, HarvestRun.status == "running"))
            held = session.scalar(select(func.count()).select_from(HarvestRun).where(
                HarvestRun.partner_id == partner.id, HarvestRun.status == "held"))
            if held:
                continue
            if last_start is None or unfinished:
                due.append(partner)
                continue
            last = datetime.fromtimestamp(last_start, UTC)
            if next_due(partner.schedule, last) <= now:
                due.append(partner)
    return due


def run_due(store: Store) -> list[str]:
    """One pass: harvest every due partner not locked by someone else; the ids harvested."""
    harvested = []
    for partner in due_partners(store):
        try:
            harvest_partner(store, partner)
            harvested.append(partner.id)
        except PartnerBusy as exc:
            log.info("%s", exc)
        except HarvestError as exc:
            log.error("partner %s: %s", partner.id, exc)
        except Exception:  # noqa: BLE001 - one partner's crash must not stop the scheduler
            log.exception("partner %s: harvest crashed", partner.id)
    return harvested


def run_forever(store: Store, interval: float = 60.0, after_pass: Callable[[], object] | None = None) -> None:
    """Harvest due partners every ``interval`` seconds; ``after_pass`` runs after each pass."""
    while True:
        if run_due(store) and after_pass:
            after_pass()
        time.sleep(interval)
