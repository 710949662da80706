"""A copy's pages, numbered 1..N across its files: which stored file holds page n, and where in it.

Why a module of its own: every page-level service (the IIIF image service, derivatives, the
excerpt) numbers pages the same way the deposit ordered them.  A copy of three files of 10, 1
and 20 pages has pages 1-10 in the first file, 11 in the second and 12-31 in the third, in
``object_files.position`` order; a file whose page count is unknown counts as one page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from objects.ids import object_urn
from objects.models import ObjectFile
from objects.storage import Depository


@dataclass(frozen=True)
class PageSource:
    """Page ``number`` of a copy: the stored file that holds it, its type and the page's index in it (0-based)."""

    number: int
    path: Path
    name: str
    media_type: str
    index: int


def page_sources(session: Session, depository: Depository, object_id: str, version: int) -> list[PageSource]:
    """Every page of one version of a copy, in reading order."""
    files = session.execute(select(ObjectFile).where(
        ObjectFile.object_id == object_id, ObjectFile.version == version, ObjectFile.role == "payload")
        .order_by(ObjectFile.position, ObjectFile.logical_path)).scalars()
    urn = object_urn(object_id)
    pages: list[PageSource] = []
    for file in files:
        path = depository.file_path(urn, file.content_path)
        for index in range(file.pages or 1):
            pages.append(PageSource(len(pages) + 1, path, file.logical_path, file.media_type or "", index))
    return pages


def page_count(session: Session, object_id: str, version: int) -> int:
    """How many pages one version of a copy has (without touching the storage root)."""
    pages = session.execute(select(ObjectFile.pages).where(
        ObjectFile.object_id == object_id, ObjectFile.version == version, ObjectFile.role == "payload")).scalars()
    return sum(count or 1 for count in pages)
