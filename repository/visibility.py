"""When a write becomes visible: datestamps that follow commit order.

Aggregators harvest incrementally: each run asks for ``from=<the responseDate of the
last run>``.  That is only safe if, once a response says ``responseDate`` R, no record
stamped before R's second can still appear.  A datestamp taken when a transaction
starts breaks that: the transaction commits later, after a list that began in between
has ended without it, and the next harvest starts after its stamp.

The fix is a *commit fence*, one lock per store:

* A writer renders its records with a stamp S taken when it starts (so nothing heavy
  happens under the fence).  At commit it takes the fence exclusively, reads the clock
  again and, if the second has moved on, re-stamps its own rows to that second (the
  header's ``<datestamp>`` too); it then commits and only then releases the fence.
* A reader takes the fence shared, reads the clock (R) and releases it at once.  Every
  write stamped before R's second has committed by then; every write that commits
  later is stamped at or after R.  So ``from=R`` misses nothing.

Readers wait only for a writer's last step (re-stamp and commit: milliseconds), never
for its whole transaction.  The change log's sequence numbers are assigned inside the
same fenced step, so on PostgreSQL too they grow in commit order and an indexer that
reads ``seq > position`` skips nothing.

SQLite has one writer at a time; the fence is an ``flock`` on a file beside the
database (readers in other processes take it shared).  PostgreSQL has many writers; the
fence is an advisory lock, and the clock is the database's, so web and harvest workers
on several hosts agree on it.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text

#: The advisory lock's key on PostgreSQL ("KAZNEBFE" in ASCII, so it is recognisable in pg_locks).
ADVISORY_KEY = 0x4B415A4E45424645
_DB_CLOCK = "SELECT floor(extract(epoch FROM clock_timestamp()))::bigint"


class CommitFence:
    """The fence of one store: shared for readers asking "what is now", exclusive for commits."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._postgresql = engine.dialect.name == "postgresql"
        path = engine.url.database if engine.dialect.name == "sqlite" else None
        self._lock_file = Path(f"{path}-fence") if path and path != ":memory:" else None
        self._local = threading.Lock()  # for an in-memory database (one process only)

    def reader_now(self, conn: Connection | None = None) -> int:
        """The current second, once every write stamped before it has committed.

        On PostgreSQL it asks on ``conn`` (or a connection of its own) in a transaction of its
        own, which it ends: the caller's snapshot must start after it."""
        if self._postgresql:
            if conn is None:
                with self.engine.connect() as own:
                    return self.reader_now(own)
            conn.execute(text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": ADVISORY_KEY})
            now = conn.execute(text(_DB_CLOCK)).scalar_one()
            conn.rollback()
            return int(now)
        with self._flock(fcntl.LOCK_SH):
            return int(time.time())

    @contextmanager
    def sealing(self, conn: Connection, clock: Callable[[], int] | None = None) -> Iterator[int]:
        """Hold the fence exclusively around a writer's commit; yields the second to stamp with.

        The caller re-stamps its rows if the second differs from the one it rendered with,
        then commits inside the ``with`` block.  ``clock`` replaces the fence's own clock
        (tests that stamp records in the past).
        """
        if self._postgresql:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_KEY})
            yield clock() if clock else int(conn.execute(text(_DB_CLOCK)).scalar_one())
            return  # the transaction-level lock ends with the commit
        with self._flock(fcntl.LOCK_EX):
            yield clock() if clock else int(time.time())

    def writer_clock(self, conn: Connection) -> int:
        """The clock a writer stamps with when it starts (the fence's, unlocked)."""
        if self._postgresql:
            return int(conn.execute(text(_DB_CLOCK)).scalar_one())
        return int(time.time())

    @contextmanager
    def _flock(self, mode: int) -> Iterator[None]:
        if self._lock_file is None:
            with self._local:
                yield
            return
        # A descriptor of its own each time: flock locks belong to an open file, and two
        # threads sharing one would release each other's lock.
        fd = os.open(self._lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, mode)
            yield
        finally:
            os.close(fd)  # closing releases the lock
