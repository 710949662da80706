"""A copy as delivery sees it: the head version of one object, its level, and its payload files in page order.

Why a view of its own: every delivery route needs the same few facts (is there such an object,
at which level, is it withdrawn, which files make its pages and where they lie), and they come
from the catalogue in one read.  Only payload files are listed: the consent and the hub's
metadata file have no name a reader can ask for.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from objects.access import PAYLOAD
from objects.ids import ID_PATTERN, object_urn
from objects.models import DigitalObject, ObjectFile, ObjectVersion

if TYPE_CHECKING:
    from objects.storage import Depository
    from repository.store import Store

#: Payload files are stored under this folder of a version; a reader knows them by the rest of the path.
PAYLOAD_FOLDER = "files/"


@dataclass(frozen=True)
class CopyFile:
    """One payload file of the head version: the name a reader asks for, what it is, where it lies."""

    name: str
    role: str
    position: int
    media_type: str
    pages: int
    size: int
    sha512: str
    path: Path


@dataclass(frozen=True)
class HeadCopy:
    """The current version of one deposited copy."""

    object_id: str
    access: str
    withdrawn: bool
    version: int
    deposited_at: int  # seconds since the epoch: when the head version was stored
    files: tuple[CopyFile, ...]

    def named(self, name: str) -> CopyFile | None:
        """The payload file a reader asked for by ``name`` (compared NFC, as names are stored), or None."""
        wanted = unicodedata.normalize("NFC", name)
        return next((file for file in self.files if file.name == wanted), None)

    @property
    def pages(self) -> int:
        return sum(file.pages for file in self.files)


def head_copy(store: Store, depository: Depository, object_id: str) -> HeadCopy | None:
    """The head version of object ``object_id``, or None when there is no such object."""
    if not ID_PATTERN.fullmatch(object_id):
        return None
    with store.reading() as session:
        row = session.get(DigitalObject, object_id)
        if row is None:
            return None
        version = session.get(ObjectVersion, (object_id, row.head))
        rows = session.execute(select(ObjectFile).where(
            ObjectFile.object_id == object_id, ObjectFile.version == row.head, ObjectFile.role == PAYLOAD,
        ).order_by(ObjectFile.position, ObjectFile.logical_path)).scalars().all()
        urn = object_urn(object_id)
        files = tuple(CopyFile(name=_reader_name(f.logical_path), role=f.role, position=f.position or 0,
                               media_type=f.media_type or "application/octet-stream", pages=f.pages or 0,
                               size=f.size, sha512=f.sha512, path=depository.file_path(urn, f.content_path))
                      for f in rows)
        return HeadCopy(object_id, row.access, bool(row.withdrawn), row.head,
                        version.created_at if version is not None else row.updated_at, files)


def _reader_name(logical_path: str) -> str:
    return logical_path.removeprefix(PAYLOAD_FOLDER)
