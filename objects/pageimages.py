"""One page of a deposited file as an image a screen can show: at full resolution, or capped.

Why here and not in the image service: the cap must hold where pixels are first made.  A capped
page is drawn straight at its capped size (pdfium renders the PDF page at that scale; libvips
shrinks a TIFF or JPEG while it streams it, a JPEG already in its decoder), so no pixel of the
original at a higher resolution ever leaves this module for a read-only or preview-24 copy.

Every page comes out as 8-bit grey or sRGB without alpha, upright (a JPEG's or TIFF's EXIF
orientation applied): what a tiled JPEG-compressed TIFF can hold and a browser can show.
"""

from __future__ import annotations

import threading

import pypdfium2
import pypdfium2.raw as pdfium_c
import pyvips

from objects import tiff
from objects.pages import PageSource

#: Resolution of a PDF page that has no scanned image (born-digital text), in dpi.
DEFAULT_DPI = 300
#: A scan is rendered at its own resolution, but never above this (a few PDFs claim 2400 dpi).
MAX_DPI = 600
#: Nor with a long side above this many pixels (a 600-dpi A3 page is 9,921 px long).
MAX_SIDE = 12_000
#: An image covering less than this share of the page is a decoration, not the page's scan.
SCAN_SHARE = 0.25
GREY_SPACES = (pdfium_c.FPDF_COLORSPACE_DEVICEGRAY, pdfium_c.FPDF_COLORSPACE_CALGRAY)
#: pdfium is not thread-safe: one page at a time per process.
_PDFIUM = threading.Lock()


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

    Read through a source, never by file name: libvips reads ``[...]`` at the end of a name as load
    options, and a partner may well name a file ``scan[2].tif``."""
    if long_side is not None:
        given = ",".join(f"{name}={value}" for name, value in options.items())
        return displayable(pyvips.Image.thumbnail_source(pyvips.Source.new_from_file(path), long_side,
                                                         height=long_side, size="down", option_string=given))
    image = pyvips.Image.new_from_source(pyvips.Source.new_from_file(path), "", access="sequential", **options)
    if _orientation(image) > 1:  # turning needs random access: load it again that way
        image = pyvips.Image.new_from_source(pyvips.Source.new_from_file(path), "", **options).autorot()
    return displayable(image)


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


def _whole_pixels(page: pypdfium2.PdfPage, scale: float) -> float:
    """``scale`` nudged so the rendering is the rounded size: pdfium's size is the product rounded *up*,
    which would make a 1,240-pixel scan 1,241 pixels wide for a rounding error in the page's points."""
    width, height = page.get_size()
    return min(max(1, round(width * scale)) / width, max(1, round(height * scale)) / height) * (1 - 1e-9)


def _pdf_page(source: PageSource, long_side: int | None) -> pyvips.Image:
    """The PDF page rendered by pdfium straight at its full resolution or at the capped size.

    Measured on an A4 scan (CPU time): rendering at 2,000 px with pdfium's smoothing costs 70 ms,
    rendering at full size without it and resampling with libvips 140 ms, so pdfium scales.  At
    full size the scan is drawn at its own resolution and smoothing would change nothing (it costs
    13 ms of 76).  A page drawn by grey images alone is kept grey: one band, a third of the work
    for the pyramid and for every tile after it.
    """
    with _PDFIUM:
        document = pypdfium2.PdfDocument(str(source.path))
        try:
            page = document[source.index]
            try:
                scale = pdf_scale(page)
                if long_side is not None:
                    scale = min(scale, long_side / max(page.get_size()))
                bitmap = page.render(scale=_whole_pixels(page, scale), rev_byteorder=True,
                                     no_smoothimage=long_side is None)
                image = _from_bitmap(bitmap, grey=_grey(page))
            finally:
                page.close()
        finally:
            document.close()
    return displayable(image)


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
