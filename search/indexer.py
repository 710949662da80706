"""Keeps the index in step with the store by following its change log.

The store appends (seq, hub record id) to ``record_changes`` in the same transaction as every
write, deletion and access change.  :func:`sync` reads the log after the index's position in
batches, loads the current state of those records, indexes or deletes them, and commits the
batch together with its last seq.  A crash between two commits replays at most one batch
(indexing is by id, so replaying is harmless); nothing is skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from search.document import build_document
from search.engine import SearchEngine

log = logging.getLogger(__name__)
BATCH = 1000


@dataclass
class SyncReport:
    """What one :func:`sync` did."""

    indexed: int = 0
    deleted: int = 0
    position: int = 0


def sync(store, engine: SearchEngine, batch: int = BATCH,  # type: ignore[no-untyped-def]
         progress: Callable[[int], None] | None = None) -> SyncReport:
    """Apply every change logged after the engine's position; ``progress(n)`` per batch."""
    report = SyncReport(position=engine.position())
    while changes := store.changes_since(report.position, batch):
        ids = list(dict.fromkeys(record_id for _, record_id in changes))
        records = store.load_hub_records(ids)
        found = {record.id for record in records}
        for missing in sorted(set(ids) - found):
            log.warning("change log names hub record %s, which the store no longer has", missing)
        live = [r for r in records if not r.deleted]
        gone = [r.local_id for r in records if r.deleted]
        engine.index(build_document(r) for r in live)
        engine.delete(gone)
        report.position = changes[-1][0]
        engine.commit(report.position)
        report.indexed += len(live)
        report.deleted += len(gone)
        if progress:
            progress(len(changes))
    return report


def sync_settings(settings, store=None) -> SyncReport:  # type: ignore[no-untyped-def]
    """Bring the configured index up to date: one call for the end of a harvest or an import."""
    from repository.store import Store
    from search.factory import engine_from_settings

    store = store or Store.from_settings(settings)
    engine = engine_from_settings(settings, store)
    try:
        return sync(store, engine)
    finally:
        getattr(engine, "close", lambda: None)()


def rebuild(store, engine: SearchEngine,  # type: ignore[no-untyped-def]
            progress: Callable[[int], None] | None = None) -> tuple[str, SyncReport]:
    """Replay the whole change log into a new index beside the live one, then swap the alias."""
    fresh = engine.begin_rebuild()
    report = sync(store, fresh, progress=progress)
    return fresh.finish_rebuild(), report


def pending_changes(store, after: int) -> int:  # type: ignore[no-untyped-def]
    """How many change-log entries come after ``after``."""
    from repository.models import RecordChange

    with store.reading() as session:
        return session.scalar(select(func.count()).select_from(RecordChange).where(RecordChange.seq > after))


def published_count(store) -> int:  # type: ignore[no-untyped-def]
    """Hub records that are not deleted: what the index should hold."""
    from repository.models import HubRecord

    with store.reading() as session:
        return session.scalar(select(func.count()).select_from(HubRecord).where(HubRecord.deleted.is_(False)))


def last_seq(store) -> int:  # type: ignore[no-untyped-def]
    from repository.models import RecordChange

    with store.reading() as session:
        return session.scalar(select(func.max(RecordChange.seq))) or 0
