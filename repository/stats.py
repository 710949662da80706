"""Counts of the stored records, for ``kazneb stats``: what an operator checks after a load."""

from __future__ import annotations

from sqlalchemy import func, select

from repository.models import HubRecord, SourceRecord
from repository.store import Store

#: (title, column counted by, table): hub records by partner, level and deleted flag; sources by format.
BREAKDOWNS = (
    ("partner", HubRecord.partner_id, HubRecord),
    ("access", HubRecord.access, HubRecord),
    ("deleted", HubRecord.deleted, HubRecord),
    ("source format", SourceRecord.metadata_prefix, SourceRecord),
)


def record_counts(store: Store) -> tuple[list[tuple[str, list[tuple[object, int]]]], int]:
    """((title, [(value, count), ...]) for each of :data:`BREAKDOWNS`, total hub records), read in one snapshot."""
    with store.reading() as session:
        breakdowns = [(title, [(value, count) for value, count in session.execute(
                          select(column, func.count()).select_from(model).group_by(column).order_by(column))])
                      for title, column, model in BREAKDOWNS]
        total = session.scalar(select(func.count()).select_from(HubRecord)) or 0
    return breakdowns, total
