"""A TIFF read from its tags alone: its pages, their resolution and bit depth, and whether it is whole.

Why our own reader rather than libtiff: inspection must stay cheap whatever the file size, and
must notice a file cut short.  Walking the chain of image file directories (IFDs) touches a few
kilobytes; checking that every strip or tile (offset + byte count) ends inside the file finds a
truncated copy without reading a pixel.  Classic TIFF and BigTIFF, either byte order.
"""

from __future__ import annotations

import struct
import sys
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from objects.errors import DepositRefused
from objects.scan import Scan

#: TIFF field type -> struct code of one value (RATIONAL: two LONGs).
TYPES = {1: "B", 2: "B", 3: "H", 4: "I", 5: "II", 6: "b", 7: "B", 8: "h", 9: "i", 10: "ii", 11: "f", 12: "d",
         13: "I", 16: "Q", 17: "q", 18: "Q"}
NEW_SUBFILE_TYPE, WIDTH, LENGTH, BITS_PER_SAMPLE, COMPRESSION = 254, 256, 257, 258, 259
STRIP_OFFSETS, STRIP_BYTE_COUNTS, X_RESOLUTION, Y_RESOLUTION, RESOLUTION_UNIT = 273, 279, 282, 283, 296
TILE_OFFSETS, TILE_BYTE_COUNTS = 324, 325
WANTED = {NEW_SUBFILE_TYPE, WIDTH, LENGTH, BITS_PER_SAMPLE, COMPRESSION, STRIP_OFFSETS, STRIP_BYTE_COUNTS, X_RESOLUTION,
          Y_RESOLUTION, RESOLUTION_UNIT, TILE_OFFSETS, TILE_BYTE_COUNTS}
#: Compressions every libtiff reads: none, CCITT RLE/G3/G4, LZW, JPEG, Deflate (two codes), PackBits.
#: Others (JPEG 2000, old-style JPEG, ZSTD, WebP, LZMA...) depend on how a reader was built.
READABLE_COMPRESSIONS = {1, 2, 3, 4, 5, 7, 8, 32946, 32773}
REDUCED_IMAGE = 1  # NewSubfileType bit: a thumbnail or pyramid level of another page, not a page
PER_INCH = {2: 1.0, 3: 2.54}  # ResolutionUnit: inch, centimetre (1, "no unit", gives no dpi)
MAX_DIRECTORIES = 1_000_000
NATIVE = "<" if sys.byteorder == "little" else ">"


@dataclass(frozen=True)
class TiffPage:
    """One page: ``directory`` is its index in the IFD chain (what libvips calls ``page``)."""

    directory: int
    dpi: float | None
    bits: int | None


def read_pages(path: Path, name: str) -> list[TiffPage]:
    """Every page of the TIFF at ``path``; refuses (naming ``name``) a damaged or truncated one."""
    with open(path, "rb") as file:
        return _Reader(file, Path(path).stat().st_size, name).pages()


def scans(path: Path, name: str) -> list[Scan]:
    return [Scan(number, page.dpi, page.bits) for number, page in enumerate(read_pages(path, name), 1)]


class _Reader:
    """The IFD chain of one open file: header layout, then one directory after another."""

    def __init__(self, file: BinaryIO, size: int, name: str) -> None:
        self.file, self.size, self.name = file, size, name
        head = file.read(16)
        self.order = "<" if head[:2] == b"II" else ">"
        self.big = len(head) >= 4 and struct.unpack(self.order + "H", head[2:4])[0] == 43
        if len(head) < (16 if self.big else 8):
            self.refuse("is truncated: its TIFF header is incomplete.")
        self.offset_code, self.inline = ("Q", 8) if self.big else ("I", 4)
        self.first = struct.unpack(self.order + self.offset_code, head[8:16] if self.big else head[4:8])[0]

    def refuse(self, reason: str) -> None:
        raise DepositRefused(self.name, reason)

    def pages(self) -> list[TiffPage]:
        found, seen, offset = [], set(), self.first
        while offset:
            if offset in seen or len(seen) >= MAX_DIRECTORIES:
                self.refuse("is damaged: its chain of page directories loops back on itself.")
            seen.add(offset)
            tags, offset = self.directory(offset, len(seen))
            self.check_page(tags, len(seen))
            if not int(tags.get(NEW_SUBFILE_TYPE, [0])[0]) & REDUCED_IMAGE:
                found.append(TiffPage(len(seen) - 1, _dpi(tags), min(tags.get(BITS_PER_SAMPLE, [1])) or None))
        return found

    def directory(self, offset: int, number: int) -> tuple[dict[int, list], int]:
        """The wanted tags of the directory at ``offset``, and the offset of the next one (0: last)."""
        count_code, entry = ("Q", 20) if self.big else ("H", 12)
        count_size = struct.calcsize(count_code)
        raw = self.read(offset, count_size, number)
        count = struct.unpack(self.order + count_code, raw)[0]
        body = self.read(offset + count_size, count * entry + self.inline, number)
        tags = {}
        for start in range(0, count * entry, entry):
            tag, kind = struct.unpack(self.order + "HH", body[start:start + 4])
            if tag in WANTED and kind in TYPES:
                tags[tag] = self.values(kind, body[start + 4:start + entry], number)
        return tags, struct.unpack(self.order + self.offset_code, body[count * entry:])[0]

    def values(self, kind: int, field: bytes, number: int) -> list:
        """The values of one entry: inline in ``field`` when they fit, else at the offset it holds."""
        count = struct.unpack(self.order + self.offset_code, field[:self.inline])[0]
        data = field[self.inline:]
        length = count * struct.calcsize(TYPES[kind])
        if length > self.inline:
            data = self.read(struct.unpack(self.order + self.offset_code, data)[0], length, number)
        if kind in (5, 10):  # RATIONAL: numerator / denominator pairs
            pairs = struct.unpack(f"{self.order}{2 * count}{TYPES[kind][0]}", data[:length])
            return [n / d if d else 0.0 for n, d in zip(pairs[::2], pairs[1::2], strict=True)]
        values = array(TYPES[kind], data[:length])
        if self.order != NATIVE:
            values.byteswap()
        return values.tolist()

    def read(self, offset: int, length: int, number: int) -> bytes:
        if offset + length > self.size:
            self.refuse(f"is truncated: the directory of page {number} lies past the end of the file.")
        self.file.seek(offset)
        return self.file.read(length)

    def check_page(self, tags: dict[int, list], number: int) -> None:
        """Refuses the file when this page lacks its size, is compressed in a way not read everywhere,
        or has a strip or tile that would end past the file's last byte."""
        if WIDTH not in tags or LENGTH not in tags:
            self.refuse(f"is damaged: page {number} has no image width or height.")
        compression = int(tags.get(COMPRESSION, [1])[0])
        if compression not in READABLE_COMPRESSIONS:
            self.refuse(f"cannot be read: page {number} uses compression scheme {compression}, which the hub does not "
                        "read; send it uncompressed or with LZW, Deflate, PackBits, CCITT or JPEG compression.")
        offsets = tags.get(TILE_OFFSETS) or tags.get(STRIP_OFFSETS)
        counts = tags.get(TILE_BYTE_COUNTS) or tags.get(STRIP_BYTE_COUNTS)
        if not offsets:
            self.refuse(f"is damaged: page {number} has no image data.")
        if counts is not None and len(counts) != len(offsets):
            self.refuse(f"is damaged: page {number} has {len(offsets)} image data offsets but {len(counts)} sizes.")
        end = max(map(sum, zip(offsets, counts, strict=True))) if counts else max(offsets)
        if end > self.size:
            self.refuse(f"is truncated or damaged: the image data of page {number} would run to byte {end}, "
                        f"past the end of the file ({self.size} bytes).")


def _dpi(tags: dict[int, list]) -> float | None:
    """The lower of the two resolutions in dots per inch, or None when the file does not give them."""
    per_inch = PER_INCH.get(int(tags.get(RESOLUTION_UNIT, [2])[0]))
    resolutions = [tags[tag][0] for tag in (X_RESOLUTION, Y_RESOLUTION) if tags.get(tag)]
    if per_inch is None or not resolutions or min(resolutions) <= 0:
        return None
    return min(resolutions) * per_inch
