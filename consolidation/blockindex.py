"""The block index (``record_blocks``): which records share a block, and what blocking reads of
each (:class:`consolidation.blocking.Pairing`).

It is consolidation's index, not record data, so the clustering runs keep it and the store does
not: a harvest writes each record's keys alone (``repository/matchkeys.py``), and every run
first indexes the records the change log says were written since the run before.  Writing the
blocks with each record cost a harvest three to five rows in two b-trees a record, half of what
matching keys cost it; a run indexes only what changed.

Each row carries the record's pairing, so placing ten thousand new records reads the blocks of
the four hundred thousand records they share one with, and never those records' keys.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from itertools import groupby, islice
from operator import itemgetter

from sqlalchemy import (
    Column,
    CompoundSelect,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    case,
    delete,
    func,
    or_,
    select,
    union,
)

from consolidation.blocking import Pairing, pairing
from consolidation.keystore import all_keys
from consolidation.models import RecordBlock
from crosswalks.workkeys import WorkKeys, blocks
from repository.rows import chunks, insert_json_rows, insert_rows, json_rows

RECORD_BLOCKS: Table = RecordBlock.__table__  # type: ignore[assignment]

_COLUMNS = ("block", "record_id", "serial", "edition", "volume", "year", "languages")
#: The index by record (migration 0015), which :func:`forget` searches.
_BY_RECORD = "ix_record_blocks_record_id"
#: Where :func:`load` stages the index's rows: the same columns, no key, no index.
_STAGED = Table("staged_blocks", MetaData(), *(Column(column.name, column.type) for column in RECORD_BLOCKS.columns),
                prefixes=["TEMPORARY"])


def refresh_index(conn: Connection, changed: Collection[int], keys: Mapping[int, WorkKeys]) -> int:
    """An incremental run's indexing: the ``changed`` records indexed again (those written since the
    last run, and those whose keys were computed since), or every record when the index is empty
    (a store that has just been migrated).  How many records were indexed.  ``keys``: stored keys
    the caller has read already (parsing them is a third of the work), of at least the changed
    records that have keys."""
    if is_empty(conn):
        return rebuild(conn, all_keys(conn))
    return reindex(conn, changed, keys)


def reindex(conn: Connection, changed: Collection[int], keys: Mapping[int, WorkKeys]) -> int:
    """The ``changed`` records' rows replaced by those their ``keys`` give (none for a record
    without keys: deleted); how many records were indexed."""
    forget(conn, changed)
    return index_records(conn, ((hub_id, keys[hub_id]) for hub_id in changed if hub_id in keys))


def rebuild(conn: Connection, keyed: Iterable[tuple[int, WorkKeys]]) -> int:
    """Index every record anew (how many), as a bulk load: :func:`staged_batches` into :func:`load`."""
    count = 0

    def documents() -> Iterator[bytes]:
        nonlocal count
        for records, document in staged_batches(keyed):
            count += records
            yield document
    load(conn, documents())
    return count


def staged_batches(keyed: Iterable[tuple[int, WorkKeys]], groups: dict[str, list[int]] | None = None,
                   batch: int = 5000) -> Iterator[tuple[int, bytes]]:
    """Every record's index rows, ``batch`` records at a time: how many records, and their rows as
    one JSON document (:func:`repository.rows.json_rows`), which :func:`load` hands to the
    database whole.  ``groups``: filled with each block's record ids meanwhile, as
    :func:`consolidation.blocking.group_by_block` gives them."""
    iterator = iter(keyed)
    while chunk := list(islice(iterator, batch)):
        rows = [row for hub_id, keys in chunk for row in block_rows(hub_id, keys)]
        if groups is not None:
            for name, hub_id, *_ in rows:
                groups.setdefault(name, []).append(hub_id)
        yield len(chunk), json_rows(rows)


def load(conn: Connection, documents: Iterator[bytes]) -> None:
    """The index emptied and built again from :func:`staged_batches`' documents: staged in a temporary
    table as they come, then put into the index in its own order and the index by record built
    after them (one sort).  Inserted as the records come, each of a million records' 3.6 million
    rows would land in a random place of two b-trees; staged, they go in sorted.

    Database work alone, with Python's lock released: a first full run calls it in a thread, fed
    from the run's own thread (``consolidation.build``).  It reads ``documents`` to their end even
    when it fails, so the thread that feeds it never waits on it."""
    try:
        conn.execute(delete(RECORD_BLOCKS))
        _STAGED.create(conn)
        for document in documents:
            insert_json_rows(conn, _STAGED, _COLUMNS, document)
        conn.exec_driver_sql(f"DROP INDEX {_BY_RECORD}")
        staged = select(*(_STAGED.c[name] for name in _COLUMNS)).order_by(_STAGED.c.block, _STAGED.c.record_id)
        conn.execute(RECORD_BLOCKS.insert().from_select(_COLUMNS, staged))
        conn.exec_driver_sql(f"CREATE INDEX {_BY_RECORD} ON {RECORD_BLOCKS.name} (record_id)")
        _STAGED.drop(conn)
    finally:
        for _ in documents:
            pass


def index_records(conn: Connection, keyed: Iterable[tuple[int, WorkKeys]], batch: int = 5000) -> int:
    """Insert the block rows of records that have none; how many records."""
    iterator = iter(keyed)
    count = 0
    while chunk := list(islice(iterator, batch)):
        insert_rows(conn, RECORD_BLOCKS, _COLUMNS, [row for hub_id, keys in chunk for row in block_rows(hub_id, keys)])
        count += len(chunk)
    return count


def block_rows(hub_id: int, keys: WorkKeys) -> list[tuple]:  # type: ignore[type-arg]
    """The index's rows for one record: one a block, each with the record's pairing."""
    found = pairing(keys)
    return [(name, hub_id, found.serial, *_stored(found)) for name in blocks(keys)]


def _stored(found: Pairing) -> tuple[str, str | None, int | None, str]:
    """A pairing as the index's columns hold it (but ``serial``), the inverse of :func:`_add`'s reading."""
    return found.edition, found.volume, found.year, " ".join(found.languages)


def forget(conn: Connection, hub_ids: Iterable[int]) -> None:
    """Remove these records' rows."""
    for chunk in chunks(sorted(set(hub_ids)), 500):
        conn.execute(delete(RECORD_BLOCKS).where(RECORD_BLOCKS.c.record_id.in_(chunk)))


def stored_blocks(conn: Connection) -> Iterator[tuple[str, list[int]]]:
    """Every block with the ids of its records (sorted), a block at a time: read in the index's own
    order, never held whole (a million records have some 3.6 million rows)."""
    rows = conn.execute(select(RECORD_BLOCKS.c.block, RECORD_BLOCKS.c.record_id)
                        .order_by(RECORD_BLOCKS.c.block, RECORD_BLOCKS.c.record_id)
                        .execution_options(yield_per=20000))
    for name, members in groupby(rows, key=itemgetter(0)):
        yield name, [hub_id for _, hub_id in members]


def records_in_blocks(conn: Connection, names: Iterable[str], largest: int | None = None
                      ) -> tuple[dict[str, list[int]], dict[int, Pairing], dict[str, int]]:
    """For the blocks named: block name -> ids of every record in it, and those records' pairings.
    With ``largest``, blocks holding more records are left out and given with their sizes instead
    (third value): at a million records one can hold thousands."""
    groups: dict[str, list[int]] = {}
    pairings: dict[int, Pairing] = {}
    names = set(names)
    too_large = _sizes(conn, names, largest)[0] if largest is not None else {}
    table = RECORD_BLOCKS.c
    for chunk in chunks(sorted(names - too_large.keys()), 2000):
        _add(conn.execute(select(table.block, table.record_id, table.serial, table.edition, table.volume,
                                 table.year, table.languages).where(table.block.in_(chunk))).all(), groups, pairings)
    return groups, pairings, too_large


#: One row for each block of a record being placed, with what that record may pair with: the
#: temporary table :func:`neighbours` joins the index with.
_WANTED = Table("wanted_blocks", MetaData(), Column("block", String(300), index=True), Column("edition", Text),
                Column("volume", Text), Column("year", Integer), Column("languages", Text), prefixes=["TEMPORARY"])

#: Blocks of standard numbers are read whole: a set ISBN is told by its block's other volumes.
_IDENTIFIER_BLOCKS = ("i:", "s:", "o:")


def neighbours(conn: Connection, placing: Mapping[int, WorkKeys], largest: int
               ) -> tuple[dict[str, list[int]], dict[int, Pairing], dict[str, int]]:
    """:func:`records_in_blocks` for the records being placed, reading of their blocks only the rows
    :func:`consolidation.blocking.may_pair` may pair with one of them (the same edition, volume,
    and a year at most one apart, or another language), and whole the blocks that hold a serial
    (compared pair by pair) or a standard number.  At a million records, ten thousand new
    records share blocks with 576,000 rows, of which 73,000 are of pairs blocking makes: the
    others were another year, edition or volume of an author's work."""
    named = [(blocks(keys), _stored(pairing(keys))) for keys in placing.values()]
    too_large, whole = _sizes(conn, {name for names, _ in named for name in names}, largest)
    groups, pairings, _ = records_in_blocks(conn, whole)
    wanted = {(name, *condition) for names, condition in named for name in names
              if name not in too_large and name not in whole}
    _WANTED.create(conn)
    try:
        insert_rows(conn, _WANTED, ("block", "edition", "volume", "year", "languages"), sorted(wanted, key=str))
        _add(conn.execute(_NEAR_ROWS).all(), groups, pairings)
    finally:
        _WANTED.drop(conn)
    return groups, pairings, too_large


def _sizes(conn: Connection, names: Iterable[str], largest: int) -> tuple[dict[str, int], set[str]]:
    """Of the blocks named: those over ``largest`` records with their sizes, and the others to be
    read whole (see :func:`neighbours`)."""
    table = RECORD_BLOCKS.c
    too_large: dict[str, int] = {}
    whole: set[str] = set()
    for chunk in chunks(sorted(set(names)), 2000):
        query = (select(table.block, func.count(), func.max(case((table.serial, 1), else_=0)))
                 .where(table.block.in_(chunk)).group_by(table.block))
        for name, size, serial in conn.execute(query).all():
            if size > largest:
                too_large[name] = size
            elif serial or name.startswith(_IDENTIFIER_BLOCKS):
                whole.add(name)
    return too_large, whole


def _near_rows() -> CompoundSelect:
    """The index's rows a placed record may pair with, by what a wanted row says of it: the rows of
    its block alike in edition, volume and year, with those in another language.  Two joins from
    the wanted rows, each searching the index by block; not a test of every row of the blocks
    named (ten thousand new records at a million read their neighbours in 1.6-1.9 s instead of 1.9-2.8)."""
    b, w = RECORD_BLOCKS.c, _WANTED.c
    columns = (b.block, b.record_id, b.serial, b.edition, b.volume, b.year, b.languages)
    alike = (select(*columns)
             .join_from(_WANTED, RECORD_BLOCKS, and_(b.block == w.block, b.edition == w.edition,
                                                     b.volume.is_not_distinct_from(w.volume)))
             .where(or_(w.year.is_(None), b.year.is_(None), b.year.between(w.year - 1, w.year + 1))))
    translated = select(*columns).join_from(_WANTED, RECORD_BLOCKS, and_(b.block == w.block,
                                                                         b.languages != w.languages))
    return union(alike, translated)


_NEAR_ROWS = _near_rows()


def _add(rows: Iterable[tuple], groups: dict[str, list[int]], pairings: dict[int, Pairing]) -> None:  # type: ignore[type-arg]
    """Rows of the index (as :func:`records_in_blocks` selects them) into ``groups`` and ``pairings``."""
    for name, hub_id, serial, edition, volume, year, languages in rows:
        groups.setdefault(name, []).append(hub_id)
        if hub_id not in pairings:
            pairings[hub_id] = Pairing(bool(serial), edition, volume, year, tuple(languages.split()))


def is_empty(conn: Connection) -> bool:
    """Whether the index holds no row (never built, or emptied by a migration such as 0015)."""
    return conn.execute(select(RECORD_BLOCKS.c.record_id).limit(1)).first() is None

