"""Reading the keys the store wrote, and computing those it has not (records stored before
keys existed, or under an older :data:`crosswalks.workkeys.KEYS_VERSION`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson
from sqlalchemy import Connection, select

from crosswalks.model import CanonicalRecord
from crosswalks.workkeys import KEYS_VERSION, WorkKeys
from repository.matchkeys import RECORD_KEYS, forget_keys, write_keys
from repository.models import HubRecord, SourceRecord
from repository.rows import chunks

HUBS = HubRecord.__table__
SOURCES = SourceRecord.__table__


def refresh_keys(conn: Connection, batch: int = 2000) -> list[int]:
    """Compute the keys of live records that have none or older ones; the ids of those records."""
    # Whether a record is live is its partner's word (the source record), not what its hub record
    # publishes: a cluster keeps publishing as a record whose partner deleted it.
    # Read from the source records alone: joining the hub records would read that whole table,
    # canonical records and all, at every build.
    stale = (select(SOURCES.c.hub_record_id)
             .select_from(SOURCES.outerjoin(RECORD_KEYS, RECORD_KEYS.c.record_id == SOURCES.c.hub_record_id))
             .where(SOURCES.c.deleted.is_(False),
                    RECORD_KEYS.c.version.is_(None) | (RECORD_KEYS.c.version != KEYS_VERSION)))
    ids = list(conn.execute(stale).scalars())
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        rows = conn.execute(select(HUBS.c.id, HUBS.c.canonical).where(HUBS.c.id.in_(chunk)))
        records = [(hub_id, CanonicalRecord.from_dict(canonical)) for hub_id, canonical in rows]
        forget_keys(conn, chunk)
        write_keys(conn, records, replacing=[])
    return ids


def load_keys(conn: Connection, ids: Iterable[int] | None = None) -> dict[int, WorkKeys]:
    """Keys by hub record id: of every record that has keys, or of ``ids``.  Values records have in
    common are held once (:meth:`WorkKeys.from_dict`)."""
    if ids is None:
        return dict(all_keys(conn))
    query = select(RECORD_KEYS.c.record_id, RECORD_KEYS.c.keys_json)
    shared: dict = {}  # type: ignore[type-arg]
    found: dict[int, WorkKeys] = {}
    for chunk in chunks(sorted(set(ids)), 2000):
        for hub_id, text in conn.execute(query.where(RECORD_KEYS.c.record_id.in_(chunk))).all():
            found[hub_id] = WorkKeys.from_dict(orjson.loads(text), shared)
    return found


def all_keys(conn: Connection) -> Iterator[tuple[int, WorkKeys]]:
    """Every stored record's keys, read a batch at a time (values in common held once)."""
    shared: dict = {}  # type: ignore[type-arg]
    rows = conn.execute(select(RECORD_KEYS.c.record_id, RECORD_KEYS.c.keys_json).execution_options(yield_per=10000))
    for hub_id, text in rows:
        yield hub_id, WorkKeys.from_dict(orjson.loads(text), shared)

