"""Reading the keys the store wrote, and computing those it has not (records stored before
keys existed, or under an older :data:`crosswalks.workkeys.KEYS_VERSION`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter

import orjson
from sqlalchemy import Connection, func, select

from consolidation.blocking import Pairing, stored_pairing
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


def load_pairings(conn: Connection, ids: Iterable[int]) -> dict[int, Pairing]:
    """What blocking reads of these records' keys (:func:`consolidation.blocking.stored_pairing`),
    without making their keys."""
    query = select(RECORD_KEYS.c.record_id, RECORD_KEYS.c.keys_json)
    found: dict[int, Pairing] = {}
    for chunk in _chunks(sorted(set(ids)), 5000):
        for hub_id, text in conn.execute(query.where(RECORD_KEYS.c.record_id.in_(chunk))):
            found[hub_id] = stored_pairing(orjson.loads(text))
    return found


def stored_blocks(conn: Connection) -> Iterator[tuple[str, list[int]]]:
    """Every block with the ids of its records (sorted), a block at a time: ``record_blocks`` read
    in its own order, never held whole (a million records have some 3.6 million rows there)."""
    rows = conn.execute(select(RECORD_BLOCKS.c.block, RECORD_BLOCKS.c.record_id)
                        .order_by(RECORD_BLOCKS.c.block, RECORD_BLOCKS.c.record_id)
                        .execution_options(yield_per=20000))
    for name, members in groupby(rows, key=itemgetter(0)):
        yield name, [hub_id for _, hub_id in members]


def records_in_blocks(conn: Connection, names: Iterable[str], largest: int | None = None
                      ) -> tuple[dict[str, list[int]], dict[str, int]]:
    """Block name -> ids of every record in it, for the blocks named; with ``largest``, the blocks
    holding more records are left out, and given with their sizes instead (second value): at a
    million records one can hold thousands."""
    groups: dict[str, list[int]] = {}
    too_large: dict[str, int] = {}
    for chunk in _chunks(sorted(set(names)), 500):
        if largest is not None:
            for name, size in conn.execute(select(RECORD_BLOCKS.c.block, func.count())
                                           .where(RECORD_BLOCKS.c.block.in_(chunk))
                                           .group_by(RECORD_BLOCKS.c.block).having(func.count() > largest)):
                too_large[name] = size
            chunk = [name for name in chunk if name not in too_large]
        for name, hub_id in conn.execute(select(RECORD_BLOCKS.c.block, RECORD_BLOCKS.c.record_id)
                                         .where(RECORD_BLOCKS.c.block.in_(chunk))):
            groups.setdefault(name, []).append(hub_id)
    return groups, too_large


def _chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]
