"""Real files for tests, the demo and benchmarks: scanned-book-like PDFs, TIFFs and JPEGs, good and broken.

Generated rather than stored so the suite carries no binary fixtures and needs no internet, and
seeded so a failing test meets the same bytes again (byte for byte: no dates, a fixed PDF /ID;
only an encrypted PDF differs, encryption salts being random).  A page is a drawn frame, a heading block
with the page number and lines of "words" placed at random, so pages differ and none is blank.
Pages are A5 shrunk eightfold by default: the resolution (dpi) recorded is true, the pixels are
few and the suite stays fast.  ``tiff(..., width=, height=)`` makes pages of any size by zooming a
drawn page inside libvips and streaming it to disk, so a 2 GB TIFF needs no 2 GB of memory.
"""

from __future__ import annotations

import io
import os
import random
import struct
from collections.abc import Collection, Iterator
from pathlib import Path

import img2pdf
import pikepdf
import pyvips
from PIL import Image, ImageDraw

A5_MM = (148.0, 210.0)
#: Default pages are A5 shrunk by this factor (218 x 310 pixels at 300 dpi).
SMALL = 1 / 8
#: A drawn page is at most this wide; bigger pages are this drawing zoomed (whole-pixel factors).
DRAWN_WIDTH = 600
BACKGROUND = 250  # a scanned page's paper is seldom pure white


def page_size(dpi: float, width: int | None = None, height: int | None = None) -> tuple[int, int]:
    """Pixels of a page: the given ones, else A5 at ``dpi`` shrunk by :data:`SMALL`."""
    return (width or max(16, round(A5_MM[0] / 25.4 * dpi * SMALL)),
            height or max(16, round(A5_MM[1] / 25.4 * dpi * SMALL)))


def page_image(number: int, size: tuple[int, int], *, seed: int = 0, color: bool = False) -> Image.Image:
    """Page ``number``: a frame, a heading with the number, and lines of words of seeded widths."""
    width, height = size
    rng = random.Random(seed * 100_003 + number)
    page = Image.new("L", size, BACKGROUND)
    draw = ImageDraw.Draw(page)
    margin = max(2, width // 12)
    draw.rectangle((margin // 2, margin // 2, width - margin // 2, height - margin // 2), outline=40)
    draw.text((margin, margin), f"Page {number}", fill=0)
    line = max(3, height // 40)
    for y in range(margin + 3 * line, height - margin - line, 2 * line):
        x = margin
        while x < width - margin - line:
            word = rng.randint(line, 6 * line)
            draw.rectangle((x, y, min(x + word, width - margin), y + line - 1), fill=rng.randint(0, 90))
            x += word + line
    return page.convert("RGB") if color else page


def blank_image(size: tuple[int, int], *, color: bool = False) -> Image.Image:
    """A page with nothing on it: the paper colour only."""
    return Image.new("RGB" if color else "L", size, (BACKGROUND,) * 3 if color else BACKGROUND)


def book_pages(pages: int, size: tuple[int, int], *, seed: int = 0, color: bool = False,
               blank: Collection[int] = (), duplicate: Collection[int] = ()) -> Iterator[Image.Image]:
    """Pages 1..``pages``; a number in ``blank`` is an empty page, one in ``duplicate`` repeats the page before."""
    previous = None
    for number in range(1, pages + 1):
        if number in duplicate and previous is not None:
            page = previous
        elif number in blank:
            page = blank_image(size, color=color)
        else:
            page = page_image(number, size, seed=seed, color=color)
        previous = page
        yield page


def pdf(path: Path, pages: int = 30, dpi: float = 300, *, width: int | None = None, height: int | None = None,
        bits: int = 8, color: bool = False, seed: int = 0, blank: Collection[int] = (),
        duplicate: Collection[int] = ()) -> Path:
    """A scanned-book-like PDF: one image per page (JPEG, or 1-bit Flate when ``bits`` is 1), placed at ``dpi``."""
    size = page_size(dpi, width, height)
    images = [_encoded(page, dpi, bits) for page in book_pages(pages, size, seed=seed, color=color,
                                                               blank=blank, duplicate=duplicate)]
    Path(path).write_bytes(img2pdf.convert(images, nodate=True, engine=img2pdf.Engine.internal))
    return Path(path)


def _encoded(page: Image.Image, dpi: float, bits: int) -> bytes:
    """The page as JPEG (8 bits) or as a 1-bit PNG, with its resolution recorded."""
    out = io.BytesIO()
    if bits == 1:
        page.convert("L").point(lambda v: 255 if v > 128 else 0).convert("1").save(out, "PNG", dpi=(dpi, dpi))
    else:
        page.save(out, "JPEG", quality=90, dpi=(dpi, dpi))
    return out.getvalue()


def born_digital_pdf(path: Path, pages: int = 2) -> Path:
    """A PDF of text only, as a word processor makes it: no page has an image."""
    document = pikepdf.new()
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    for number in range(1, pages + 1):
        text = f"BT /F1 12 Tf 72 720 Td (Born-digital page {number}) Tj ET".encode()
        page = document.add_blank_page(page_size=(595, 842))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = document.make_stream(text)
    document.save(path, deterministic_id=True)
    return Path(path)


def damaged_pdf(path: Path, pages: int = 2) -> Path:
    """A whole-looking PDF (it ends with %%EOF) whose ``startxref`` points to the wrong place: qpdf repairs it."""
    pdf(path, pages)
    data = Path(path).read_bytes()
    start = data.rindex(b"startxref") + len(b"startxref")
    end = data.index(b"%%EOF", start)
    Path(path).write_bytes(data[:start] + b"\n17\n" + data[end:])
    return Path(path)


def empty_pdf(path: Path) -> Path:
    """A well-formed PDF with no page at all."""
    pikepdf.new().save(path, deterministic_id=True)
    return Path(path)


def encrypted_pdf(path: Path, pages: int = 2, *, user_password: str = "") -> Path:
    """A scanned PDF encrypted (AES-256); with the default empty user password it opens without asking."""
    pdf(path, pages)
    with pikepdf.open(path, allow_overwriting_input=True) as document:
        document.save(path, encryption=pikepdf.Encryption(owner="kazneb-owner", user=user_password))
    return Path(path)


def tiff(path: Path, pages: int = 3, dpi: float = 300, *, width: int | None = None, height: int | None = None,
         bits: int = 8, color: bool = False, seed: int = 0, blank: Collection[int] = (),
         duplicate: Collection[int] = (), compression: str = "deflate", bigtiff: bool = False) -> Path:
    """A multi-page TIFF written by libvips, streamed: pages of any size cost little memory.

    ``compression`` is a libvips name ("none", "deflate", "lzw", "ccittfax4" for 1 bit, ...).
    """
    size = page_size(dpi, width, height)
    drawn = [_zoomed(page, size) for page in book_pages(pages, _drawn_size(size), seed=seed, color=color,
                                                        blank=blank, duplicate=duplicate)]
    book = pyvips.Image.arrayjoin(drawn, across=1) if len(drawn) > 1 else drawn[0]
    book.tiffsave(str(path), compression=compression, bitdepth=bits if bits < 8 else 0, xres=dpi / 25.4,
                  yres=dpi / 25.4, resunit="inch", bigtiff=bigtiff, page_height=size[1],
                  predictor="horizontal" if bits == 8 else "none")
    return Path(path)


def _drawn_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size to draw at: the page itself, or a whole fraction of it when it is wide."""
    factor = -(-size[0] // DRAWN_WIDTH)
    return -(-size[0] // factor), -(-size[1] // factor)


def _zoomed(page: Image.Image, size: tuple[int, int]) -> pyvips.Image:
    """The drawn page enlarged (lazily, by repeating pixels) and cropped to exactly ``size``."""
    image = pyvips.Image.new_from_memory(page.tobytes(), page.width, page.height, len(page.getbands()), "uchar")
    factor = size[0] // page.width if page.width < size[0] else 1
    if factor > 1:
        image = image.zoom(factor, factor)
    if image.width < size[0] or image.height < size[1]:
        image = image.embed(0, 0, size[0], size[1], extend="copy")
    return image.crop(0, 0, *size)


def directory_first_tiff(path: Path, dpi: float = 300, *, byte_order: str = "<", seed: int = 0) -> Path:
    """A one-page grey TIFF written the way many scanners write it: header, directory, then the pixels.

    Cut short (:func:`truncated`), its directory survives and points at pixels that do not;
    ``byte_order`` ">" writes a big-endian ("MM") file.
    """
    page = page_image(1, page_size(dpi), seed=seed)
    entries = [(256, 4, page.width), (257, 4, page.height), (258, 3, 8), (259, 3, 1), (262, 3, 1),
               (273, 4, 8 + 2 + 12 * 12 + 4 + 16), (277, 3, 1), (278, 4, page.height),
               (279, 4, page.width * page.height), (282, 5, 8 + 2 + 12 * 12 + 4), (283, 5, 8 + 2 + 12 * 12 + 4 + 8),
               (296, 3, 2)]
    head = (b"II*\0" if byte_order == "<" else b"MM\0*") + struct.pack(byte_order + "I", 8)
    directory = struct.pack(byte_order + "H", len(entries))
    for tag, kind, value in entries:
        packed = struct.pack(byte_order + ("HH" if kind == 3 else "I"), *((value, 0) if kind == 3 else (value,)))
        directory += struct.pack(byte_order + "HHI", tag, kind, 1) + packed
    resolution = struct.pack(byte_order + "II", round(dpi * 1000), 1000)
    Path(path).write_bytes(head + directory + b"\0\0\0\0" + resolution * 2 + page.tobytes())
    return Path(path)


def jpeg_pages(folder: Path, pages: int = 12, dpi: float | None = 300, *, width: int | None = None,
               height: int | None = None, color: bool = False, seed: int = 0, blank: Collection[int] = (),
               duplicate: Collection[int] = ()) -> list[Path]:
    """A book as one JPEG per page, ``p1.jpg`` ... ``pN.jpg``; ``dpi=None`` records no resolution."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    size = page_size(dpi or 300, width, height)
    written = []
    for number, page in enumerate(book_pages(pages, size, seed=seed, color=color, blank=blank,
                                             duplicate=duplicate), 1):
        target = folder / f"p{number}.jpg"
        page.save(target, "JPEG", quality=90, **({"dpi": (dpi, dpi)} if dpi else {}))
        written.append(target)
    return written


def truncated(path: Path, keep_fraction: float = 0.5) -> Path:
    """Cut the file in place, keeping its first ``keep_fraction`` of bytes, as an interrupted copy would."""
    os.truncate(path, int(Path(path).stat().st_size * keep_fraction))
    return Path(path)
