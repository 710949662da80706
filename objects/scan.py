"""How one page was scanned, as its file records it: what the resolution and bit-depth checks judge."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scan:
    """One page's recorded resolution and bit depth.

    Read from headers and tags only (never from pixels) so judging a page costs nothing
    whatever its size.  ``None`` means the file does not say: such a page is flagged,
    not guessed at.
    """

    page: int
    dpi: float | None  # the lower of the horizontal and vertical resolutions, in dots per inch
    bits: int | None  # bits per sample: 1 is black and white, 8 a usual grey or colour scan
