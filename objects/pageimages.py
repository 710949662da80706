"""One page of a deposited file as an image a screen can show: at full resolution, or capped.

Why here and not in the image service: the cap must hold where pixels are first made.  A capped
page is drawn straight at its capped size (pdfium renders the PDF page at that scale; libvips
shrinks a TIFF or JPEG while it streams it, a JPEG already in its decoder), so no pixel of the
original at a higher resolution ever leaves this module for a read-only or preview-24 copy.

Every page comes out at exactly the size :mod:`objects.pagesizes` gives it without drawing it
(what the manifest's canvases say), as 8-bit grey or sRGB without alpha, upright (a JPEG's or
TIFF's EXIF orientation applied): what a tiled JPEG-compressed TIFF can hold and a browser can show.
"""

from __future__ import annotations

import pypdfium2
import pypdfium2.raw as pdfium_c
import pyvips

from objects import tiff
from objects.pages import PageSource
from objects.pagesizes import PDFIUM, Size, capped, pdf_size, raster_size

GREY_SPACES = (pdfium_c.FPDF_COLORSPACE_DEVICEGRAY, pdfium_c.FPDF_COLORSPACE_CALGRAY)


def page_image(source: PageSource, long_side: int | None = None) -> pyvips.Image:
    """Page ``source`` at full resolution (``long_side`` None) or with its long side no longer than
    ``long_side`` (never enlarged)."""
    if source.media_type == "application/pdf":
        return _pdf_page(source, long_side)
    if source.media_type == "image/tiff":
        directory = tiff.read_pages(source.path, source.name)[source.index].directory
        return _raster(str(source.path), long_side, page=directory)
    return _raster(str(source.path), long_side)


def _raster(path: str, long_side: int | None, **options: object) -> pyvips.Image:
    """A TIFF page or a JPEG: loaded whole and streamed, or shrunk while it streams (thumbnail).

    Shrunk to the size :func:`objects.pagesizes.capped` gives, each side asked for (``size="force"``):
    asked for a long side only, libvips rounds the short one its own way, a pixel off now and then.
    Read through a source, never by file name: libvips reads ``[...]`` at the end of a name as load
    options, and a partner may well name a file ``scan[2].tif``."""
    full = raster_size(path, **options)
    if long_side is not None:
        size = capped(full, long_side)
        given = ",".join(f"{name}={value}" for name, value in options.items())
        image = pyvips.Image.thumbnail_source(pyvips.Source.new_from_file(path), size[0], height=size[1],
                                              size="force", option_string=given)
        return exactly(displayable(image), size)
    image = pyvips.Image.new_from_source(pyvips.Source.new_from_file(path), "", access="sequential", **options)
    if _orientation(image) > 1:  # turning needs random access: load it again that way
        image = pyvips.Image.new_from_source(pyvips.Source.new_from_file(path), "", **options).autorot()
    return exactly(displayable(image), full)


def exactly(image: pyvips.Image, size: Size) -> pyvips.Image:
    """``image`` at ``size`` to the pixel: a row or column a resampler added is cut, one it left out is
    repeated from the edge.  What :mod:`objects.pagesizes` says a page measures is what is made."""
    width, height = size
    if (image.width, image.height) == size:
        return image
    if image.width > width or image.height > height:
        image = image.crop(0, 0, min(width, image.width), min(height, image.height))
    if image.width < width or image.height < height:
        image = image.embed(0, 0, width, height, extend="copy")
    return image


def _orientation(image: pyvips.Image) -> int:
    return int(image.get("orientation")) if image.get_typeof("orientation") else 1


def displayable(image: pyvips.Image) -> pyvips.Image:
    """8-bit grey or sRGB, alpha flattened onto white: CMYK, Lab, 16-bit and 1-bit pages included."""
    if image.bands >= 3 and (image.format != "uchar" or image.interpretation not in ("srgb", "rgb")):
        image = image.colourspace("srgb")
    elif image.bands <= 2 and image.format != "uchar":
        image = image.colourspace("b-w")
    if image.hasalpha():
        image = image.flatten(background=[255] * (image.bands - 1))
    if image.bands not in (1, 3):
        image = image.extract_band(0, n=3 if image.bands > 3 else 1)
    return image if image.format == "uchar" else image.cast("uchar")


def _covering(page: pypdfium2.PdfPage, size: Size) -> float:
    """The scale at which pdfium draws the page at least ``size``: its bitmap is the page's points times
    the scale rounded *up*, so the side that sets the scale comes out exact and the other at most a
    pixel over, cut by :func:`exactly` (less than a pixel of the page)."""
    width, height = page.get_size()
    return max(size[0] / width, size[1] / height) * (1 - 1e-9)


def _pdf_page(source: PageSource, long_side: int | None) -> pyvips.Image:
    """The PDF page rendered by pdfium straight at its full resolution or at the capped size.

    Measured on an A4 scan (CPU time): rendering at 2,000 px with pdfium's smoothing costs 70 ms,
    rendering at full size without it and resampling with libvips 140 ms, so pdfium scales.  At
    full size the scan is drawn at its own resolution and smoothing would change nothing (it costs
    13 ms of 76).  A page drawn by grey images alone is kept grey: one band, a third of the work
    for the pyramid and for every tile after it.
    """
    with PDFIUM:
        document = pypdfium2.PdfDocument(str(source.path))
        try:
            page = document[source.index]
            try:
                size = capped(pdf_size(page), long_side)
                bitmap = page.render(scale=_covering(page, size), rev_byteorder=True,
                                     no_smoothimage=long_side is None)
                image = _from_bitmap(bitmap, grey=_grey(page))
            finally:
                page.close()
        finally:
            document.close()
    return exactly(displayable(image), size)


def _from_bitmap(bitmap: pypdfium2.PdfBitmap, grey: bool) -> pyvips.Image:
    """The rendering in libvips' own memory (pdfium's buffer is freed with the bitmap), one band if ``grey``."""
    bands = bitmap.n_channels
    if bitmap.stride == bitmap.width * bands:
        image = pyvips.Image.new_from_memory(bitmap.buffer, bitmap.width, bitmap.height, bands, "uchar")
    else:  # rows padded: Pillow knows the stride
        picture = bitmap.to_pil()
        bands = len(picture.getbands())
        image = pyvips.Image.new_from_memory(picture.tobytes(), picture.width, picture.height, bands, "uchar")
    if grey and bands >= 3:
        return image.extract_band(0).copy(interpretation="b-w").copy_memory()
    return image.copy(interpretation="srgb" if bands >= 3 else "b-w").copy_memory()


def _grey(page: pypdfium2.PdfPage) -> bool:
    """Whether the page is drawn by grey images alone (a scanned grey book): nothing on it has colour."""
    found = False
    for item in page.get_objects(max_depth=4):
        if item.type != pdfium_c.FPDF_PAGEOBJ_IMAGE or item.get_metadata().colorspace not in GREY_SPACES:
            return False
        found = True
    return found
