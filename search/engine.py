"""The one interface every search engine implements, and the request and answer shapes."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

SORTS = ("relevance", "year_asc", "year_desc", "title")
FILTERS = ("partner", "language", "kind", "access", "subject")
#: API filter name → document field.
FILTER_FIELDS = {"partner": "partners", "language": "languages", "kind": "kind", "access": "access",
                 "subject": "subjects"}
FACET_SIZE = 20
YEAR_BUCKET = 10
#: The facets of an answer, in order; each but ``year`` is also the name of a filter, and the year
#: range (``year_from``/``year_to``) is the ``year`` facet's filter.
FACET_NAMES = ("language", "kind", "access", "partner", "subject", "year")
MAX_SIZE = 100


class SearchError(Exception):
    """The engine failed or was asked something it cannot do; the message says what."""


class BadRequest(SearchError):
    """A search parameter is wrong; ``parameter`` names it (the API answers HTTP 400)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


@dataclass
class SearchRequest:
    """One search: the ``q`` syntax, exact-value filters, a year range, order and page."""

    q: str = "*"
    filters: dict[str, list[str]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    size: int = 20
    cursor: str | None = None
    facets: bool = True


@dataclass
class SearchPage:
    """One page of hits (index documents' display fields), facet counts and the next cursor."""

    total: int
    hits: list[dict[str, Any]]
    facets: dict[str, list[dict[str, Any]]]
    next_cursor: str | None


class SearchEngine(Protocol):
    """What the API, the indexer and the CLI need from an engine."""

    name: str

    def create(self) -> str:
        """Make a new, empty index with the current mapping and point the alias at it."""

    def begin_rebuild(self) -> SearchEngine:
        """An engine writing to a new index beside the live one (the alias is left alone)."""

    def finish_rebuild(self) -> str:
        """Point the alias at this rebuilt index and drop the one it replaces; its name."""

    def index(self, documents: Iterable[dict[str, Any]]) -> None:
        """Add or replace documents (by ``id``)."""

    def delete(self, ids: Iterable[str]) -> None:
        """Remove documents by ``id`` (unknown ids are ignored)."""

    def commit(self, position: int) -> None:
        """Make everything written so far durable and searchable, with the change-log position."""

    def position(self) -> int:
        """The change-log sequence number the index has caught up with (0 when new)."""

    def count(self) -> int:
        """Documents in the live index."""

    def search(self, request: SearchRequest) -> SearchPage:
        """Run one search."""

    def describe(self) -> dict[str, Any]:
        """Engine name, index name and anything an operator wants in ``kazneb index status``."""


def active_filters(request: SearchRequest) -> list[str]:
    """Names of the filters a request sets (``year`` for a year range), in :data:`FACET_NAMES` order.

    Facet counts are multi-select: facet ``name`` counts the records that match the query and every
    active filter except its own, so the other values of a chosen facet stay visible and selectable.
    The total and the hits use all of them.
    """
    chosen = {name for name, values in request.filters.items() if values}
    if request.year_from is not None or request.year_to is not None:
        chosen.add("year")
    return [name for name in FACET_NAMES if name in chosen]


def add_selected(facets: dict[str, list[dict[str, Any]]], request: SearchRequest,
                 counts: dict[str, dict[str, int]]) -> None:
    """Append each chosen filter value a facet's top buckets left out, with its count (0 if none).

    A reader must always see, and be able to untick, what they chose, even past the top
    :data:`FACET_SIZE` values or when nothing matches it any more.
    """
    for name, values in request.filters.items():
        if name not in facets:
            continue
        shown = {bucket["value"] for bucket in facets[name]}
        facets[name].extend({"value": value, "count": counts.get(name, {}).get(value, 0)}
                            for value in dict.fromkeys(values) if value not in shown)


def parse_q(text: str) -> Any:
    """The query tree of ``q``; a syntax error is a :class:`BadRequest` naming ``q``."""
    from search import query

    try:
        return query.parse(text)
    except query.QuerySyntaxError as exc:
        raise BadRequest("q", str(exc)) from exc


def encode_cursor(state: dict[str, Any]) -> str:
    raw = json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, required: str) -> Any:
    """The value under ``required`` in a cursor made by :func:`encode_cursor`."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        state = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        return state[required]
    except (ValueError, KeyError, TypeError, UnicodeError) as exc:
        raise BadRequest("cursor", "not a cursor from a previous answer of this search") from exc


def display_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """The fields a result shows, from a stored document."""
    return {
        "id": doc.get("id"),
        "title": doc.get("title") or "",
        "creators": list(doc.get("creators") or []),
        "year": doc.get("year"),
        "languages": list(doc.get("languages") or []),
        "kind": doc.get("kind"),
        "access": doc.get("access"),
        "partners": list(doc.get("partners") or []),
        "holdings": [dict(h) for h in doc.get("holdings") or []],
    }
