"""The reading page's arithmetic: which page, at which zoom step, as which IIIF image URL.

Pure, so the rule that matters is easy to test: a step is never wider than the page's image
service (for a read-only or preview-24 copy, the capped page), so the page without JavaScript
asks for nothing the service would refuse or upscale.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Widths of the zoom steps, in pixels; the service's own width is always the last step.
ZOOM_WIDTHS: tuple[int, ...] = (600, 900, 1200, 1800, 2400, 3600)


def zoom_steps(service_width: int) -> list[int]:
    """The widths a reader can choose for a page whose service is ``service_width`` wide."""
    return [width for width in ZOOM_WIDTHS if width < service_width] + [service_width]


@dataclass(frozen=True)
class Reading:
    """Where the reader is: page ``page`` of ``pages`` at zoom step ``zoom`` of ``steps``."""

    page: int
    pages: int
    zoom: int
    steps: tuple[int, ...]

    @property
    def width(self) -> int:
        return self.steps[self.zoom]

    def image_url(self, service_id: str) -> str:
        """The page image at this step's width (Image API ``w,`` size)."""
        return f"{service_id}/full/{self.width},/0/default.jpg"


def reading(page: str | None, zoom: str | None, pages: int, steps: list[int]) -> Reading | None:
    """The reader's position from the query string (``?page=n&zoom=k``; page 1 and the first step
    by default); None for a page the copy does not have.  A zoom out of range is brought back in."""
    number = _number(page, 1)
    if number is None or not 1 <= number <= pages:
        return None
    step = _number(zoom, 0)
    step = 0 if step is None else max(0, min(step, len(steps) - 1))
    return Reading(number, pages, step, tuple(steps))


def _number(text: str | None, default: int) -> int | None:
    if text is None or text == "":
        return default
    return int(text) if text.isdigit() and len(text) < 8 else None
