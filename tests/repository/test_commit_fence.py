"""Datestamps follow commit order (repository/visibility.py), tested step by step."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from repository.models import HubRecord, RecordChange, RecordRendering, RecordSet
from repository.oai.xml import utc_datestamp
from repository.store import IncomingRecord, Store
from tests.oai_helpers import make_record


def write(store: Store, session, key: str) -> None:  # type: ignore[no-untyped-def]
    store.write_records(session, [IncomingRecord("p1", key, make_record(int(key[-1])))])


@pytest.fixture
def partner(store: Store) -> Store:
    with store.session() as session:
        store.upsert_partner(session, "p1")
    return store


def test_a_write_that_commits_in_a_later_second_is_stamped_with_that_second(partner: Store) -> None:
    store = partner
    seconds = iter([1_800_000_000, 1_800_000_003])
    store.clock = lambda: next(seconds)  # rendered in one second, sealed three seconds later
    with store.session() as session:
        write(store, session, "k1")
        store.delete_records(session, "p1", ["nothing"])  # one batch for the whole transaction
    with store.reading() as session:
        hub = session.scalars(select(HubRecord)).one()
        renderings = session.scalars(select(RecordRendering)).all()
        sets = session.scalars(select(RecordSet)).all()
        changes = session.scalars(select(RecordChange)).all()
    assert hub.datestamp == 1_800_000_003
    assert {r.datestamp for r in renderings} == {1_800_000_003} and len(renderings) == 3
    for rendering in renderings:  # the stored header says the same, and only the header changed
        header = bytes(rendering.record_xml)[:300].decode()
        assert f"<datestamp>{utc_datestamp(1_800_000_003)}</datestamp>" in header
        assert utc_datestamp(1_800_000_000) not in header
        assert rendering.header_length == bytes(rendering.record_xml).index(b"</header>") - 8 + len(b"</header>")
    assert sets and {s.datestamp for s in sets} == {1_800_000_003}
    assert [(c.record_id, c.changed_at) for c in changes] == [(hub.id, 1_800_000_003)]


def test_a_write_sealed_in_its_own_second_is_not_rewritten(partner: Store) -> None:
    store = partner
    store.clock = lambda: 1_800_000_000
    with store.session() as session:
        write(store, session, "k1")
    with store.reading() as session:
        assert session.scalar(select(HubRecord.datestamp)) == 1_800_000_000
        assert session.scalar(select(RecordChange.changed_at)) == 1_800_000_000


def test_a_rolled_back_write_leaves_no_change_log_entry(partner: Store) -> None:
    store = partner
    with pytest.raises(RuntimeError), store.session() as session:
        write(store, session, "k1")
        raise RuntimeError("the page failed")
    with store.session() as session:  # the next transaction starts a batch of its own
        write(store, session, "k2")
    with store.reading() as session:
        assert len(session.scalars(select(RecordChange)).all()) == 1
        assert session.scalars(select(HubRecord.local_id)).all() == ["p1:k2"]


def test_readers_wait_for_a_commit_in_progress_but_not_for_a_transaction(partner: Store) -> None:
    """The fence is held only around the commit: a reader asking for "now" waits for that,
    never for the writer's whole transaction."""
    store = partner
    store.clock = None
    with store.session() as session:
        write(store, session, "k1")
        started = time.monotonic()
        store.fence.reader_now()  # the transaction is open but not committing: no wait
        assert time.monotonic() - started < 1
    sealed, released = threading.Event(), threading.Event()
    waited: list[float] = []

    def reader() -> None:
        sealed.wait()
        started = time.monotonic()
        store.fence.reader_now()
        waited.append(time.monotonic() - started)

    thread = threading.Thread(target=reader)
    thread.start()
    with store.engine.connect() as conn, store.fence.sealing(conn):
        sealed.set()
        released.wait(0.5)
    thread.join()
    assert waited and waited[0] >= 0.4


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite: one writer at a time
def test_change_log_numbers_follow_commit_order_on_postgresql(partner: Store) -> None:
    """On PostgreSQL two writers run at once: the one that commits first gets the lower seq."""
    store = partner
    first_open, second_done = threading.Event(), threading.Event()

    def slow_writer() -> None:
        with store.session() as session:
            write(store, session, "k1")
            first_open.set()
            second_done.wait(30)

    thread = threading.Thread(target=slow_writer)
    thread.start()
    first_open.wait(30)
    with store.session() as session:
        write(store, session, "k2")
    second_done.set()
    thread.join()
    with store.reading() as session:
        order = session.execute(select(HubRecord.local_id).join(RecordChange, RecordChange.record_id == HubRecord.id)
                                .order_by(RecordChange.seq)).scalars().all()
    assert order == ["p1:k2", "p1:k1"]
