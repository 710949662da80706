"""``/api``: search and records as JSON, described by ``/api/openapi.json``."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import HTTPException

from search.engine import BadRequest, SearchError
from web.openapi import openapi_document
from web.params import search_request
from web.records import record_json, related_editions
from web.services import search_engine, store

api_blueprint = Blueprint("api", __name__, url_prefix="/api")


@api_blueprint.get("/search")
def search():  # type: ignore[no-untyped-def]
    page = search_engine().search(search_request(request.args))
    answer = asdict(page)
    answer["results"] = answer.pop("hits")
    return jsonify(answer)


@api_blueprint.get("/records/<path:record_id>")
def record(record_id: str):  # type: ignore[no-untyped-def]
    view = store().find_hub_record(record_id)
    if view is None:
        return _error(404, "not_found", f"no record {record_id!r}", "record_id")
    return jsonify(record_json(view, request.url_root, related_editions(store(), view)))


@api_blueprint.get("/openapi.json")
def openapi():  # type: ignore[no-untyped-def]
    return jsonify(openapi_document(request.url_root))


@api_blueprint.errorhandler(BadRequest)
def bad_parameter(error: BadRequest):  # type: ignore[no-untyped-def]
    return _error(400, "bad_parameter", error.message, error.parameter)


@api_blueprint.errorhandler(SearchError)
def search_unavailable(error: SearchError):  # type: ignore[no-untyped-def]
    return _error(503, "search_unavailable", str(error))


@api_blueprint.app_errorhandler(HTTPException)
def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
    """JSON errors under /api, even for paths no route matches; other paths keep Flask's pages."""
    if not request.path.startswith(api_blueprint.url_prefix + "/"):
        return error
    return _error(error.code or 500, error.name.lower().replace(" ", "_"), error.description or error.name)


def _error(status: int, code: str, message: str, parameter: str | None = None):  # type: ignore[no-untyped-def]
    body = {"error": code, "message": message}
    if parameter is not None:
        body["parameter"] = parameter
    return jsonify(body), status
