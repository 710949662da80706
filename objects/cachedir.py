"""The derivative cache: what the hub makes from the deposited copies, kept outside the depository.

Why outside: the storage root keeps exactly what partners deposited, nothing more, and is backed
up and audited as such.  Everything in this folder (page images, excerpts) is made from it, can
be deleted at any time and is made again (``kazneb objects derive``, or on first view).
"""

from __future__ import annotations

from pathlib import Path

from kazneb.config import Settings
from objects.errors import StorageError


def cache_root(settings: Settings) -> Path:
    """``delivery.derivatives``, else ``<stem>-derivatives`` beside the SQLite database.

    Raises :class:`StorageError` when neither names a folder (PostgreSQL without the setting).
    """
    configured = str(settings.get("delivery.derivatives") or "").strip()
    root = Path(configured) if configured else settings.beside_database("derivatives")
    if root is None:
        raise StorageError("delivery.derivatives must name the folder of the page derivatives: the database "
                           "has no folder to keep it beside")
    return root.resolve()
