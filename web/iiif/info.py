"""The image information document (``info.json``, Image API 3.0 section 5) of one page's image service.

Pure: the service's URI, the derivative's sizes and the probe service in, a dict out.  The
service's ``width`` and ``height`` are the derivative's, so for a read-only or preview-24 copy
they are the capped page's, and ``maxWidth``/``maxHeight`` say that nothing larger is given
(``sizeUpscaling`` needs them; for an open copy they are the page's own size).
"""

from __future__ import annotations

from typing import Any

from objects.derivatives import TILE, Derivative
from web.iiif.auth import AUTH_CONTEXT

IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"
PROTOCOL = "http://iiif.io/api/image"
PROFILE = "level2"
PROFILE_URI = "http://iiif.io/api/image/3/level2.json"
#: Features beyond level2 (whose own list covers regions, sizes, rotation by 90s, CORS, redirects, JSON-LD).
EXTRA_FEATURES = ["mirroring", "profileLinkHeader", "sizeUpscaling"]
#: The smallest size worth listing (a thumbnail).
SMALLEST_SIZE = 64


def info_json(service_id: str, derivative: Derivative, probe: dict[str, Any]) -> dict[str, Any]:
    """``service_id`` is the service's base URI (``.../iiif/3/<object>/p<n>``)."""
    return {
        "@context": [AUTH_CONTEXT, IMAGE_CONTEXT],
        "id": service_id,
        "type": "ImageService3",
        "protocol": PROTOCOL,
        "profile": PROFILE,
        "width": derivative.width,
        "height": derivative.height,
        "maxWidth": derivative.width,
        "maxHeight": derivative.height,
        "sizes": sizes(derivative),
        "tiles": [{"type": "Tile", "width": TILE, "height": TILE, "scaleFactors": scale_factors(derivative)}],
        "extraQualities": (["color"] if derivative.bands >= 3 else []) + ["gray", "bitonal"],
        "extraFeatures": EXTRA_FEATURES,
        "service": [probe],
    }


def sizes(derivative: Derivative) -> list[dict[str, Any]]:
    """The pyramid's levels, smallest first: whole-page sizes the service makes without resampling."""
    found = [{"type": "Size", "width": width, "height": height} for width, height in reversed(derivative.levels)
             if max(width, height) >= SMALLEST_SIZE]
    return found or [{"type": "Size", "width": derivative.width, "height": derivative.height}]


def scale_factors(derivative: Derivative) -> list[int]:
    """1, 2, 4... until one tile holds the whole page."""
    factors = [1]
    while -(-max(derivative.width, derivative.height) // factors[-1]) > TILE:
        factors.append(factors[-1] * 2)
    return factors
