"""Counts of the stored records, for ``kazneb stats``: what an operator checks after a load."""

from __future__ import annotations

from typing import Any

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


#: (title, [(value, count), ...]): one breakdown, values in order.
Breakdown = tuple[str, list[tuple[Any, int]]]


def record_counts(store: Store) -> tuple[list[Breakdown], int]:
    """(one :data:`Breakdown` for each of :data:`BREAKDOWNS`, total hub records), read in one snapshot."""
    breakdowns: list[Breakdown] = []
    with store.reading() as session:
        for title, column, model in BREAKDOWNS:
            rows = session.execute(select(column, func.count()).select_from(model).group_by(column).order_by(column))
            breakdowns.append((title, [(value, count) for value, count in rows]))
        total = session.scalar(select(func.count()).select_from(HubRecord)) or 0
    return breakdowns, total
