"""A process beside a command that keeps the search index within seconds of the store.

Every process that writes records or serves the hub starts one: ``kazneb harvest``,
``ingest``, ``import``, ``scheduler``, ``serve`` and ``demo``.  Each round applies the
change log after the index's position (:func:`search.indexer.sync`), so a committed page
of a harvest is findable about ``interval`` seconds later, and records committed by a
run that was killed are indexed by the next process that starts a follower.

It is a child *process*, not a thread: indexing costs CPU about as much as harvesting, and
a thread would take it from the harvest (Python runs one thread at a time); a process
runs on the other core.  Measured with ``kazneb harvest`` of 20,000 records: 1,704
records/s with no follower, 898 with a follower thread.

The embedded index (tantivy) has one writer at a time: a follower takes the writer for a
round and lets it go, so followers of several processes take turns, and a round that
finds the writer taken is skipped (the holder is applying the same log).  With a search
server, rounds from several processes may overlap; indexing is by record id, so that is
harmless.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable

from search.engine import SearchError

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 1.0
#: Indexing yields the CPU to readers and to the writing it follows: a follower behind by a few
#: more seconds under full load is better than pages and OAI lists answering later.
NICENESS = 10
#: A fresh interpreter: forking a process that holds database connections would share them.
_CONTEXT = multiprocessing.get_context("spawn")


class Follower:
    """Follows the store's change log into the configured index, from a child process."""

    def __init__(self, settings, store, interval: float = DEFAULT_INTERVAL,  # type: ignore[no-untyped-def]
                 say: Callable[[str], None] = log.warning) -> None:
        self.settings = settings
        self.store = store
        self.interval = interval
        self.say = say
        self.last_error: str | None = None
        self._stop = _CONTEXT.Event()
        self._process = None

    def start(self) -> Follower:
        self._process = _CONTEXT.Process(target=_follow, args=(self.settings, self.interval, self._stop, self.say,
                                                               os.getpid()),
                                         name="kazneb-search-follower", daemon=True)
        self._process.start()
        return self

    def stop(self) -> None:
        """Stop after the round under way (the command's own last sync catches up the rest)."""
        self._stop.set()
        if self._process is not None:
            self._process.join(timeout=60)
            if self._process.is_alive():  # a round stuck on a search server: its batch is replayed later
                self._process.terminate()
                self._process.join()

    def __enter__(self) -> Follower:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def round(self) -> int:
        """One catch-up: records indexed or removed (0 when another process holds the writer)."""
        from search.indexer import sync_settings

        report = sync_settings(self.settings, self.store)  # closes the engine: others' followers may write
        return report.indexed + report.deleted

    def loop(self, stop, parent: int | None = None) -> None:  # type: ignore[no-untyped-def]
        """Rounds every ``interval`` seconds until ``stop`` is set, or until the process
        ``parent`` is gone (a command killed with SIGKILL cannot tell its follower to stop)."""
        while not stop.is_set() and (parent is None or os.getppid() == parent):
            try:
                self.round()
                self.last_error = None
            except SearchError as exc:
                self._note(str(exc))
            except Exception as exc:  # noqa: BLE001 - a search server's client raises its own errors
                self._note(f"{type(exc).__name__}: {exc}")
            stop.wait(self.interval)

    def _note(self, error: str) -> None:
        """Say a failure once, not every round; "locked by another writer" is not a failure."""
        if "locked by another writer" in error or error == self.last_error:
            return
        self.last_error = error
        self.say(f"search index not updated ({error}); the change log keeps the records and it will retry")


def _follow(settings, interval: float, stop, say: Callable[[str], None],  # type: ignore[no-untyped-def]
            parent: int) -> None:
    """The child process: its own store on the same database, rounds until told to stop or
    orphaned."""
    from repository.store import Store

    os.nice(NICENESS)
    store = Store.from_settings(settings)
    try:
        Follower(settings, store, interval, say).loop(stop, parent)
    finally:
        store.engine.dispose()
