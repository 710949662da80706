"""Each page of a file as a small grey picture, one page at a time: what the blank and duplicate checks see.

Why small and one at a time: whether a page is empty, or the same as the one before, shows at
a few hundred pixels, and a 2 GB scan must not be held in memory.  libvips shrinks a TIFF or a
JPEG while it streams it (a JPEG already at load, by its DCT scaling); pdfium renders a PDF page
straight at the small size.  Every page is decoded to its end, so a page that cannot be decoded
is found here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pypdfium2
import pyvips
from PIL import Image

from objects import tiff
from objects.content import InspectedFile
from objects.errors import DepositRefused

#: A thumbnail fits in a square of this many pixels.
SIZE = 256


def thumbnails(file: InspectedFile) -> Iterator[tuple[int, Image.Image]]:
    """(page number, grey 8-bit thumbnail) for every page of ``file``, in order.

    Thumbnails are Pillow images: pixels owned by the image.  A libvips image made from memory
    borrows a Python buffer, and ``copy_memory()`` of an image already in memory returns the same
    image, so a kept thumbnail could end up reading a buffer freed and reused by the next page.

    Raises ``DepositRefused(file.name, ...)`` for a page that cannot be decoded.
    """
    if file.media_type == "application/pdf":
        yield from _pdf_thumbnails(file.path, file.name)
    elif file.media_type == "image/tiff":
        for number, page in enumerate(tiff.read_pages(file.path, file.name), 1):
            yield number, _decoded(file.name, number, lambda page=page: _load(file.path, page=page.directory))
    else:
        yield 1, _decoded(file.name, 1, lambda: _jpeg(file.path))


def _decoded(name: str, number: int, load: Callable[[], pyvips.Image]) -> Image.Image:
    """The page ``load`` opens, shrunk into :data:`SIZE` while it streams, grey, in memory."""
    try:
        with _uncached():
            image = load()
            factor = -(-max(image.width, image.height) // SIZE)
            if factor > 1:  # whole-pixel shrinks sum line by line: memory follows the page width only
                image = image.shrinkv(factor).shrinkh(factor)
            image = grey(image)
            return Image.frombytes("L", (image.width, image.height), image.write_to_memory())
    except pyvips.Error as exc:
        detail = [line for line in str(exc.detail or exc).splitlines() if line.strip()]
        raise DepositRefused(name, f"page {number} cannot be decoded ({detail[-1] if detail else exc}).") from None


@contextlib.contextmanager
def _uncached() -> Iterator[None]:
    """libvips' operation cache off, and one worker thread, while a page streams through.

    No page is opened twice, so the cache would only keep finished pages' buffers alive
    (tens of MB each for a large scan); each extra thread keeps buffers of its own, and a
    sequential read gains little from them (2 GB of scans: 95 MB peak and 5.1 s with one,
    103 MB and 6.2 s with two).  Both are restored for whatever else uses libvips.
    """
    kept, threads = pyvips.cache_get_max(), pyvips.concurrency_get()
    pyvips.cache_set_max(0)
    pyvips.concurrency_set(1)
    try:
        yield
    finally:
        pyvips.cache_set_max(kept)
        pyvips.concurrency_set(threads)


def _load(path: Path, **options: object) -> pyvips.Image:
    return pyvips.Image.new_from_source(pyvips.Source.new_from_file(str(path)), "", access="sequential",
                                        fail_on="error", **options)


def _jpeg(path: Path) -> pyvips.Image:
    """A JPEG decoded at 1/2, 1/4 or 1/8 of its size when the thumbnail is smaller still (libjpeg's DCT scaling)."""
    header = _load(path)
    factor = max(header.width, header.height) // SIZE
    return _load(path, shrink=next((shrink for shrink in (8, 4, 2) if shrink <= factor), 1))


def _pdf_thumbnails(path: Path, name: str) -> Iterator[tuple[int, Image.Image]]:
    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        raise DepositRefused(name, f"cannot be opened to render its pages ({exc}).") from None
    try:
        for index in range(len(document)):
            yield index + 1, _rendered(document, index, name)
    finally:
        document.close()


def _rendered(document: pypdfium2.PdfDocument, index: int, name: str) -> Image.Image:
    """Page ``index`` rendered by pdfium straight at thumbnail size, in grey."""
    page = document[index]
    try:
        return page.render(scale=SIZE / max(page.get_size()), grayscale=True).to_pil().convert("L")
    except pypdfium2.PdfiumError as exc:
        raise DepositRefused(name, f"page {index + 1} cannot be rendered ({exc}).") from None
    finally:
        page.close()


def grey(image: pyvips.Image) -> pyvips.Image:
    """One band of 8-bit grey: 16 bits reduced, alpha flattened onto white, colour bands averaged."""
    if image.format == "ushort":
        image = (image >> 8).cast("uchar")
    elif image.format != "uchar":
        image = image.cast("uchar")
    if image.hasalpha():
        image = image.flatten(background=[255] * (image.bands - 1))
    return image.bandmean() if image.bands > 1 else image
