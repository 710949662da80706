"""How large each page's image is, known without drawing it: the one rule the derivatives are made by
and the manifest's canvases are measured by.

Why a module of its own: a manifest gives every canvas its size, and learning a 500-page book's
sizes by drawing every page took minutes on its first request.  The size follows from what a file
says about itself, read cheaply:

* a PDF page: its size in points (pdfium, the page is parsed but not drawn) at its scan's own
  resolution (:func:`pdf_scale`), each side rounded to whole pixels;
* a TIFF or JPEG page: its header (libvips opens it without decoding a pixel), turned upright by
  its EXIF or TIFF orientation as the page is shown;
* capped (read-only and preview-24): that size with its long side brought down to the cap, each
  side rounded (:func:`capped`); a page within the cap keeps its size.

:mod:`objects.pageimages` draws every page at exactly this size, so a canvas, the derivative its
service cuts from and that service's ``info.json`` agree by construction.  A version's sizes at
full resolution are kept beside its derivatives (``sizes.json``), measured once; like them, the
file may be removed at any time and is measured again.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Sequence
from functools import lru_cache
from itertools import groupby
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pyvips

from objects import tiff
from objects.pages import PageSource

Size = tuple[int, int]

#: Resolution of a PDF page that has no scanned image (born-digital text), in dpi.
DEFAULT_DPI = 300
#: A scan is rendered at its own resolution, but never above this (a few PDFs claim 2400 dpi).
MAX_DPI = 600
#: Nor with a long side above this many pixels (a 600-dpi A3 page is 9,921 px long).
MAX_SIDE = 12_000
#: An image covering less than this share of the page is a decoration, not the page's scan.
SCAN_SHARE = 0.25
#: EXIF/TIFF orientations that turn a page a quarter: its width and height swap.
QUARTER_TURNS = (5, 6, 7, 8)
#: The kept sizes' file, and the rule it was measured by: a file of another rule is measured again.
SIZES_FILE = "sizes.json"
RULE = 1
#: pdfium is not thread-safe: one page at a time per process (shared with objects.pageimages).
PDFIUM = threading.Lock()


def pdf_scale(page: pypdfium2.PdfPage) -> float:
    """Pixels per point of a PDF page's full resolution: its scan's own (the largest image covering a
    quarter of the page or more), else :data:`DEFAULT_DPI`; within :data:`MAX_DPI` and :data:`MAX_SIDE`."""
    width, height = page.get_size()
    dpi = 0.0
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4):
        left, bottom, right, top = image.get_bounds()
        placed_width, placed_height = right - left, top - bottom
        if placed_width <= 0 or placed_height <= 0 or placed_width * placed_height < SCAN_SHARE * width * height:
            continue
        pixels_wide, pixels_high = image.get_px_size()
        dpi = max(dpi, min(pixels_wide / placed_width, pixels_high / placed_height) * 72)
    scale = min(dpi or DEFAULT_DPI, MAX_DPI) / 72
    return min(scale, MAX_SIDE / max(width, height, 1))


def pdf_size(page: pypdfium2.PdfPage) -> Size:
    """A PDF page's size at full resolution, in whole pixels (call with :data:`PDFIUM` held)."""
    width, height = page.get_size()
    scale = pdf_scale(page)
    return max(1, round(width * scale)), max(1, round(height * scale))


def raster_size(path: Path, **options: object) -> Size:
    """A TIFF page's or a JPEG's size as it is shown (upright), from its header alone.

    Opened through a source, not by name: libvips reads ``[...]`` after a name as load options."""
    image = pyvips.Image.new_from_source(pyvips.Source.new_from_file(str(path)), "", access="sequential", **options)
    orientation = int(image.get("orientation")) if image.get_typeof("orientation") else 1
    return (image.height, image.width) if orientation in QUARTER_TURNS else (image.width, image.height)


def capped(size: Size, max_side: int | None) -> Size:
    """``size`` with its long side at most ``max_side`` (None: no cap), never enlarged."""
    width, height = size
    if max_side is None or max(width, height) <= max_side:
        return size
    scale = max_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def measure(sources: Sequence[PageSource]) -> list[Size]:
    """The full-resolution size of every page in ``sources``, in their order; each file is opened once."""
    found: list[Size] = []
    for (path, name, media_type), pages in groupby(sources, key=lambda s: (s.path, s.name, s.media_type)):
        indexes = [source.index for source in pages]
        if media_type == "application/pdf":
            found += _pdf_sizes(path, indexes)
        elif media_type == "image/tiff":
            directories = tiff.read_pages(path, name)
            found += [raster_size(path, page=directories[index].directory) for index in indexes]
        else:
            found += [raster_size(path) for _ in indexes]
    return found


def _pdf_sizes(path: Path, indexes: list[int]) -> list[Size]:
    with PDFIUM:
        document = pypdfium2.PdfDocument(str(path))
        try:
            sizes = []
            for index in indexes:
                page = document[index]
                try:
                    sizes.append(pdf_size(page))
                finally:
                    page.close()
            return sizes
        finally:
            document.close()


def known(folder: Path) -> list[Size] | None:
    """The sizes kept in ``folder`` (a version's derivative folder), or None when none are."""
    path = folder / SIZES_FILE
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return _kept(str(path), (stat.st_ino, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=1024)
def _kept(path: str, identity: tuple[int, int, int]) -> list[Size] | None:
    """The file's sizes (cached by its identity: every tile request asks); None if unreadable or of another rule."""
    try:
        kept = json.loads(Path(path).read_text(encoding="utf-8"))
        if kept.get("rule") != RULE:
            return None
        return [(int(width), int(height)) for width, height in kept["pages"]]
    except (OSError, ValueError, TypeError, KeyError):
        return None


def measured(folder: Path, sources: Sequence[PageSource]) -> list[Size]:
    """The kept sizes when they are of these pages, else every page measured now and kept in ``folder``."""
    sizes = known(folder)
    if sizes is not None and len(sizes) == len(sources):
        return sizes
    sizes = measure(sources)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{SIZES_FILE}.{uuid.uuid4().hex}.tmp"
    try:
        temporary.write_text(json.dumps({"rule": RULE, "pages": sizes}), encoding="utf-8")
        os.replace(temporary, folder / SIZES_FILE)
    finally:
        temporary.unlink(missing_ok=True)
    return sizes
