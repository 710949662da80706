"""Keeping the search index in step with what a command writes.

Data flows one way — store, then change log, then index.  Commands that write or serve
(harvest, ingest, import, scheduler, serve, demo) run a :class:`~search.follower.Follower`
while they work (:func:`following`), so each committed page is findable within seconds,
and finish by applying the rest of the change log (:func:`update_search_index`).  When
that fails (no search server, or another process holds the embedded index), the records
are safe in the store and the change log keeps them: the command says so, and the next
follower or ``kazneb index sync`` catches up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kazneb.config import Settings


@contextmanager
def following(settings: Settings, store, say: Callable[[str], None]) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Follow the change log into the index while the block runs (off when search.follow_seconds is 0)."""
    from search.follower import Follower

    interval = float(settings["search.follow_seconds"])
    if interval <= 0:
        yield
        return
    follower = Follower(settings, store, interval=interval, say=say).start()
    try:
        yield
    finally:
        follower.stop()


def update_search_index(settings: Settings, store, say: Callable[[str], None]) -> bool:  # type: ignore[no-untyped-def]
    """Apply the store's change log to the search index; False (with a message) if it could not."""
    from search.engine import SearchError
    from search.indexer import sync_settings

    try:
        report = sync_settings(settings, store)
    except (SearchError, OSError, ConnectionError) as exc:
        say(f"search index not updated ({exc}); the changes wait in the change log: run `kazneb index sync`")
        return False
    except Exception as exc:  # noqa: BLE001 - a search server's client raises its own errors
        say(f"search index not updated ({type(exc).__name__}: {exc}); run `kazneb index sync`")
        return False
    if report.indexed or report.deleted:
        say(f"search index: {report.indexed} indexed, {report.deleted} removed")
    return True
