"""Reading the keys the store wrote, and computing those it has not (records stored before
keys existed, or under an older :data:`crosswalks.workkeys.KEYS_VERSION`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson
from sqlalchemy import Connection, select

from crosswalks.model import CanonicalRecord
from crosswalks.workkeys import KEYS_VERSION, WorkKeys
from repository.matchkeys import RECORD_BLOCKS, RECORD_KEYS, forget_keys, write_keys
from repository.models import HubRecord, SourceRecord

HUBS = HubRecord.__table__
SOURCES = SourceRecord.__table__


def refresh_keys(conn: Connection, batch: int = 2000) -> int:
    """Compute the keys of live records that have none or older ones; how many were computed."""
    # Whether a record is live is its partner's word (the source record), not what its hub record
    # publishes: a cluster keeps publishing as a record whose partner deleted it.
    stale = (select(HUBS.c.id).join(SOURCES, SOURCES.c.hub_record_id == HUBS.c.id)
             .outerjoin(RECORD_KEYS, RECORD_KEYS.c.record_id == HUBS.c.id)
             .where(SOURCES.c.deleted.is_(False),
                    RECORD_KEYS.c.version.is_(None) | (RECORD_KEYS.c.version != KEYS_VERSION)))
    ids = list(conn.execute(stale).scalars())
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        rows = conn.execute(select(HUBS.c.id, HUBS.c.canonical).where(HUBS.c.id.in_(chunk)))
        records = [(hub_id, CanonicalRecord.from_dict(canonical)) for hub_id, canonical in rows]
        forget_keys(conn, chunk)
        write_keys(conn, records, replacing=[])
    return len(ids)


def load_keys(conn: Connection, ids: Iterable[int] | None = None) -> dict[int, WorkKeys]:
    """Keys by hub record id: of every record that has keys, or of ``ids``.  Values records have in
    common are held once (:meth:`WorkKeys.from_dict`)."""
    query = select(RECORD_KEYS.c.record_id, RECORD_KEYS.c.keys_json)
    shared: dict = {}  # type: ignore[type-arg]
    if ids is None:
        return {hub_id: WorkKeys.from_dict(orjson.loads(text), shared)
                for hub_id, text in conn.execute(query.execution_options(yield_per=10000))}
    found: dict[int, WorkKeys] = {}
    for chunk in _chunks(sorted(set(ids)), 500):
        for hub_id, text in conn.execute(query.where(RECORD_KEYS.c.record_id.in_(chunk))):
            found[hub_id] = WorkKeys.from_dict(orjson.loads(text), shared)
    return found


def records_in_blocks(conn: Connection, names: Iterable[str]) -> dict[str, list[int]]:
    """Block name -> ids of every record in it, for the blocks named."""
    groups: dict[str, list[int]] = {}
    for chunk in _chunks(sorted(set(names)), 500):
        rows = conn.execute(select(RECORD_BLOCKS.c.block, RECORD_BLOCKS.c.record_id)
                            .where(RECORD_BLOCKS.c.block.in_(chunk)))
        for name, hub_id in rows:
            groups.setdefault(name, []).append(hub_id)
    return groups


def _chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]
