"""A hub serving its IIIF image service over real HTTP, and the small readers the image service tests share."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from PIL import Image

from kazneb.app import create_app
from kazneb.config import Settings
from objects.catalogue import apply_event, utc_stamp
from tests.services.live_server import live_server

#: The cap the tests run with: small, so the generated pages (600 px and more) are all above it.
CAP = 300
#: The generated scans: 600 x 850 pixels at 300 dpi, all above the cap.
PAGE = (600, 850)
#: Whatever on a page could hand a reader a file: the pages' download and excerpt actions, any link to them.
DOWNLOAD_CONTROLS = (".action-download, .action-download_first_24_pages, a[href*='/download'], a[href*='/excerpt'], "
                     "a[href*='/files/']")


@dataclass
class Served:
    """The hub's base URL and where its derivatives go."""

    url: str
    cache: Path

    def get(self, path: str, **options: object) -> requests.Response:
        return requests.get(self.url + path, timeout=60, allow_redirects=False, **options)  # type: ignore[arg-type]

    def info(self, object_id: str, page: int = 1) -> dict:  # type: ignore[type-arg]
        answer = self.get(f"/iiif/3/{object_id}/p{page}/info.json")
        assert answer.status_code == 200, answer.text
        return answer.json()

    def image(self, object_id: str, request: str, page: int = 1) -> Image.Image:
        answer = self.get(f"/iiif/3/{object_id}/p{page}/{request}")
        assert answer.status_code == 200, f"{request}: {answer.status_code} {answer.text}"
        return Image.open(io.BytesIO(answer.content))


def iiif_settings(settings: Settings, depository_root: Path, cache: Path, **overrides: object) -> Settings:
    values = {**settings.values, "objects.root": str(depository_root), "delivery.derivatives": str(cache),
              "delivery.image_max_side": CAP, "delivery.image_rate_limit": "100000 per minute", **overrides}
    return dataclasses.replace(settings, values=values)


@contextmanager
def serving(settings: Settings, store, depository_root: Path, cache: Path,  # type: ignore[no-untyped-def]
            **overrides: object) -> Iterator[Served]:
    app = create_app(iiif_settings(settings, depository_root, cache, **overrides))
    app.extensions["kazneb_store"].engine.dispose()
    app.extensions["kazneb_store"] = store
    with live_server(app) as url:
        yield Served(url, cache)


def withdraw(store, object_id: str) -> None:  # type: ignore[no-untyped-def]
    """Withdraw a copy through the catalogue, as the withdraw event does."""
    with store.session() as session:
        apply_event(session, {"kind": "withdraw", "object": object_id, "at": utc_stamp(), "reason": "test"})


def tiles(info: dict, scale: int) -> Iterator[tuple[str, tuple[int, int]]]:  # type: ignore[type-arg]
    """Every tile request at ``scale`` as a deep-zoom viewer makes it (Image API implementation notes),
    with where the tile goes in the page scaled down by ``scale``."""
    width, height = info["width"], info["height"]
    tile = info["tiles"][0]
    side_w, side_h = tile["width"] * scale, tile.get("height", tile["width"]) * scale
    for y in range(0, height, side_h):
        for x in range(0, width, side_w):
            w, h = min(side_w, width - x), min(side_h, height - y)
            size = f"{-(-w // scale)},{-(-h // scale)}"
            yield f"{x},{y},{w},{h}/{size}/0/default.png", (x // scale, y // scale)
