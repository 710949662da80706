"""The image request's parameters, parsed as IIIF Image API 3.0 section 4 defines them.

``{region}/{size}/{rotation}/{quality}.{format}`` becomes an :class:`ImageRequest` in pixels of
the service's full image, or an :class:`~web.iiif.errors.IIIFError`.  Pure functions: sizes in,
numbers out, no request object and no image, so each rule is tested on its own.

What is offered (the service's ``profile`` is level2, plus ``mirroring`` and ``sizeUpscaling``):
regions ``full``, ``square``, ``x,y,w,h``, ``pct:x,y,w,h``; every size form, ``^`` included, up
to ``maxWidth`` x ``maxHeight`` (the service's own size); rotations by 0, 90, 180, 270 with or
without ``!``; qualities ``default``, ``color``, ``gray``, ``bitonal``; formats ``jpg``, ``png``.
A valid request for anything else (``22.5`` degrees, ``.tif``) is 501; a malformed one is 400.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from web.iiif.errors import bad_request, not_implemented

NUMBER = r"\d{1,9}"
DECIMAL = r"\d{1,9}(?:\.\d{1,9})?"
QUALITIES = ("default", "color", "gray", "bitonal")
FORMATS = {"jpg": "image/jpeg", "png": "image/png"}
#: Formats the Image API names that this service does not make (501, not 400).
OTHER_FORMATS = ("tif", "gif", "jp2", "pdf", "webp")

_PIXELS = re.compile(rf"({NUMBER}),({NUMBER}),({NUMBER}),({NUMBER})")
_PERCENT = re.compile(rf"pct:({DECIMAL}),({DECIMAL}),({DECIMAL}),({DECIMAL})")
_SIZES = {
    "max": re.compile(r"(\^?)max"),
    "w,": re.compile(rf"(\^?)({NUMBER}),"),
    ",h": re.compile(rf"(\^?),({NUMBER})"),
    "pct": re.compile(rf"(\^?)pct:({DECIMAL})"),
    "w,h": re.compile(rf"(\^?)({NUMBER}),({NUMBER})"),
    "!w,h": re.compile(rf"(\^?)!({NUMBER}),({NUMBER})"),
}
_ROTATION = re.compile(rf"(!?)({DECIMAL})")


@dataclass(frozen=True)
class Region:
    """The extracted region, in pixels of the full image, already clipped to it."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class ImageRequest:
    region: Region
    width: int
    height: int
    mirror: bool
    rotation: int
    quality: str
    format: str


def parse(region: str, size: str, rotation: str, quality_format: str, full: tuple[int, int],
          maximum: tuple[int, int]) -> ImageRequest:
    """The whole request for a service whose full image is ``full`` and whose limits are ``maximum``."""
    quality, image_format = parse_quality_format(quality_format)
    extracted = parse_region(region, *full)
    width, height = parse_size(size, extracted.width, extracted.height, *maximum)
    mirror, degrees = parse_rotation(rotation)
    return ImageRequest(extracted, width, height, mirror, degrees, quality, image_format)


def parse_region(text: str, width: int, height: int) -> Region:
    """Section 4.1: a region beyond the image is cut at its edge; one of no area, or wholly outside, is 400."""
    if text == "full":
        return Region(0, 0, width, height)
    if text == "square":
        side = min(width, height)
        return Region((width - side) // 2, (height - side) // 2, side, side)
    if match := _PIXELS.fullmatch(text):
        x, y, w, h = (int(value) for value in match.groups())
    elif match := _PERCENT.fullmatch(text):
        px, py, pw, ph = (float(value) for value in match.groups())
        x, y = _half_up(px * width / 100), _half_up(py * height / 100)
        w, h = _half_up((px + pw) * width / 100) - x, _half_up((py + ph) * height / 100) - y
    else:
        raise bad_request(f"region {text!r} is not full, square, x,y,w,h or pct:x,y,w,h")
    if w <= 0 or h <= 0:
        raise bad_request(f"region {text!r} has no area")
    if x >= width or y >= height:
        raise bad_request(f"region {text!r} lies outside the image ({width} x {height})")
    return Region(x, y, min(w, width - x), min(h, height - y))


def parse_size(text: str, width: int, height: int, max_width: int, max_height: int) -> tuple[int, int]:
    """Section 4.2: the size of the answer for a region of ``width`` x ``height``.  Without ``^`` it may not
    be larger than the region; with it, not larger than the service's limits; never under one pixel."""
    form, match = next(((form, match) for form, pattern in _SIZES.items()
                        if (match := pattern.fullmatch(text))), (None, None))
    if form is None or match is None:
        raise bad_request(f"size {text!r} is not max, w,, ,h, pct:n, w,h or !w,h (with or without ^)")
    upscale, values = bool(match.group(1)), match.groups()[1:]
    if form == "max":
        scale = min(max_width / width, max_height / height)
        scale = scale if upscale else min(1.0, scale)
        answer = (max(1, _half_up(width * scale)), max(1, _half_up(height * scale)))
    elif form == "w,":
        answer = (int(values[0]), _scaled(height, int(values[0]), width))
    elif form == ",h":
        answer = (_scaled(width, int(values[0]), height), int(values[0]))
    elif form == "pct":
        percent = float(values[0])
        if percent > 100 and not upscale:
            raise bad_request(f"size {text!r}: more than 100 percent needs ^")
        answer = (_half_up(width * percent / 100), _half_up(height * percent / 100))
    elif form == "w,h":
        answer = (int(values[0]), int(values[1]))
    else:  # !w,h: the largest size within the box and the service's limits, keeping the proportions
        scale = min(int(values[0]) / width, int(values[1]) / height, max_width / width, max_height / height)
        scale = scale if upscale else min(1.0, scale)
        answer = (_half_up(width * scale), _half_up(height * scale))
    return _checked(text, answer, (width, height), (max_width, max_height), upscale)


def _scaled(side: int, new: int, other: int) -> int:
    """The side that keeps the proportions when ``other`` becomes ``new``."""
    return _half_up(side * new / other)


def _half_up(value: float) -> int:
    """Rounded half up (Python's round() goes to the even neighbour: 706.5 would be 706)."""
    return math.floor(value + 0.5)


def _checked(text: str, answer: tuple[int, int], region: tuple[int, int], maximum: tuple[int, int],
             upscale: bool) -> tuple[int, int]:
    if answer[0] < 1 or answer[1] < 1:
        raise bad_request(f"size {text!r} gives an image under one pixel")
    if not upscale and (answer[0] > region[0] or answer[1] > region[1]):
        raise bad_request(f"size {text!r} ({answer[0]} x {answer[1]}) is larger than the region "
                          f"({region[0]} x {region[1]}): only sizes with ^ may be larger")
    if answer[0] > maximum[0] or answer[1] > maximum[1]:
        raise bad_request(f"size {text!r} ({answer[0]} x {answer[1]}) is larger than this image service gives "
                          f"(maxWidth {maximum[0]}, maxHeight {maximum[1]})")
    return answer


def parse_rotation(text: str) -> tuple[bool, int]:
    """Section 4.3: (mirrored, degrees); multiples of 90 only (others are 501), from 0 to 360."""
    match = _ROTATION.fullmatch(text)
    if match is None:
        raise bad_request(f"rotation {text!r} is not n or !n")
    degrees = float(match.group(2))
    if degrees > 360:
        raise bad_request(f"rotation {text!r} is more than 360 degrees")
    if degrees % 90:
        raise not_implemented(f"rotation {text!r}: only multiples of 90 degrees are offered")
    return bool(match.group(1)), int(degrees) % 360


def parse_quality_format(text: str) -> tuple[str, str]:
    """Sections 4.4 and 4.5: ``quality.format``."""
    quality, dot, image_format = text.rpartition(".")
    if not dot:
        raise bad_request(f"{text!r} is not quality.format")
    if quality not in QUALITIES:
        raise bad_request(f"quality {quality!r} is not one of {', '.join(QUALITIES)}")
    if image_format in OTHER_FORMATS:
        raise not_implemented(f"format {image_format!r} is not offered (jpg and png are)")
    if image_format not in FORMATS:
        raise bad_request(f"format {image_format!r} is not an image format of the Image API")
    return quality, image_format
