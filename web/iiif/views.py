"""The routes of the IIIF image service (one per page) and of its probes, under ``/iiif/3``.

| route | what |
|---|---|
| ``/iiif/3/<id>/p<n>`` | 303 to the page's ``info.json`` (base URI redirect) |
| ``/iiif/3/<id>/p<n>/info.json`` | the page's image information |
| ``/iiif/3/<id>/p<n>/<region>/<size>/<rotation>/<quality>.<format>`` | a page image (rate limited) |
| ``/iiif/3/<id>/probe`` | Auth 2.0 probe of the copy's page images |
| ``/iiif/3/<id>/download/probe`` | Auth 2.0 probe of the copy's download, with the excerpt as substitute |
| ``/iiif/3/auth/token`` | the token service the probes' external access service names |

Every route asks :func:`objects.access.decide` (IMAGE for the image service, PROBE, DOWNLOAD and
EXCERPT for the probes) and serves what it allows: the decision's ``max_side`` picks the capped
derivative, so a capped copy's service is the capped page.  Images live in their own blueprint
because the rate limit is set per blueprint.  :func:`decided_page` is also how the thumbnail
(:mod:`web.thumbnail`) finds page 1 at the size its decision allows.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, redirect, request, url_for

from objects.access import DOWNLOAD, EXCERPT, IMAGE, PROBE, Decision, decide
from objects.cachedir import cache_root
from objects.derivatives import Derivative, ensure, page_path, read, usable, variant, version_dir
from objects.errors import StorageError
from objects.ids import ID_PATTERN
from objects.models import DigitalObject
from objects.pages import PageSource, page_sources
from objects.pagesizes import Size, capped, known, measured
from web.iiif import auth
from web.iiif.errors import IIIFError
from web.iiif.info import IMAGE_CONTEXT, PROFILE_URI, info_json
from web.iiif.params import FORMATS, parse
from web.iiif.transform import render
from web.services import depository, store

iiif_blueprint = Blueprint("iiif", __name__, url_prefix="/iiif/3")
images_blueprint = Blueprint("iiif_images", __name__, url_prefix="/iiif/3")
PAGE = re.compile(r"p([1-9][0-9]{0,6})")
ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+")
#: Seconds a browser or proxy may keep an answer: a withdrawal or a level change reaches it after this.
MAX_AGE = 300
TOKEN_SECONDS = 3600


@dataclass(frozen=True)
class PageService:
    """One page's image service as a request finds it: the copy, the page and its derivative."""

    object_id: str
    number: int
    derivative: Derivative


@iiif_blueprint.get("/<object_id>/<page>")
def base_uri(object_id: str, page: str):  # type: ignore[no-untyped-def]
    """Section 5.1 / level 1: the service's base URI redirects (303) to its image information."""
    _page_number(page)
    return redirect(url_for("iiif.image_information", object_id=object_id, page=page), 303)


@iiif_blueprint.get("/<object_id>/<page>/info.json")
def image_information(object_id: str, page: str):  # type: ignore[no-untyped-def]
    service = _service(object_id, page)
    probe = auth.probe_service(_external("iiif.probe", object_id=object_id), _external("iiif.token"))
    document = info_json(_external("iiif.base_uri", object_id=object_id, page=page), service.derivative, probe)
    response = _json(document, IMAGE_CONTEXT)
    response.headers["Link"] = f'<{PROFILE_URI}>;rel="profile"'
    return response


@images_blueprint.get("/<object_id>/<page>/<region>/<size>/<rotation>/<quality_format>")
def image(object_id: str, page: str, region: str, size: str, rotation: str, quality_format: str):  # type: ignore[no-untyped-def]
    service = _service(object_id, page)
    made = service.derivative
    wanted = parse(region, size, rotation, quality_format, (made.width, made.height), (made.width, made.height))
    response = Response(render(made, wanted), mimetype=FORMATS[wanted.format])
    response.headers["Link"] = f'<{PROFILE_URI}>;rel="profile"'
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


@iiif_blueprint.get("/<object_id>/probe")
def probe(object_id: str):  # type: ignore[no-untyped-def]
    """The page images' probe: 200 for every level the images are served at, 403 for a withdrawn copy."""
    row = _copy(object_id)
    state = decide(row.access, row.withdrawn, PROBE).reason.removeprefix("level:")
    images = decide(row.access, row.withdrawn, IMAGE, cap=_cap())
    return _json(auth.probe_result(200 if images.allowed else 403, state, _cap()), auth.AUTH_CONTEXT, cache=False)


@iiif_blueprint.get("/<object_id>/download/probe")
def download_probe(object_id: str):  # type: ignore[no-untyped-def]
    """The download's probe: 200 for open copies; a refusal otherwise, offering the excerpt where allowed."""
    row = _copy(object_id)
    state = decide(row.access, row.withdrawn, PROBE).reason.removeprefix("level:")
    download = decide(row.access, row.withdrawn, DOWNLOAD)
    substitute = None
    if decide(row.access, row.withdrawn, EXCERPT).allowed and not download.allowed:
        substitute = [auth.excerpt(request.url_root + f"objects/{object_id}/excerpt")]
    return _json(auth.probe_result(200 if download.allowed else 403, state, _cap(), substitute), auth.AUTH_CONTEXT,
                 cache=False)


@iiif_blueprint.get("/auth/token")
def token():  # type: ignore[no-untyped-def]
    """The access token service: any viewer gets a token (access depends on the copy, not on who asks)."""
    message_id, origin = request.args.get("messageId", ""), request.args.get("origin", "")
    if not message_id or len(message_id) > 200 or not ORIGIN.fullmatch(origin):
        raise IIIFError(400, "the token service needs messageId and origin (scheme://host[:port])")
    page = auth.token_page(message_id, origin, secrets.token_urlsafe(18), TOKEN_SECONDS)
    return Response(page, mimetype="text/html", headers={"Cache-Control": "no-store"})


def _service(object_id: str, page: str) -> PageService:
    """The page's derivative for what the copy's level allows; a refusal is the Image API's 403."""
    decision, service = decided_page(object_id, _page_number(page), IMAGE)
    if service is None:
        raise IIIFError(403, f"the page images of {object_id} are not served ({decision.reason})")
    return service


def decided_page(object_id: str, number: int, route: str) -> tuple[Decision, PageService | None]:
    """What ``route`` (IMAGE, THUMBNAIL) may have of the copy, and page ``number``'s derivative at the
    size that decision allows (None when it refuses), made now if missing (the first view).

    Why the decision goes back to the caller: each route refuses in its own words (the Image API's
    plain-text 403, the reader's page of :mod:`web.refusals`); what it may read is decided here, once."""
    decision, pages = _pages(object_id, route)
    if pages is None:
        return decision, None
    if number > len(pages.full):
        raise IIIFError(404, f"{object_id} has no page {number}")
    size = capped(pages.full[number - 1], pages.max_side)
    made = read(page_path(pages.cache, object_id, pages.version, number, variant(pages.max_side)))
    if usable(made, size):
        assert made is not None
        return decision, PageService(object_id, number, made)
    source = pages.sources()[number - 1]
    made = ensure(pages.cache, source, object_id, pages.version, pages.max_side, size)
    return decision, PageService(object_id, number, made)


@dataclass(frozen=True)
class _Pages:
    """A copy's current version as its image services serve it: the cap its level allows and each
    page's full size (capped as a page is asked for: a tile request needs one of hundreds)."""

    object_id: str
    version: int
    max_side: int | None
    full: list[Size]
    cache: Path
    known_sources: list[PageSource] | None

    def sources(self) -> list[PageSource]:
        """The pages' files (read from the catalogue only when a page is to be made)."""
        if self.known_sources is not None:
            return self.known_sources
        with store().reading() as session:
            return page_sources(session, _depository(), self.object_id, self.version)


def _pages(object_id: str, route: str = IMAGE) -> tuple[Decision, _Pages | None]:
    """What ``route`` may have of the copy, and its pages and their sizes (None when refused): kept
    beside the derivatives, else measured now, after the catalogue's transaction (no snapshot is
    held while a long book is measured)."""
    cache = _cache()
    with store().reading() as session:
        row = _copy(object_id, session)
        decision = decide(row.access, row.withdrawn, route, cap=_cap())
        if not decision.allowed:
            return decision, None
        version = row.head
        kept = known(version_dir(cache, object_id, version))
        sources = None if kept is not None else page_sources(session, _depository(), object_id, version)
    if sources is not None:
        kept = measured(version_dir(cache, object_id, version), sources)
    assert kept is not None
    return decision, _Pages(object_id, version, decision.max_side, kept, cache, sources)


def page_service(object_id: str, number: int) -> PageService:
    """Page ``number``'s derivative as its image service serves it (for the reading page's sizes)."""
    return _service(object_id, f"p{number}")


def page_sizes(object_id: str) -> list[Size]:
    """Every page's size as its image service gives it, without making any page: a manifest's canvases
    are as large as the services (:mod:`objects.pagesizes` says how large without drawing)."""
    decision, pages = _pages(object_id)
    if pages is None:
        raise IIIFError(403, f"the page images of {object_id} are not served ({decision.reason})")
    return [capped(size, pages.max_side) for size in pages.full]


def probes(object_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The descriptions of the page images' probe and of the download's probe."""
    token_id = _external("iiif.token")
    return (auth.probe_service(_external("iiif.probe", object_id=object_id), token_id),
            auth.probe_service(_external("iiif.download_probe", object_id=object_id), token_id))


def _copy(object_id: str, session=None) -> DigitalObject:  # type: ignore[no-untyped-def]
    """The catalogued copy, or 404."""
    if not ID_PATTERN.fullmatch(object_id):
        raise IIIFError(404, f"no copy {object_id!r}")
    if session is None:
        with store().reading() as session:
            return _copy(object_id, session)
    row = session.get(DigitalObject, object_id)
    if row is None:
        raise IIIFError(404, f"no copy {object_id!r}")
    return row


def _page_number(page: str) -> int:
    match = PAGE.fullmatch(page)
    if match is None:
        raise IIIFError(404, f"no image {page!r}: pages are p1, p2, ...")
    return int(match.group(1))


def _cap() -> int:
    return int(current_app.config["KAZNEB_SETTINGS"]["delivery.image_max_side"])


def _cache() -> Path:
    return _configured("kazneb_derivatives", lambda settings: cache_root(settings))


def _depository():  # type: ignore[no-untyped-def]
    """The app's depository (``web.services.depository``); 503 when the settings name no root."""
    try:
        return depository()
    except StorageError as exc:
        raise IIIFError(503, str(exc)) from exc


def _configured(key: str, make):  # type: ignore[no-untyped-def]
    """A per-app object made from the settings on first use; 503 when the settings name no folder for it."""
    extensions = current_app.extensions
    if key not in extensions:
        try:
            extensions[key] = make(current_app.config["KAZNEB_SETTINGS"])
        except StorageError as exc:
            raise IIIFError(503, str(exc)) from exc
    return extensions[key]


def _external(endpoint: str, **values: str) -> str:
    return url_for(endpoint, _external=True, **values)


def _json(document: dict[str, Any], context: str, cache: bool = True) -> Response:
    """JSON-LD with its context as profile, or plain JSON for a client that asks only for that (section 5.1)."""
    chosen = request.accept_mimetypes.best_match(["application/ld+json", "application/json"],
                                                 default="application/ld+json")
    if not request.headers.get("Accept"):
        chosen = "application/ld+json"
    mimetype = f'application/ld+json;profile="{context}"' if chosen == "application/ld+json" else "application/json"
    response = Response(json.dumps(document, ensure_ascii=False, indent=1), content_type=mimetype)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}" if cache else "no-cache"
    return response


def _cors(response: Response) -> Response:
    """CORS on every answer, errors included (section 7.1); the probes are asked with an Authorization header."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Headers"] = "Authorization"
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _error(error: IIIFError) -> Response:
    """Section 7.3: the status, and a sentence saying why in plain text."""
    return Response(error.message + "\n", status=error.status, mimetype="text/plain")


for _blueprint in (iiif_blueprint, images_blueprint):
    _blueprint.after_request(_cors)
    _blueprint.register_error_handler(IIIFError, _error)
