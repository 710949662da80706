"""An image request carried out on a page derivative: region, size, rotation, quality, format (section 4.6).

Why the pyramid matters: the region is cut from the smallest level of the derivative that still
has enough pixels for the answer (a thumbnail of a 100-megapixel page reads a few tiles of the
1/64 level, a tile at scale factor 4 reads the 1/4 level), so the work follows the size of the
answer, not of the page.  Only the derivative is read: for a capped copy it is the capped page.
"""

from __future__ import annotations

import math

import pyvips

from objects.derivatives import Derivative
from web.iiif.params import ImageRequest, Region

#: JPEG quality of the answers.
QUALITY = 85
_KEEP_NOTHING = pyvips.enums.ForeignKeep.NONE
_TURNS = {90: "rot90", 180: "rot180", 270: "rot270"}


def render(derivative: Derivative, request: ImageRequest) -> bytes:
    """The encoded answer to ``request``."""
    image = extract(derivative, request.region, request.width, request.height)
    if request.mirror:
        image = image.fliphor()
    if request.rotation:
        image = getattr(image, _TURNS[request.rotation])()
    if request.quality in ("gray", "bitonal") and image.bands > 1:
        image = image.colourspace("b-w")
    if request.quality == "bitonal":
        image = image > 127  # 255 where the page is light, 0 where it is dark
    if request.format == "png":
        return image.pngsave_buffer(compression=6, keep=_KEEP_NOTHING)
    return image.jpegsave_buffer(Q=QUALITY, keep=_KEEP_NOTHING)


def extract(derivative: Derivative, region: Region, width: int, height: int) -> pyvips.Image:
    """The region at ``width`` x ``height``, cut from the smallest pyramid level with enough pixels
    (a level one pixel short is stretched by that pixel rather than reading a level four times larger)."""
    level, box = _level_for(derivative, region, width, height)
    image = derivative.level(level).crop(*box)
    if (image.width, image.height) != (width, height):
        image = image.resize(width / image.width, vscale=height / image.height)
        if (image.width, image.height) != (width, height):  # libvips rounds its own way; a pixel at most
            image = image.embed(0, 0, width, height, extend="copy")
    return image


def _level_for(derivative: Derivative, region: Region, width: int, height: int) -> tuple[int, tuple[int, ...]]:
    """(level, crop box in that level's pixels) for the region."""
    for level in range(len(derivative.levels) - 1, -1, -1):
        box = _box(derivative, level, region)
        if box[2] >= width - 1 and box[3] >= height - 1 or level == 0:
            return level, box
    raise AssertionError("unreachable: level 0 always answers")


def _box(derivative: Derivative, level: int, region: Region) -> tuple[int, int, int, int]:
    level_width, level_height = derivative.levels[level]
    fx, fy = level_width / derivative.width, level_height / derivative.height
    left, top = min(level_width - 1, math.floor(region.x * fx)), min(level_height - 1, math.floor(region.y * fy))
    right = min(level_width, max(left + 1, math.ceil((region.x + region.width) * fx - 1e-9)))
    bottom = min(level_height, max(top + 1, math.ceil((region.y + region.height) * fy - 1e-9)))
    return left, top, right - left, bottom - top
