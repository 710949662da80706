"""``/objects/<id>/...``: a deposited copy's files, its zip and its excerpt, as the copy's level allows.

Each route serves the object's head version and asks :func:`objects.access.decide` before it
touches a file; what the decision refuses is a 403 that explains why (:mod:`web.refusals`) and an
unknown object is a 404.  Only payload files have names here: a name is looked up among the
head version's payload files and nowhere else, so ``../``, the consent's name, ``kazneb.json``
or another object's file find nothing.  Files go out with Werkzeug's ``send_file`` (ranges,
``ETag`` = the file's SHA-512, ``Last-Modified`` = when the version was deposited, 304s, 416s).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, send_file, url_for

from objects.access import DOWNLOAD, EXCERPT, PAYLOAD, PREVIEW_PAGES, decide
from objects.copies import CopyFile, HeadCopy, head_copy
from objects.zipstream import ZipEntry, zip_length, zip_stream
from web.disposition import content_disposition
from web.refusals import Refused, refusal_response
from web.services import depository, store

delivery_blueprint = Blueprint("delivery", __name__, url_prefix="/objects")
delivery_blueprint.register_error_handler(Refused, refusal_response)


@delivery_blueprint.get("/<object_id>/download")
def download(object_id: str) -> Response:
    """The file of a one-file copy; for a copy of several files, the list of them and the zip."""
    copy = _allowed(object_id, DOWNLOAD)
    if len(copy.files) == 1:
        return _send_copy_file(copy, copy.files[0])
    return _file_list(copy)


@delivery_blueprint.get("/<object_id>/files/<path:name>")
def copy_file(object_id: str, name: str) -> Response:
    copy = _allowed(object_id, DOWNLOAD)
    found = copy.named(name)
    if found is None:
        abort(404)
    return _send_copy_file(copy, found)


@delivery_blueprint.get("/<object_id>/download.zip")
def download_zip(object_id: str) -> Response:
    """Every payload file in page order, zipped as the response is sent; its length is known before
    (catalogued sizes, :func:`objects.zipstream.zip_length`), so it is announced."""
    copy = _allowed(object_id, DOWNLOAD)
    for file in copy.files:
        _require(copy, DOWNLOAD, file.role)
    entries = [ZipEntry(file.name, file.path, file.size) for file in copy.files]
    response = Response(zip_stream(entries, copy.deposited_at), mimetype="application/zip")
    response.headers["Content-Length"] = str(zip_length(entries))
    response.headers["Content-Disposition"] = content_disposition(f"{copy.object_id}.zip")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@delivery_blueprint.get("/<object_id>/excerpt")
def excerpt(object_id: str) -> Response:
    """A PDF of the copy's first 24 pages (fewer if it has fewer), built once and kept."""
    copy = _allowed(object_id, EXCERPT)
    from objects.excerpt_cache import cached_excerpt  # pikepdf and friends load with the first excerpt
    from objects.excerpt_check import ExcerptError

    try:
        path = cached_excerpt(current_app.config["KAZNEB_SETTINGS"], copy)
    except ExcerptError:
        current_app.logger.exception("object %s: no excerpt could be made", copy.object_id)
        abort(500)
    first = Path(copy.files[0].name).stem if copy.files else copy.object_id
    name = f"{first}-pages-1-{min(PREVIEW_PAGES, copy.pages) or PREVIEW_PAGES}.pdf"
    return _send(path, "application/pdf", name, path.stem, copy)


def _allowed(object_id: str, route: str) -> HeadCopy:
    """The object's head version if ``route`` may serve it: 404 for no such object, 403 when refused."""
    copy = head_copy(store(), depository(), object_id)
    if copy is None:
        abort(404)
    _require(copy, route)
    return copy


def _require(copy: HeadCopy, route: str, role: str = PAYLOAD) -> None:
    decision = decide(copy.access, copy.withdrawn, route, role)
    if not decision.allowed:
        offers = {}
        if decide(copy.access, copy.withdrawn, EXCERPT).allowed:
            offers["excerpt"] = url_for("delivery.excerpt", object_id=copy.object_id)
        raise Refused(decision.reason, offers)


def _send_copy_file(copy: HeadCopy, file: CopyFile) -> Response:
    _require(copy, DOWNLOAD, file.role)
    return _send(file.path, file.media_type, file.name, file.sha512, copy)


def _send(path: Path, media_type: str, name: str, etag: str, copy: HeadCopy) -> Response:
    response = send_file(path, mimetype=media_type, conditional=True, etag=etag, last_modified=copy.deposited_at)
    response.headers["Content-Disposition"] = content_disposition(name, fallback=copy.object_id)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _file_list(copy: HeadCopy) -> Response:
    files = [{"name": file.name, "media_type": file.media_type, "pages": file.pages, "size": file.size,
              "size_mb": f"{file.size / 1e6:.1f}", "sha512": file.sha512,
              "url": url_for("delivery.copy_file", object_id=copy.object_id, name=file.name)} for file in copy.files]
    zip_url = url_for("delivery.download_zip", object_id=copy.object_id)
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        return jsonify(object=copy.object_id, version=copy.version, zip=zip_url,
                       files=[{k: v for k, v in file.items() if k != "size_mb"} for file in files])
    return Response(render_template("copy_files.html", files=files, zip_url=zip_url), mimetype="text/html")
