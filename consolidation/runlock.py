"""One clustering at a time: several schedulers (or an operator's ``kazneb cluster build`` beside
a scheduler) may reach for the clusters together, and two runs that both rewrite the members of
the same records, or two publishings of them, would each undo half of the other.

A clustering run and a publishing each hold the lock for their one transaction.  On SQLite that
is the store's one write lock (the transaction begins ``IMMEDIATE``); on PostgreSQL, where writers
run side by side, it is a transaction-scoped advisory lock.  Either is waited for, so a run that
waited reads the clusters the other left and places only what is still to place.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text

from repository.engine import write_transaction

#: The advisory lock's key on PostgreSQL ("KAZNEBCL" in ASCII, recognisable in pg_locks).
ADVISORY_KEY = 0x4B415A4E4542434C


def hold(conn: Connection) -> None:
    """Take the clustering lock for the rest of ``conn``'s write transaction (waiting for it)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_KEY})


@contextmanager
def clustering_transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction holding the clustering lock, committed on success."""
    with write_transaction(engine) as conn:
        hold(conn)
        yield conn
