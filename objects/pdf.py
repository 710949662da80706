"""A PDF opened for the hub: whole, unencrypted, its pages counted, its scanned images measured.

Why the checks before counting: qpdf (under pikepdf) repairs a damaged file silently, so a copy
cut short would open and show the pages that survived.  A PDF must end with ``%%EOF`` and open
without qpdf rebuilding its cross-reference table.  Any encryption is refused, even one that
opens with an empty password: a preserved copy must open in any reader in fifty years, without
keys or restrictions.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from objects.errors import DepositRefused
from objects.scan import Scan

#: A PDF's ``%%EOF`` must lie within its last this many bytes (readers allow as much trailing junk).
TAIL = 1024
#: qpdf's words when it had to repair the file rather than read it.
REPAIRED = ("file is damaged", "reconstruct")
#: An image placed on less than this share of the page is a decoration (a logo), not the page's scan.
SCAN_SHARE = 0.25
#: Images placed within this share of the largest are layers of one scan (text mask over background).
LAYER_SHARE = 0.9
MAX_FORM_DEPTH = 8


@dataclass(frozen=True)
class PlacedImage:
    """An image as drawn on a page: its placed size in points (1/72 inch), dpi and bits per sample."""

    area: float
    dpi: float
    bits: int | None


@contextlib.contextmanager
def opened(path: Path, name: str) -> Iterator[pikepdf.Pdf]:
    """The PDF at ``path`` opened by pikepdf; refuses (naming ``name``) one cut short, damaged or encrypted."""
    _check_tail(path, name)
    try:
        document = pikepdf.open(path)
    except pikepdf.PasswordError:
        raise DepositRefused(name, "is encrypted with a password; send it without encryption.") from None
    except pikepdf.PdfError as exc:
        raise DepositRefused(name, f"cannot be read as a PDF ({_short(exc)}).") from None
    with document:
        if document.is_encrypted:
            raise DepositRefused(name, "is encrypted (even without a password, encryption and restrictions "
                                       "keep it from being preserved); send it without encryption.")
        warnings = [_short(warning) for warning in document.get_warnings()]
        if any(word in warning for warning in warnings for word in REPAIRED):
            raise DepositRefused(name, f"is damaged: it opens only after repair ({'; '.join(warnings[:3])}).")
        yield document


def count_pages(path: Path, name: str) -> int:
    with opened(path, name) as document:
        try:
            return len(document.pages)
        except pikepdf.PdfError as exc:
            raise DepositRefused(name, f"is damaged: its pages cannot be listed ({_short(exc)}).") from None


def scans(path: Path, name: str) -> list[Scan]:
    """Resolution and bit depth of each page's scan; pages without one (born-digital text) are left out."""
    found = []
    with opened(path, name) as document:
        for number, page in enumerate(document.pages, 1):
            try:
                images = list(placed_images(page, page.obj.get("/Resources", pikepdf.Dictionary()),
                                            pikepdf.Matrix(), 0))
            except (pikepdf.PdfError, ValueError, TypeError) as exc:
                raise DepositRefused(name, f"is damaged: page {number} cannot be read ({_short(exc)}).") from None
            scan = page_scan(number, images, _page_area(page))
            if scan:
                found.append(scan)
    return found


def page_scan(number: int, images: list[PlacedImage], page_area: float) -> Scan | None:
    """The page's scan: its largest image (and the layers as large as it), or None when it has none."""
    candidates = [image for image in images if image.area >= SCAN_SHARE * page_area]
    if not candidates:
        return None
    largest = max(image.area for image in candidates)
    layers = [image for image in candidates if image.area >= LAYER_SHARE * largest]
    bits = [image.bits for image in layers if image.bits]
    return Scan(number, max(image.dpi for image in layers), max(bits) if bits else None)


def placed_images(content: pikepdf.Object | pikepdf.Page, resources: pikepdf.Object, ctm: pikepdf.Matrix,
                  depth: int) -> Iterator[PlacedImage]:
    """Every image drawn by ``content`` (a page or a form), following ``cm``, ``q``/``Q`` and nested forms."""
    saved = []
    for operands, operator in pikepdf.parse_content_stream(content, "q Q cm Do BI ID EI"):
        match str(operator):
            case "q":
                saved.append(ctm)
            case "Q" if saved:
                ctm = saved.pop()
            case "cm" if len(operands) == 6:
                ctm = pikepdf.Matrix(*(float(value) for value in operands)) @ ctm
            case "INLINE IMAGE":
                image = operands[0]
                yield from _measured(int(image.width), int(image.height), _bits(image.obj), ctm)
            case "Do" if operands:
                xobject = resources.get("/XObject", pikepdf.Dictionary()).get(operands[0])
                yield from _drawn(xobject, resources, ctm, depth)


def _drawn(xobject: pikepdf.Object | None, resources: pikepdf.Object, ctm: pikepdf.Matrix,
           depth: int) -> Iterator[PlacedImage]:
    if not isinstance(xobject, pikepdf.Stream):
        return
    if xobject.get("/Subtype") == pikepdf.Name.Image:
        yield from _measured(int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0)), _bits(xobject), ctm)
    elif xobject.get("/Subtype") == pikepdf.Name.Form and depth < MAX_FORM_DEPTH:
        matrix = pikepdf.Matrix(*(float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])))
        yield from placed_images(xobject, xobject.get("/Resources", resources), matrix @ ctm, depth + 1)


def _measured(width: int, height: int, bits: int | None, ctm: pikepdf.Matrix) -> Iterator[PlacedImage]:
    """The image space's unit square drawn through ``ctm``: its sides' lengths in points give the dpi."""
    placed_width, placed_height = math.hypot(ctm.a, ctm.b), math.hypot(ctm.c, ctm.d)
    if width > 0 and height > 0 and placed_width > 0 and placed_height > 0:
        dpi = min(width / placed_width, height / placed_height) * 72
        yield PlacedImage(placed_width * placed_height, dpi, bits)


def _bits(image: pikepdf.Object) -> int | None:
    """Bits per sample of an image dictionary: 1 for a mask, None when unsaid (JPEG 2000 carries its own)."""
    if image.get("/ImageMask") or image.get("/IM"):
        return 1
    bits = image.get("/BitsPerComponent", image.get("/BPC"))
    return int(bits) if bits is not None else None


def _page_area(page: pikepdf.Page) -> float:
    left, bottom, right, top = (float(v) for v in page.mediabox)
    return abs(right - left) * abs(top - bottom)


def _check_tail(path: Path, name: str) -> None:
    with open(path, "rb") as file:
        file.seek(max(0, Path(path).stat().st_size - TAIL))
        if b"%%EOF" not in file.read():
            raise DepositRefused(name, "is truncated: it does not end with %%EOF, as a whole PDF does.")


def _short(exc: Exception | str) -> str:
    """qpdf's message without the file path it starts with (the partner knows the file by another name)."""
    text = str(exc).strip()
    return text.split(": ", 1)[1] if text.startswith(("/", ".")) and ": " in text else text
