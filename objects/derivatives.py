"""Page derivatives: each page of a copy as a pyramidal tiled TIFF in the cache, made once, read many times.

Why a derivative at all: a request for one 512-pixel tile of a 100-megapixel scan, or of page 212
of a PDF, must not decode the whole page each time.  Each page is decoded once into a tiled,
JPEG-compressed TIFF with its half, quarter... sizes (a pyramid); a tile is then a few small reads.

Two kinds per page, by what the copy's level allows (:func:`objects.access.decide`):

* ``p<n>.tif`` — the page at full resolution, for open copies;
* ``p<n>-capped.tif`` — the page with its long side at most ``delivery.image_max_side``, for
  read-only and preview-24 copies.  The image service of such a copy *is* this file: every
  region, size and tile is cut from it, so nothing served can be sharper than the cap.

Layout: ``<cache>/pages/<object>/v<version>/p<n>[-capped].tif``, ``sizes.json`` (every page's
size, measured without drawing it: :mod:`objects.pagesizes`; a derivative of another size is made
again), and ``full.done`` or ``capped.done`` once every page of the version is made (what
:mod:`objects.derivequeue` looks for).  Each file is written beside its final name and renamed
into place, so a reader sees a whole file or none, and two processes making the same page at once
do no harm.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyvips

from objects.access import IMAGE, decide
from objects.models import DigitalObject
from objects.pageimages import page_image
from objects.pages import PageSource, page_sources
from objects.pagesizes import Size, capped, measured
from objects.storage import Depository
from repository.store import Store

#: Side of the square tiles in the TIFF, and of the tiles the image service advertises.
TILE = 512
#: JPEG quality of the derivative's tiles (the answer is encoded again, so not lower).
QUALITY = 88
FULL, CAPPED = "full", "capped"


@dataclass(frozen=True)
class Derivative:
    """A made page: its file, the size of its full image and of each pyramid level (largest first).

    ``identity`` (inode, modification time, size) tells a remade file from the one it replaced."""

    path: Path
    width: int
    height: int
    bands: int
    levels: tuple[tuple[int, int], ...]
    identity: tuple[int, int, int]

    def level(self, number: int) -> pyvips.Image:
        """Pyramid level ``number`` (0: the full image), opened once and shared by the requests that read it."""
        return _opened(str(self.path), self.identity, number)


def variant(max_side: int | None) -> str:
    """Which derivative a decision's ``max_side`` asks for."""
    return FULL if max_side is None else CAPPED


def version_dir(cache: Path, object_id: str, version: int) -> Path:
    return cache / "pages" / object_id / f"v{version}"


def page_path(cache: Path, object_id: str, version: int, number: int, kind: str) -> Path:
    return version_dir(cache, object_id, version) / (f"p{number}.tif" if kind == FULL else f"p{number}-capped.tif")


def done_path(cache: Path, object_id: str, version: int, kind: str) -> Path:
    return version_dir(cache, object_id, version) / f"{kind}.done"


def read(path: Path) -> Derivative | None:
    """The derivative at ``path``, or None when it is not made yet (or cannot be read: it is made again)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    try:
        return _read(str(path), (stat.st_ino, stat.st_mtime_ns, stat.st_size))
    except pyvips.Error:
        return None


@lru_cache(maxsize=4096)
def _read(path: str, identity: tuple[int, int, int]) -> Derivative:
    """The header of every pyramid level (cached by the file's identity: a remade file is read again)."""
    first = _opened(path, identity, 0)
    levels = [(first.width, first.height)]
    for page in range(1, first.get("n-pages") if first.get_typeof("n-pages") else 1):
        level = _opened(path, identity, page)
        levels.append((level.width, level.height))
    return Derivative(Path(path), first.width, first.height, first.bands, tuple(levels), identity)


@lru_cache(maxsize=256)
def _opened(path: str, identity: tuple[int, int, int], level: int) -> pyvips.Image:
    """One level of a derivative file, kept open for the next request (a file descriptor each, hence
    the bound).  ``revalidate``: libvips' own cache knows files by name only, and would give the
    pages of a file since replaced by a remade one."""
    return pyvips.Image.new_from_file(path, page=level, revalidate=True)


def build(source: PageSource, target: Path, max_side: int | None) -> Derivative:
    """Make one page's derivative from the original and put it in place atomically."""
    image = page_image(source, max_side)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        image.tiffsave(str(temporary), tile=True, pyramid=True, compression="jpeg", Q=QUALITY, tile_width=TILE,
                       tile_height=TILE, bigtiff=image.width * image.height * image.bands > 2**31)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    made = read(target)
    if made is None:
        raise OSError(f"{target}: the derivative just written cannot be read")
    return made


def usable(made: Derivative | None, size: Size) -> bool:
    """A made derivative that may be served: one of exactly the size the page has now
    (:func:`sizes`).  One of another size was made under another cap (the setting changed since)
    or by an older rule, and is made again: the manifest and ``info.json`` say ``size``."""
    return made is not None and (made.width, made.height) == size


def sizes(cache: Path, object_id: str, version: int, sources: Sequence[PageSource], max_side: int | None) -> list[Size]:
    """Every page's derivative size for ``max_side``, from the sizes kept in the version's folder or
    measured now (:mod:`objects.pagesizes`): no page is drawn to learn them."""
    return [capped(size, max_side) for size in measured(version_dir(cache, object_id, version), sources)]


def ensure(cache: Path, source: PageSource, object_id: str, version: int, max_side: int | None,
           size: Size) -> Derivative:
    """The page's derivative for ``max_side``, of ``size`` (its entry in :func:`sizes`), made now if it
    is missing or of another size: the first view."""
    target = page_path(cache, object_id, version, source.number, variant(max_side))
    made = read(target)
    if usable(made, size):
        assert made is not None
        return made
    return build(source, target, max_side)


@dataclass(frozen=True)
class Derived:
    """What deriving one copy did."""

    object_id: str
    version: int
    kind: str
    pages: int
    made: int


def derive_object(store: Store, depository: Depository, cache: Path, object_id: str, cap: int,
                  rebuild: bool = False) -> Derived | None:
    """Make every page of the copy's current version for what its level allows now (None for a
    withdrawn copy, whose pages are removed from the cache instead).  Pages already made are kept
    unless ``rebuild``; older versions' pages are removed.  The catalogue is read first, in a short
    transaction: making a book's pages takes minutes, and no snapshot is held open meanwhile."""
    with store.reading() as session:
        row = session.get(DigitalObject, object_id)
        if row is None:
            raise LookupError(f"no object {object_id}")
        decision = decide(row.access, row.withdrawn, IMAGE, cap=cap)
        head = row.head
        sources = page_sources(session, depository, object_id, head) if decision.allowed else []
    if not decision.allowed:
        shutil.rmtree(cache / "pages" / object_id, ignore_errors=True)
        return None
    kind = variant(decision.max_side)
    made = 0
    for source, size in zip(sources, sizes(cache, object_id, head, sources, decision.max_side), strict=True):
        target = page_path(cache, object_id, head, source.number, kind)
        if rebuild or not usable(read(target), size):
            build(source, target, decision.max_side)
            made += 1
    marker = done_path(cache, object_id, head, kind)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"pages": len(sources), "max_side": decision.max_side, "at": int(time.time())}),
                      encoding="utf-8")
    _remove_older_versions(cache, object_id, head)
    return Derived(object_id, head, kind, len(sources), made)


def _remove_older_versions(cache: Path, object_id: str, head: int) -> None:
    for folder in (cache / "pages" / object_id).glob("v*"):
        if folder.name != f"v{head}":
            shutil.rmtree(folder, ignore_errors=True)


def is_derived(cache: Path, object_id: str, version: int, kind: str) -> bool:
    return done_path(cache, object_id, version, kind).exists()
