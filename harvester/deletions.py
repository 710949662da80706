"""Deletions of a run: held back until the list is complete, then applied — or held for an operator.

A partner that suddenly returns nothing, or would delete more than a share of its records,
must not wipe the collection: such a run is *held* until ``kazneb harvest confirm RUN``.
"""

from __future__ import annotations

import time

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from harvester.models import HarvestRun, PendingDeletion
from harvester.partners import PartnerConfig
from repository.models import SourceRecord
from repository.store import Store

DELETE_BATCH = 500


def hold_reason(partner: PartnerConfig, run: HarvestRun, pending: int, live: int) -> str | None:
    """Why this run must wait for an operator, or None."""
    if run.kind == "full" and run.seen == 0 and live > 0:
        return f"full harvest returned no records although the hub holds {live} of this partner's records"
    if pending >= max(partner.mass_delete_min, 1) and pending > partner.mass_delete_share * live:
        return (f"would delete {pending} of {live} records (more than "
                f"{partner.mass_delete_share:.0%}); confirm with `kazneb harvest confirm {run.id}`")
    return None


def newly_deleted(session: Session, run: HarvestRun) -> int:
    """How many of the partner's live records the run's pending deletions would remove.

    A partner that keeps deletions persistently lists its old tombstones in every full
    harvest; they, and deletions of records the hub never had, remove nothing and must
    not count towards the mass-deletion guard (they once made it say "40 of 18")."""
    return session.scalar(select(func.count()).select_from(PendingDeletion).join(
        SourceRecord, (SourceRecord.partner_id == run.partner_id)
        & (SourceRecord.source_key == PendingDeletion.source_key)).where(
        PendingDeletion.run_id == run.id, SourceRecord.deleted.is_(False))) or 0


def held_runs(session: Session) -> dict[str, int]:
    """Partner id → its held run (a held partner is not harvested until an operator decides)."""
    rows = session.execute(select(HarvestRun.partner_id, func.min(HarvestRun.id))
                           .where(HarvestRun.status == "held").group_by(HarvestRun.partner_id))
    return dict(rows.all())


def apply_deletions(store: Store, run_id: int) -> HarvestRun:
    """Turn the run's pending deletions into tombstones, in batches, then mark it succeeded."""
    while True:
        with store.session() as session:
            run = session.get(HarvestRun, run_id)
            keys = session.scalars(select(PendingDeletion.source_key).where(PendingDeletion.run_id == run_id)
                                   .limit(DELETE_BATCH)).all()
            if not keys:
                run.status, run.phase, run.finished_at = "succeeded", "done", int(time.time())
                return run
            run.deleted += store.delete_records(session, run.partner_id, list(keys)).count("deleted")
            session.execute(delete(PendingDeletion).where(PendingDeletion.run_id == run_id,
                                                          PendingDeletion.source_key.in_(keys)))


def reject_deletions(store: Store, run_id: int) -> HarvestRun:
    """Discard a held run's deletions; the records it stored stay."""
    with store.session() as session:
        run = session.get(HarvestRun, run_id)
        session.execute(delete(PendingDeletion).where(PendingDeletion.run_id == run_id))
        run.status, run.phase, run.finished_at = "rejected", "done", int(time.time())
        return run


def insert_ignore(session: Session, model: type, rows: list[dict]) -> None:
    """Insert rows, skipping ones whose primary key exists (SQLite and PostgreSQL)."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(model).on_conflict_do_nothing(), rows)
