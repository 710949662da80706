"""Writing a record's matching keys beside it (``record_keys``).

The store calls these in the transaction that writes the record, so keys are never older than
the record they describe: consolidation reads them and never transliterates a record again.
A deleted record loses its keys (it must not match anything); its cluster is mended by the next
``kazneb cluster build``.  The blocks the keys put a record in are consolidation's index, kept
by its runs (``consolidation/blockindex.py``): a harvest pays for the keys alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Table, delete

from crosswalks.model import CanonicalRecord
from crosswalks.workkeys import KEYS_VERSION, WorkKeys, work_keys
from repository.digests import dumps
from repository.models import RecordKeys
from repository.rows import chunks, insert_rows

RECORD_KEYS: Table = RecordKeys.__table__  # type: ignore[assignment]


def write_keys(conn: Connection, records: Sequence[tuple[int, CanonicalRecord]], replacing: Sequence[int]) -> None:
    """Store the keys of ``records`` (hub record id, canonical record); the rows of the ids in
    ``replacing`` are removed first."""
    forget_keys(conn, replacing)
    insert_keys(conn, [(hub_id, work_keys(record)) for hub_id, record in records])


def insert_keys(conn: Connection, computed: Sequence[tuple[int, WorkKeys]]) -> None:
    """Insert computed keys (the records have none yet)."""
    insert_rows(conn, RECORD_KEYS, ("record_id", "version", "keys_json"),
                [(hub_id, KEYS_VERSION, dumps(keys.to_dict())) for hub_id, keys in computed])


def forget_keys(conn: Connection, hub_ids: Sequence[int]) -> None:
    """Remove the keys of these records."""
    for chunk in chunks(list(hub_ids), 500):
        conn.execute(delete(RECORD_KEYS).where(RECORD_KEYS.c.record_id.in_(chunk)))

