"""The block index (``consolidation/blockindex.py``): kept by the clustering runs, not the store,
and always what ``blocks()`` and ``pairing()`` say of the stored keys when a run has read it.

Written through the store as a harvest writes, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consolidation.blockindex import RECORD_BLOCKS, block_rows, records_in_blocks
from consolidation.blocking import pairing
from consolidation.build import full_run, incremental_run
from consolidation.keystore import load_keys
from crosswalks.workkeys import blocks
from repository.store import IncomingRecord, Store
from tests.consolidation.labelled import synthetic_collection
from tests.consolidation.records import ABAI_KK, ABAI_LATIN, book, delete, write


def index_of(store: Store) -> set[tuple]:  # type: ignore[type-arg]
    """The index's rows as the set of (block, record id)."""
    with store.engine.connect() as conn:
        return {(name, hub_id) for name, hub_id in conn.execute(select(RECORD_BLOCKS.c.block,
                                                                       RECORD_BLOCKS.c.record_id))}


def expected_index(store: Store) -> set[tuple]:  # type: ignore[type-arg]
    """What the index must hold: every stored record's blocks, computed from its stored keys."""
    with store.engine.connect() as conn:
        return {(name, hub_id) for hub_id, keys in load_keys(conn).items() for name in blocks(keys)}


def clustered_collection(store: Store, count: int, seed: int) -> None:
    """``count`` synthetic records of every kind written as a harvest writes them, then clustered."""
    from repository.store import IncomingRecord

    with store.session() as session:
        store.upsert_partner(session, "lib", names={"en": "lib"})
        store.write_records(session, [IncomingRecord("lib", f"r{i}", record, raw="<raw/>", metadata_prefix="marcxml")
                                      for i, record in enumerate(synthetic_collection(count, seed))])
    full_run(store.engine)


def test_the_store_writes_keys_and_leaves_the_index_to_the_runs(store: Store) -> None:
    write(store, "lib-a", "kk-1", book(**ABAI_KK))
    write(store, "lib-b", "lat-1", book(**ABAI_LATIN))
    assert index_of(store) == set()
    report = incremental_run(store.engine)  # the first run is a full one: it builds the index
    assert report.indexed == 2
    assert index_of(store) == expected_index(store) != set()


def test_a_run_indexes_what_was_written_changed_or_deleted_since_the_last_one(store: Store) -> None:
    write(store, "lib-a", "kk-1", book(**ABAI_KK))
    write(store, "lib-b", "lat-1", book(**ABAI_LATIN))
    write(store, "lib-a", "other", book("Қан мен тер", "Нұрпейісов, Әбдіжәміл", "Жазушы", 1976, "kaz"))
    full_run(store.engine)
    before = index_of(store)
    write(store, "lib-a", "other", book("Ақ кеме", "Айтматов, Шыңғыс", "Жалын", 1980, "kaz"))  # re-catalogued
    delete(store, "lib-b", "lat-1")
    write(store, "lib-c", "new", book("Абай жолы", "Әуезов, Мұхтар", "Жазушы", 1990, "kaz"))
    assert index_of(store) == before  # nothing indexed between runs
    report = incremental_run(store.engine)
    assert report.indexed == 2  # the changed and the new record; the deleted one only loses its rows
    after = index_of(store)
    assert after == expected_index(store)
    assert not any(name.startswith("t:kan men ter") for name, _ in after)
    assert any(name.startswith("t:ak keme") for name, _ in after)


def test_a_full_run_after_earlier_runs_indexes_only_the_changes(store: Store) -> None:
    write(store, "lib-a", "kk-1", book(**ABAI_KK))
    full_run(store.engine)
    write(store, "lib-b", "lat-1", book(**ABAI_LATIN))
    report = full_run(store.engine)
    assert report.indexed == 1
    assert index_of(store) == expected_index(store)
    assert report.clusters == 1 and report.clustered_records == 2


def test_an_emptied_index_is_built_whole_at_the_next_run(store: Store) -> None:
    """As after migration 0015, which makes the table again empty."""
    write(store, "lib-a", "kk-1", book(**ABAI_KK))
    full_run(store.engine)
    with store.engine.begin() as conn:
        conn.execute(RECORD_BLOCKS.delete())
    write(store, "lib-b", "lat-1", book(**ABAI_LATIN))
    report = incremental_run(store.engine)
    assert report.indexed == 2
    assert index_of(store) == expected_index(store)
    assert report.clustered_records == 2


def test_a_first_run_clustering_while_the_index_loads_decides_as_a_run_reading_the_index(store: Store) -> None:
    """A first run groups the blocks as it stages them and clusters while a thread loads the index; a later
    full run reads the blocks from that index.  Both find the same pairs, links and clusters,
    and the index the thread loaded is the one the keys give."""
    from consolidation.build import LINKS, MEMBERS

    def outcome() -> tuple[set[tuple], set[frozenset[int]]]:  # type: ignore[type-arg]
        with store.engine.connect() as conn:
            links = set(conn.execute(select(LINKS.c.a_id, LINKS.c.b_id, LINKS.c.outcome)).all())
            groups: dict[int, set[int]] = {}
            for hub_id, cluster_id in conn.execute(select(MEMBERS.c.record_id, MEMBERS.c.cluster_id)):
                groups.setdefault(cluster_id, set()).add(hub_id)
        return links, {frozenset(ids) for ids in groups.values()}

    clustered_collection(store, 400, seed=7)
    first = outcome()
    assert index_of(store) == expected_index(store)
    report = full_run(store.engine)
    assert report.indexed == 0  # the index was up to date: this run read it
    assert outcome() == first
    assert len(first[1]) > 10 and any(len(ids) > 2 for ids in first[1])


def test_a_first_run_whose_index_load_fails_says_why_changes_nothing_and_never_hangs(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The loading thread fails (here: the database refuses the second batch of rows) while the run's
    own thread still has more batches than the queue holds: the run ends with that error, within a
    minute, and its transaction leaves the index and the clusters as they were (none)."""
    import functools
    import threading

    import consolidation.blockindex as blockindex
    import consolidation.build as build
    from consolidation.build import MEMBERS

    with store.session() as session:
        store.upsert_partner(session, "lib", names={"en": "lib"})
        store.write_records(session, [IncomingRecord("lib", f"r{i}", record, raw="<raw/>", metadata_prefix="marcxml")
                                      for i, record in enumerate(synthetic_collection(60, 5))])
    inserted, insert = [], blockindex.insert_json_rows

    def refusing(*args: object) -> None:
        inserted.append(args)
        if len(inserted) == 2:
            raise RuntimeError("database or disk is full")
        insert(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(blockindex, "insert_json_rows", refusing)
    monkeypatch.setattr(build, "staged_batches", functools.partial(blockindex.staged_batches, batch=1))
    failures: list[BaseException] = []

    def run() -> None:
        try:
            full_run(store.engine)
        except BaseException as error:  # noqa: BLE001 - what the run raised is the test's subject
            failures.append(error)
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the run hung"
    assert len(failures) == 1 and "database or disk is full" in str(failures[0])
    assert len(inserted) == 2  # the thread stopped inserting at the failure, and read the rest through
    assert index_of(store) == set()
    with store.engine.connect() as conn:
        assert conn.execute(select(MEMBERS.c.record_id)).first() is None


def test_the_pairing_read_from_the_index_is_the_one_computed_from_the_keys(store: Store) -> None:
    """Incremental runs read their neighbours' pairing from the index instead of their keys: both
    must agree for every kind of record (serials, volumes, editions, several languages, none)."""
    clustered_collection(store, 400, seed=3)
    with store.engine.connect() as conn:
        keys = load_keys(conn)
        names = {name for k in keys.values() for name in blocks(k)}
        groups, pairings, _ = records_in_blocks(conn, names)
    assert set(pairings) == set(keys)
    assert {hub_id: pairing(k) for hub_id, k in keys.items()} == pairings
    assert any(p.serial for p in pairings.values()) and any(p.volume for p in pairings.values())
    assert any(len(p.languages) > 1 for p in pairings.values()) or any(not p.languages for p in pairings.values())
    assert {(name, hub_id) for name, ids in groups.items() for hub_id in ids} == {
        row[:2] for hub_id, k in keys.items() for row in block_rows(hub_id, k)}


def test_placing_reads_only_rows_blocking_may_pair_and_finds_the_same_candidates(store: Store) -> None:
    """:func:`neighbours` leaves out rows of another edition, volume or year: the candidates of the
    records being placed must be exactly those every row of their blocks gives."""
    from consolidation.blockindex import neighbours
    from consolidation.blocking import MAX_BLOCK, candidates

    clustered_collection(store, 600, seed=11)
    with store.engine.begin() as conn:
        keys = load_keys(conn)
        placing = {hub_id: keys[hub_id] for hub_id in sorted(keys)[::5]}
        groups, pairings, too_large = neighbours(conn, placing, MAX_BLOCK)
        every, all_pairings, _ = records_in_blocks(conn, {n for k in placing.values() for n in blocks(k)}, MAX_BLOCK)
    new = set(placing)
    read = sum(len(ids) for ids in groups.values())
    assert read < sum(len(ids) for ids in every.values())  # rows were left out...
    found = candidates(groups.items(), pairings, new)
    expected = candidates(every.items(), all_pairings, new)
    assert found.pairs == expected.pairs and found.pairs  # ...and no pair with them
    assert found.set_isbns == expected.set_isbns
