"""The engine the settings ask for: embedded unless ``search.url`` names a server."""

from __future__ import annotations

from pathlib import Path

from search.engine import SearchEngine


def engine_from_settings(settings) -> SearchEngine:  # type: ignore[no-untyped-def]
    """An :class:`~search.embedded.EmbeddedEngine` or a :class:`~search.remote.RemoteEngine`."""
    url = (settings.get("search.url") or "").strip()
    index = settings.get("search.index") or "kazneb"
    if not url:
        from search.embedded import EmbeddedEngine

        path = Path(settings.get("search.path") or "kazneb-index")
        return EmbeddedEngine(path, index)
    from search.remote import RemoteEngine

    return RemoteEngine.connect(url, index, flavour=settings.get("search.engine") or "auto")
