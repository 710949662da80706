"""A JPEG checked whole (its end marker present, every byte of it decoded) and its resolution read.

Why decode it all: a JPEG's header says nothing of its length, so only reading the compressed
data to its end shows a copy cut short.  libvips decodes at an eighth of the size (the JPEG's
own DCT scaling), which reads every byte but builds a small image: memory stays flat.
Any decoder complaint refuses the file, warnings included: libjpeg only *warns* when the data
stops before the image is complete and an end marker follows, and a correct encoder's output
decodes without one.
"""

from __future__ import annotations

from pathlib import Path

import pyvips
from PIL import Image

from objects.errors import DepositRefused
from objects.scan import Scan

END_OF_IMAGE = b"\xff\xd9"
#: The end marker must lie within the file's last this many bytes (some software pads after it).
TAIL = 64 * 1024


def check_whole(path: Path, name: str) -> None:
    """Refuses (naming ``name``) a JPEG without its end marker or whose data does not decode to the end."""
    with open(path, "rb") as file:
        file.seek(max(0, Path(path).stat().st_size - TAIL))
        if END_OF_IMAGE not in file.read():
            raise DepositRefused(name, "is truncated: it lacks the end-of-image marker every whole JPEG ends with.")
    try:
        source = pyvips.Source.new_from_file(str(path))
        pyvips.Image.new_from_source(source, "", access="sequential", shrink=8, fail_on="warning").avg()
    except pyvips.Error as exc:
        raise DepositRefused(name, f"cannot be decoded as a JPEG ({_first_line(exc)}).") from None


def scans(path: Path, name: str) -> list[Scan]:
    """The one page's resolution (JFIF density or EXIF) and bits per sample, from the header."""
    try:
        with Image.open(path) as image:
            dpi = image.info.get("dpi")
            bits = getattr(image, "bits", 8)
    except (OSError, ValueError) as exc:
        raise DepositRefused(name, f"cannot be read as a JPEG ({exc}).") from None
    known = dpi and min(float(value) for value in dpi) > 0
    return [Scan(1, min(float(value) for value in dpi) if known else None, bits)]


def _first_line(exc: pyvips.Error) -> str:
    """libvips' detail (its first line is only "unable to call ...")."""
    lines = [line.strip() for line in str(exc.detail or exc).splitlines() if line.strip()]
    return lines[-1] if lines else "unknown error"
