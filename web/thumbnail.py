"""``/objects/<id>/thumbnail``: page 1 of a copy as a small JPEG, for result lists and IIIF viewers.

Why it is safe at every level: the thumbnail is cut from the same page derivative the image
service serves (:func:`web.iiif.views.decided_page`, asked with the THUMBNAIL route of
:func:`objects.access.decide`), so a read-only or preview-24 copy's thumbnail comes from its
capped page, and it is never larger than that page (nothing is enlarged) nor than
:data:`SIDE`.  It is always encoded anew: the deposited file's bytes never leave through it.
Why page 1 only and one size: a thumbnail stands for the copy; any other page or size is the
image service's, rate limited there.  A refusal (a withdrawn copy) is the reader's 403 of
:mod:`web.refusals`, as on the delivery routes; an unknown copy is a 404.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, request

from objects.access import THUMBNAIL
from web.iiif.errors import IIIFError
from web.iiif.params import ImageRequest, Region
from web.iiif.transform import render
from web.refusals import Refused, refusal_response

thumbnail_blueprint = Blueprint("thumbnail", __name__, url_prefix="/objects")
thumbnail_blueprint.register_error_handler(Refused, refusal_response)
#: Long side of a thumbnail in pixels (a page smaller than this is given at its own size).
SIDE = 256


def thumbnail_size(width: int, height: int) -> tuple[int, int]:
    """The thumbnail's size for a page served at ``width`` x ``height``: long side :data:`SIDE`, never enlarged."""
    longest = max(width, height)
    if longest <= SIDE:
        return width, height
    return max(1, round(width * SIDE / longest)), max(1, round(height * SIDE / longest))


@thumbnail_blueprint.get("/<object_id>/thumbnail")
def thumbnail(object_id: str) -> Response:
    """Page 1, long side :data:`SIDE`, as JPEG; cached by browsers as long as page images are."""
    from web.iiif.views import MAX_AGE, decided_page

    decision, service = decided_page(object_id, 1, THUMBNAIL)
    if service is None:
        raise Refused(decision.reason)
    made = service.derivative
    width, height = thumbnail_size(made.width, made.height)
    wanted = ImageRequest(Region(0, 0, made.width, made.height), width, height, False, 0, "default", "jpg")
    response = Response(render(made, wanted), mimetype="image/jpeg")
    response.set_etag(hashlib.sha256(repr((object_id, made.identity, width, height)).encode()).hexdigest()[:32])
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Access-Control-Allow-Origin"] = "*"  # IIIF viewers on other sites show it
    return response.make_conditional(request)


def _iiif_error(error: IIIFError) -> Response:
    """No such copy (404), or no depository configured (503): a sentence of plain text, as the image service says it."""
    return Response(error.message + "\n", status=error.status, mimetype="text/plain")


thumbnail_blueprint.register_error_handler(IIIFError, _iiif_error)
