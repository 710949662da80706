"""The engine a store runs on: SQLite's pragmas, write transactions and JSON as stored.

SQLite needs settings of its own for a hub's load (WAL, big pages, a busy timeout, writers
taking the lock up front); PostgreSQL takes the defaults.  The engine also writes JSON
columns with Kazakh and Russian as letters, and passes JSON already serialised through.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event

from repository import pagecache

#: Execution option marking a write transaction (``Store.session``): on SQLite it begins with
#: ``BEGIN IMMEDIATE``, and only writers trim the page cache.
WRITE_OPTION = "kazneb_write_transaction"


def make_engine(url: str, cache_trim_mb: int = 256, sqlite_foreign_keys: bool = False,
                mmap_mb: int = 1024) -> Engine:
    """An engine for ``url``.  SQLite gets WAL and a busy timeout; its writers let the OS drop
    the file's cached pages every ``cache_trim_mb`` of growth (0: never; see
    :mod:`repository.pagecache`), and it enforces foreign keys only when asked (see
    :mod:`repository.integrity` for why, and for the check that runs instead).  Up to
    ``mmap_mb`` of the file is read through a memory map: the provider's list pages are then
    read, not copied; every page read so counts in the process's RSS."""
    from sqlalchemy import create_engine

    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, json_serializer=json_column_text)
        _trim_cache_behind_writers(engine, cache_trim_mb)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
            cursor = dbapi_connection.cursor()
            # A new file gets 32 KiB pages (a no-op once created): renderings of 2-4 KB spill out
            # of 4 KiB pages and leave slack in each; bigger pages pack them (bench/store_bench.py:
            # 15.9 KB a record with 4 KiB pages, 17.4 with 8 KiB, 14.3 with 16 KiB, 13.3 with 32 KiB).
            cursor.execute("PRAGMA page_size=32768")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA foreign_keys={'ON' if sqlite_foreign_keys else 'OFF'}")
            cursor.execute(f"PRAGMA mmap_size={int(mmap_mb) << 20}")
            cursor.execute("PRAGMA cache_size=-65536")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
            # Writers take the write lock up front: a deferred transaction that reads and then
            # writes fails at once with "database is locked" when another process wrote in
            # between, whatever the busy timeout.  Readers stay deferred and never block writers.
            immediate = conn.get_execution_options().get(WRITE_OPTION)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=json_column_text)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A Core connection in one write transaction, committed on success, rolled back on error.

    What :meth:`repository.store.Store.session` is to the ORM: on SQLite it takes the write lock
    at ``BEGIN``, so a transaction that reads before it writes cannot fail at its first write
    because another process wrote in between (``engine.begin()`` would)."""
    with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn, conn.begin():
        yield conn


def _trim_cache_behind_writers(engine: Engine, every_mb: int) -> None:
    path = engine.url.database
    if every_mb <= 0 or not path or path == ":memory:" or not pagecache.supported():
        return
    trim = pagecache.CacheTrimmer(path, every=every_mb * pagecache.MB, keep=every_mb * pagecache.MB // 4)

    @event.listens_for(engine, "commit")
    def _trim_on_commit(conn) -> None:  # type: ignore[no-untyped-def]
        if conn.get_execution_options().get(WRITE_OPTION):  # readers never trim: they may serve
            trim()


def json_column_text(value: Any) -> str:
    """JSON with Kazakh and Russian kept as letters, not six-byte escapes.

    :class:`JsonText` (already serialised, e.g. the text a content hash was taken of)
    is passed through as it is.
    """
    if isinstance(value, JsonText):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


class JsonText(str):
    """A JSON document already serialised; engines from :func:`make_engine` store it as is."""


