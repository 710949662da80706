"""After a command has written to the store, bring the search index up to date.

Data flows one way — store, then change log, then index — so commands that write
(import, demo, harvest, ingest, scheduler) finish by applying the change log to the
configured index.  When that fails (no search server, or another process holds the
embedded index), the records are safe in the store and the change log keeps them:
the command says so and the next ``kazneb index sync`` catches up.
"""

from __future__ import annotations

from collections.abc import Callable

from kazneb.config import Settings


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
