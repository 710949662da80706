"""``/objects/<id>/manifest`` (IIIF Presentation 3.0) and ``/objects/<id>/view`` (the reading page).

Both ask :func:`objects.access.decide` first (MANIFEST, VIEW): a withdrawn copy is a 403 that
says why (:mod:`web.refusals`).  What they offer to take away is decided again, per link:
DOWNLOAD for the copy itself, EXCERPT for the first 24 pages, and nothing otherwise — a
read-only copy's page has no download control, and its images are the capped service's, so
there is no file to fetch.  The manifest's ``thumbnail`` (page 1, :mod:`web.thumbnail`) is named
where THUMBNAIL allows it.  The reading page works without JavaScript (an ``<img>`` per page,
links for pages and zoom steps); where the operator installed Mirador
(``scripts/install_mirador.sh``), it opens the manifest in it.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from objects.access import DOWNLOAD, EXCERPT, MANIFEST, THUMBNAIL, VIEW, decide
from objects.copies import HeadCopy, head_copy
from objects.models import DigitalObject
from repository.publishing import record_path
from web.iiif.errors import IIIFError
from web.iiif.presentation import PRESENTATION_CONTEXT, Link, ManifestCopy, Thumbnail, manifest
from web.reading import reading, zoom_steps
from web.refusals import Refused, refusal_response
from web.services import depository, store
from web.thumbnail import thumbnail_size

viewer_blueprint = Blueprint("viewer", __name__, url_prefix="/objects")
viewer_blueprint.register_error_handler(Refused, refusal_response)
#: Where the setup script puts Mirador's bundle, under the pages' static folder.
MIRADOR = "vendor/mirador/mirador.min.js"


@viewer_blueprint.get("/<object_id>/manifest")
def manifest_route(object_id: str) -> Response:
    """The manifest; ``?probes=none`` leaves out the Auth 2.0 probe services, for the reading
    page's Mirador 4.0.0, which stops with a TypeError on a service without a ``profile`` (Auth 2
    probes have none) and paints no page.  Nothing depends on the probes for enforcement: every
    image and file route asks ``decide`` itself."""
    copy = _allowed(object_id, MANIFEST)
    from web.iiif.views import page_sizes, probes

    local_id, record = _record(object_id)
    image_probe, download_probe = probes(object_id) if request.args.get("probes") != "none" else (None, None)
    pages = page_sizes(object_id)
    document = manifest(ManifestCopy(
        manifest_id=url_for("viewer.manifest_route", object_id=object_id, _external=True),
        service_base=request.url_root + f"iiif/3/{object_id}",
        level=copy.access,
        title=record.main_title if record else None,
        pages=pages,
        image_probe=image_probe, download_probe=download_probe,
        metadata=_metadata(record),
        homepage=Link(request.url_root.rstrip("/") + record_path(local_id), "record", "text/html")
        if record else None,
        rendering=_rendering(copy, external=True),
        thumbnail=_thumbnail(copy, pages[0]) if pages else None,
    ))
    response = Response(json.dumps(document, ensure_ascii=False, indent=1),
                        content_type=f'application/ld+json;profile="{PRESENTATION_CONTEXT}"')
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@viewer_blueprint.get("/<object_id>/view")
def view(object_id: str) -> str:
    """Page ``?page=n`` at zoom step ``?zoom=k``, with links to the others."""
    copy = _allowed(object_id, VIEW)
    from web.iiif.views import page_service

    pages = sum(max(file.pages, 1) for file in copy.files)
    first = reading(request.args.get("page"), "0", pages, [1])
    if first is None:
        abort(404)
    service = page_service(object_id, first.page)
    here = reading(request.args.get("page"), request.args.get("zoom"), pages, zoom_steps(service.derivative.width))
    assert here is not None
    local_id, record = _record(object_id)
    mirador = (Path(_static_folder()) / MIRADOR).is_file()
    return render_template(
        "viewer.html", copy=copy, here=here, record=record,
        record_url=record_path(local_id) if record else None,
        image=here.image_url(url_for("iiif.base_uri", object_id=object_id, page=f"p{here.page}")),
        height=round(service.derivative.height * here.width / service.derivative.width),
        link=lambda page, zoom: url_for("viewer.view", object_id=object_id, page=page, zoom=zoom),
        manifest_url=url_for("viewer.manifest_route", object_id=object_id),
        mirador_manifest_url=url_for("viewer.manifest_route", object_id=object_id, probes="none"),
        rendering=_rendering(copy, external=False),
        mirador=url_for("pages.static", filename=MIRADOR) if mirador else None)


def _allowed(object_id: str, route: str) -> HeadCopy:
    copy = head_copy(store(), depository(), object_id)
    if copy is None:
        abort(404)
    decision = decide(copy.access, copy.withdrawn, route)
    if not decision.allowed:
        raise Refused(decision.reason)
    return copy


def _rendering(copy: HeadCopy, external: bool) -> Link | None:
    """What the level lets a reader take away: the copy (open), its first 24 pages (preview-24), or nothing."""
    if decide(copy.access, copy.withdrawn, DOWNLOAD).allowed:
        if len(copy.files) == 1:
            url = url_for("delivery.download", object_id=copy.object_id, _external=external)
            return Link(url, "download", copy.files[0].media_type)
        return Link(url_for("delivery.download_zip", object_id=copy.object_id, _external=external), "download",
                    "application/zip", "Dataset")
    if decide(copy.access, copy.withdrawn, EXCERPT).allowed:
        return Link(url_for("delivery.excerpt", object_id=copy.object_id, _external=external), "excerpt",
                    "application/pdf")
    return None


def _thumbnail(copy: HeadCopy, first_page: tuple[int, int]) -> Thumbnail | None:
    """Page 1's thumbnail, as large as the thumbnail route will make it from that page's service."""
    if not decide(copy.access, copy.withdrawn, THUMBNAIL).allowed:
        return None
    url = url_for("thumbnail.thumbnail", object_id=copy.object_id, _external=True)
    return Thumbnail(url, *thumbnail_size(*first_page))


def _record(object_id: str):  # type: ignore[no-untyped-def]
    """The local id of the copy's record and its canonical record (None once the record is gone)."""
    with store().reading() as session:
        local_id = session.get(DigitalObject, object_id).local_id
    view = store().find_hub_record(local_id)
    return local_id, (view.canonical if view is not None and not view.deleted else None)


def _metadata(record) -> list[tuple[str, list[str]]]:  # type: ignore[no-untyped-def]
    if record is None:
        return []
    return [("title", [record.main_title] if record.main_title else []),
            ("authors", [agent.name for agent in record.creators]),
            ("year", [str(record.year)] if record.year else []),
            ("publisher", list(record.publishers)),
            ("language", list(record.languages)),
            ("identifier", [f"{i.scheme.upper()} {i.value}" for i in record.identifiers])]


def _static_folder() -> str:
    return current_app.blueprints["pages"].static_folder or ""


def _iiif_error(error: IIIFError) -> Response:
    return Response(error.message + "\n", status=error.status, mimetype="text/plain")


viewer_blueprint.register_error_handler(IIIFError, _iiif_error)
