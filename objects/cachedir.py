"""The folder of what the hub derives from deposited copies: rebuildable, never the record of truth.

Page images, excerpts and the like can always be made again from the depository, so they live
outside it (a backup of the depository need not carry them, and wiping this folder loses
nothing but time).  Each kind of derivative keeps a subfolder of its own (``excerpts/``, the
IIIF page derivatives beside it).
"""

from __future__ import annotations

from pathlib import Path

from kazneb.config import Settings
from objects.errors import StorageError


def cache_root(settings: Settings) -> Path:
    """``delivery.derivatives``, else ``<stem>-derivatives`` beside the SQLite database."""
    configured = str(settings.get("delivery.derivatives") or "").strip()
    root = Path(configured) if configured else settings.beside_database("derivatives")
    if root is None:
        raise StorageError("delivery.derivatives must name the folder of the derivatives: the database has no "
                           "folder to keep it beside")
    return root.resolve()
