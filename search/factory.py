"""The engine the settings ask for: embedded unless ``search.url`` names a server.

The embedded index belongs to one store: by default it lives beside the SQLite database
(``kazneb.db`` keeps its index in ``kazneb-index`` in the same folder), so two hubs run
from one folder never share an index and one hub run from two folders never has two.
It also carries the store's id (``kazneb init`` generates it), and an index built for
another store is refused.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.engine import make_url

from search.engine import SearchEngine, SearchError

IDENTITY_FILE = "store.json"


def engine_from_settings(settings, store=None) -> SearchEngine:  # type: ignore[no-untyped-def]
    """An :class:`~search.embedded.EmbeddedEngine` or a :class:`~search.remote.RemoteEngine`.

    With ``store``, an embedded index is checked against (or, when new, marked with) the
    store's id.
    """
    url = (settings.get("search.url") or "").strip()
    index = settings.get("search.index") or "kazneb"
    if not url:
        from search.embedded import EmbeddedEngine

        path = embedded_index_path(settings)
        if store is not None:
            claim_for_store(path, _store_id(store))
        return EmbeddedEngine(path, index)
    from search.remote import RemoteEngine

    return RemoteEngine.connect(url, index, flavour=settings.get("search.engine") or "auto")


def embedded_index_path(settings) -> Path:  # type: ignore[no-untyped-def]
    """``search.path`` if set, else the folder beside the SQLite database."""
    configured = (settings.get("search.path") or "").strip()
    if configured:
        return Path(configured)
    beside = settings.beside_database("index")
    if beside is None:
        raise SearchError("search.path must name the folder of the embedded search index: the database "
                          f"({make_url(settings.database_url).get_backend_name()}) has no folder to keep it beside")
    return beside


def claim_for_store(path: Path, store_id: str) -> None:
    """Refuse an index folder that belongs to another store; mark a new one as this store's."""
    identity = path / IDENTITY_FILE
    try:
        owner = json.loads(identity.read_text(encoding="utf-8")).get("store_id")
    except FileNotFoundError:
        path.mkdir(parents=True, exist_ok=True)
        tmp = identity.with_suffix(".tmp")
        tmp.write_text(json.dumps({"store_id": store_id}), encoding="utf-8")
        tmp.replace(identity)
        return
    except (OSError, ValueError, AttributeError) as exc:
        raise SearchError(f"cannot read {identity} ({exc}): move the folder away or fix the file") from exc
    if owner != store_id:
        raise SearchError(f"the search index at {path} was built for another store ({owner}), not this one "
                          f"({store_id}): set search.path to this store's own folder, or move that folder away "
                          "and run `kazneb index rebuild`")


def _store_id(store) -> str:  # type: ignore[no-untyped-def]
    from repository.installation import store_id

    return store_id(store.engine)
