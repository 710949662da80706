"""The OpenAPI 3.0 description of ``/api`` (served at ``/api/openapi.json``)."""

from __future__ import annotations

from typing import Any

from crosswalks.model import ACCESS_LEVELS
from search.engine import MAX_SIZE, SORTS

_STRINGS = {"type": "array", "items": {"type": "string"}}
_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                   "parameter": {"type": "string", "description": "The parameter at fault."}},
}
_HOLDING = {
    "type": "object",
    "required": ["partner", "identifier", "access"],
    "description": "A partner record the result publishes, at its own level: a merged record (one work from "
                   "several partners) has one per partner record, a record alone one.",
    "properties": {"partner": {"type": "string"}, "identifier": {"type": "string"},
                   "access": {"type": "string", "enum": list(ACCESS_LEVELS), "nullable": True}},
}
_RECORD_HOLDING = {
    **_HOLDING,
    "required": ["partner", "identifier", "access", "actions"],
    "properties": {**_HOLDING["properties"], "actions": _STRINGS},
}
_RESULT = {
    "type": "object",
    "required": ["id", "title", "creators", "year", "languages", "kind", "access", "partners", "holdings",
                 "highlight"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "creators": _STRINGS,
        "year": {"type": "integer", "nullable": True},
        "languages": _STRINGS,
        "kind": {"type": "string", "nullable": True},
        "access": {"type": "string", "enum": list(ACCESS_LEVELS)},
        "partners": _STRINGS,
        "holdings": {"type": "array", "items": _HOLDING},
        "highlight": {"type": "object", "additionalProperties": {"type": "string"},
                      "description": "HTML-escaped field text with matching words in <mark>."},
    },
}
_BUCKET = {"type": "object", "required": ["value", "count"],
           "properties": {"value": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                          "count": {"type": "integer", "minimum": 0,
                                    "description": "0 only for a chosen filter value nothing matches."}}}
_SEARCH_ANSWER = {
    "type": "object",
    "required": ["total", "results", "facets", "next_cursor"],
    "properties": {
        "total": {"type": "integer", "minimum": 0},
        "results": {"type": "array", "items": _RESULT},
        "facets": {"type": "object", "additionalProperties": {"type": "array", "items": _BUCKET},
                   "description": "language, kind, access, partner, subject, year (decades). Multi-select: "
                                  "each facet counts with every filter but its own; chosen values are "
                                  "always listed."},
        "next_cursor": {"type": "string", "nullable": True},
    },
}
_EDITION = {
    "type": "object",
    "required": ["id", "title", "languages", "year", "url"],
    "description": "A record of the same work in other languages (a translation, or the original of one): "
                   "consolidation relates such records, it never merges them.",
    "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "languages": _STRINGS,
                   "year": {"type": "integer", "nullable": True},
                   "url": {"type": "string", "description": "Its page on the hub."}},
}
_RECORD = {
    "type": "object",
    "required": ["id", "oai_identifier", "datestamp", "deleted", "access", "actions", "partners", "holdings",
                 "record", "related", "links"],
    "properties": {
        "id": {"type": "string"}, "oai_identifier": {"type": "string"}, "datestamp": {"type": "string"},
        "deleted": {"type": "boolean"}, "access": {"type": "string"}, "actions": _STRINGS,
        "partners": _STRINGS, "holdings": {"type": "array", "items": _RECORD_HOLDING},
        "record": {"type": "object", "description": "The canonical record."},
        "related": {"type": "array", "items": _EDITION,
                    "description": "Its editions in other languages; empty when none is known."},
        "links": {"type": "object"},
    },
}


def _query(name: str, schema: dict[str, Any], description: str, many: bool = False) -> dict[str, Any]:
    if many:
        schema = {"type": "array", "items": schema}
    parameter = {"name": name, "in": "query", "required": False, "schema": schema, "description": description}
    if many:
        parameter.update(style="form", explode=True)
    return parameter


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi_document(base_url: str) -> dict[str, Any]:
    text = {"type": "string", "maxLength": 300}
    return {
        "openapi": "3.0.3",
        "info": {"title": "KazNEB Hub API", "version": "1.0.0",
                 "description": "Search the national collection and read its records."},
        "servers": [{"url": base_url.rstrip("/") + "/api"}],
        "paths": {
            "/search": {"get": {
                "summary": "Search records",
                "parameters": [
                    _query("q", {"type": "string", "maxLength": 1000},
                           'Words, "phrases", AND/OR/NOT or -word, title: author: subject: isbn: year:1990-2000, *'),
                    _query("partner", text, "Partner id (repeat for any of several).", many=True),
                    _query("language", text, "Language code such as kaz, rus, eng.", many=True),
                    _query("kind", text, "Kind of document (book, journal, ...).", many=True),
                    _query("access", {"type": "string", "enum": list(ACCESS_LEVELS)}, "Access level.", many=True),
                    _query("subject", text, "Subject heading.", many=True),
                    _query("year_from", {"type": "integer", "minimum": -9999, "maximum": 9999}, "First year."),
                    _query("year_to", {"type": "integer", "minimum": -9999, "maximum": 9999}, "Last year."),
                    _query("sort", {"type": "string", "enum": list(SORTS)}, "Order of results."),
                    _query("size", {"type": "integer", "minimum": 1, "maximum": MAX_SIZE}, "Results per page."),
                    _query("cursor", {"type": "string"}, "next_cursor of the previous page."),
                ],
                "responses": {
                    "200": _json(_SEARCH_ANSWER, "One page of results with facets."),
                    "400": _json(_ERROR, "A parameter is wrong; `parameter` names it."),
                    "503": _json(_ERROR, "The search engine is unavailable."),
                },
            }},
            "/records/{record_id}": {"get": {
                "summary": "One record, with links to its OAI-PMH renderings",
                "parameters": [{"name": "record_id", "in": "path", "required": True,
                                "schema": {"type": "string"}, "description": "Local id or OAI identifier."}],
                "responses": {
                    "200": _json(_RECORD, "The record."),
                    "404": _json(_ERROR, "No such record."),
                },
            }},
        },
    }
