"""What the harvest commands report on: each partner's last run, and whether a run is held."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from harvester.models import HarvestRun
from harvester.partners import PartnerConfig, all_partners


def last_runs(session: Session) -> list[tuple[PartnerConfig, HarvestRun | None]]:
    """Every partner with its latest run (None: never harvested), in partner order."""
    return [(partner, session.scalars(select(HarvestRun).where(HarvestRun.partner_id == partner.id)
                                      .order_by(HarvestRun.id.desc()).limit(1)).first())
            for partner in all_partners(session)]


def is_held(session: Session, run_id: int) -> bool:
    """True if run ``run_id`` exists and waits for an operator to confirm or reject its deletions."""
    run = session.get(HarvestRun, run_id)
    return run is not None and run.status == "held"


def harvestable(partners: list[PartnerConfig]) -> list[PartnerConfig]:
    """What ``--all`` harvests: enabled partners with an OAI-PMH endpoint (not files-only ones)."""
    return [p for p in partners if p.enabled and p.base_url]
