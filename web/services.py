"""The store, the search engine and the depository an app uses, made once per app on first use."""

from __future__ import annotations

import threading

from flask import current_app

from search.engine import SearchEngine
from search.factory import engine_from_settings

_lock = threading.Lock()


def search_engine() -> SearchEngine:
    """The app's engine (``app.extensions['kazneb_search']``; tests may put their own there)."""
    extensions = current_app.extensions
    if "kazneb_search" not in extensions:
        with _lock:
            if "kazneb_search" not in extensions:
                extensions["kazneb_search"] = engine_from_settings(current_app.config["KAZNEB_SETTINGS"],
                                                                  store())
    return extensions["kazneb_search"]


def store():  # type: ignore[no-untyped-def]
    return current_app.extensions["kazneb_store"]


def depository():  # type: ignore[no-untyped-def]
    """The app's depository (``app.extensions['kazneb_depository']``), opened from the settings on first use.

    ocfl-py loads in half a second: imported here, only a worker that serves a copy pays for it."""
    extensions = current_app.extensions
    if "kazneb_depository" not in extensions:
        from objects.storage import Depository

        with _lock:
            extensions.setdefault("kazneb_depository", Depository.from_settings(current_app.config["KAZNEB_SETTINGS"]))
    return extensions["kazneb_depository"]
