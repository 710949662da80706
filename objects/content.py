"""What a deposited file is: its type read from its first bytes, its pages counted, its wholeness checked.

Why the content and never the name: a partner's ``scan.jpg`` may be a PDF and a ``book.pdf`` a
text file; only the bytes say what a reader will have to open in fifty years.  Each accepted
type has a module that opens it cheaply (headers, tags, page tree; never all pixels at once),
so a file of any size is inspected in flat memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from objects import jpeg, pdf, tiff
from objects.errors import DepositRefused

MEDIA_TYPES: tuple[str, ...] = ("application/pdf", "image/tiff", "image/jpeg")

#: Leading bytes -> media type.  TIFF in both byte orders, classic (42) and BigTIFF (43).
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"II*\0", "image/tiff"),
    (b"MM\0*", "image/tiff"),
    (b"II+\0", "image/tiff"),
    (b"MM\0+", "image/tiff"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def _jpeg_pages(path: Path, name: str) -> int:
    jpeg.check_whole(path, name)
    return 1


#: Media type -> how its pages are counted; each refuses a file it cannot read whole.
PAGE_COUNTERS: dict[str, Callable[[Path, str], int]] = {
    "application/pdf": pdf.count_pages,
    "image/tiff": lambda path, name: len(tiff.read_pages(path, name)),
    "image/jpeg": _jpeg_pages,
}


@dataclass(frozen=True)
class InspectedFile:
    """A deposited file that passed inspection: its type and page count, read from its content."""

    name: str  # the name the partner gave (used in messages and receipts)
    path: Path  # where it is on disk
    media_type: str
    pages: int


def inspect_file(path: Path, name: str | None = None) -> InspectedFile:
    """Read the type and the pages of the file at ``path``; refuse it (``DepositRefused(name, ...)``) when
    its type is not accepted, it is unreadable, truncated or encrypted, or it has no page."""
    path = Path(path)
    name = name or path.name
    media_type = sniff(path, name)
    pages = PAGE_COUNTERS[media_type](path, name)
    if pages < 1:
        raise DepositRefused(name, "has no pages.")
    return InspectedFile(name, path, media_type, pages)


def sniff(path: Path, name: str) -> str:
    """The media type of the file at ``path`` by its leading bytes; refuses any type not accepted."""
    try:
        with open(path, "rb") as file:
            head = file.read(8)
    except OSError as exc:
        raise DepositRefused(name, f"cannot be read ({exc.strerror}).") from None
    if not head:
        raise DepositRefused(name, "is empty.")
    for signature, media_type in SIGNATURES:
        if head.startswith(signature):
            return media_type
    raise DepositRefused(name, "is of an unknown type: by its content it is not a PDF, TIFF or JPEG file.")


def natural_order(names: Iterable[str]) -> list[str]:
    """``names`` in reading order: numbers by value ("p2.jpg" before "p10.jpg"), case ignored, ties kept."""
    return sorted(names, key=_natural_key)


def _natural_key(name: str) -> tuple[str | int, ...]:
    # re.split with a group alternates text and digits, text first, so keys compare part by part.
    return tuple(int(part) if index % 2 else part for index, part in enumerate(re.split(r"(\d+)", name.casefold())))
