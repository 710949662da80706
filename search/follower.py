"""A background thread that keeps the search index within seconds of the store.

Every process that writes records or serves the hub runs one: ``kazneb harvest``,
``ingest``, ``import``, ``scheduler``, ``serve`` and ``demo``.  Each round applies the
change log after the index's position (:func:`search.indexer.sync`), so a committed page
of a harvest is findable about ``interval`` seconds later, and records committed by a
run that was killed are indexed by the next process that starts a follower.

The embedded index (tantivy) has one writer at a time: a follower takes the writer for a
round and lets it go, so followers in several processes take turns, and a round that
finds the writer taken is skipped (the holder is applying the same log).  With a search
server, rounds from several processes may overlap; indexing is by record id, so that is
harmless.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from search.engine import SearchError

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 1.0


class Follower:
    """Follows the store's change log into the configured index from a daemon thread."""

    def __init__(self, settings, store, interval: float = DEFAULT_INTERVAL,  # type: ignore[no-untyped-def]
                 say: Callable[[str], None] = log.info) -> None:
        self.settings = settings
        self.store = store
        self.interval = interval
        self.say = say
        self.indexed = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Follower:
        self._thread = threading.Thread(target=self._run, name="kazneb-search-follower", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop after the round under way (the caller's own last sync catches up the rest)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> Follower:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def round(self) -> int:
        """One catch-up: records indexed or removed (0 when another process holds the writer)."""
        from search.factory import engine_from_settings
        from search.indexer import sync

        engine = engine_from_settings(self.settings, self.store)
        try:
            report = sync(self.store, engine)
        finally:
            getattr(engine, "close", lambda: None)()  # lets other processes' followers write
        return report.indexed + report.deleted

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.indexed += self.round()
                self.last_error = None
            except SearchError as exc:
                self._note(str(exc))
            except Exception as exc:  # noqa: BLE001 - a search server's client raises its own errors
                self._note(f"{type(exc).__name__}: {exc}")
            self._stop.wait(self.interval)

    def _note(self, error: str) -> None:
        """Say a failure once, not every round; "locked by another writer" is not a failure."""
        if "locked by another writer" in error or error == self.last_error:
            return
        self.last_error = error
        self.say(f"search index not updated ({error}); the change log keeps the records and it will retry")
