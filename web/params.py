"""Query-string parameters of a search, checked; a wrong one raises BadRequest naming it."""

from __future__ import annotations

from crosswalks.model import ACCESS_LEVELS
from search.engine import FILTERS, MAX_SIZE, SORTS, BadRequest, SearchRequest

SEARCH_PARAMETERS = ("q", "sort", "size", "cursor", "year_from", "year_to", *FILTERS)
MAX_Q = 1000
MAX_VALUE = 300


def search_request(args, allowed: tuple[str, ...] = SEARCH_PARAMETERS,  # type: ignore[no-untyped-def]
                   default_size: int = 20, strict: bool = True) -> SearchRequest:
    """A :class:`SearchRequest` from query-string ``args`` (a werkzeug MultiDict).

    ``strict`` (the API) refuses empty values; the web form may send empty fields, which mean "not set".
    """
    for name in args:
        if name not in allowed:
            raise BadRequest(name, f"unknown parameter; the search takes {', '.join(SEARCH_PARAMETERS)}")
        if strict and name != "q" and "" in args.getlist(name):
            raise BadRequest(name, "must not be empty")
    q = _single(args, "q") or "*"
    if len(q) > MAX_Q:
        raise BadRequest("q", f"longer than {MAX_Q} characters")
    sort = _single(args, "sort") or "relevance"
    if sort not in SORTS:
        raise BadRequest("sort", f"must be one of {', '.join(SORTS)}")
    size = _integer(args, "size", 1, MAX_SIZE)
    year_from = _integer(args, "year_from", -9999, 9999)
    year_to = _integer(args, "year_to", -9999, 9999)
    if year_from is not None and year_to is not None and year_from > year_to:
        raise BadRequest("year_to", "must not be before year_from")
    filters = {}
    for name in FILTERS:
        values = [v for v in args.getlist(name) if v != ""]
        for value in values:
            if len(value) > MAX_VALUE or "\x00" in value:
                raise BadRequest(name, f"a value is longer than {MAX_VALUE} characters or not text")
            if name == "access" and value not in ACCESS_LEVELS:
                raise BadRequest("access", f"must be one of {', '.join(ACCESS_LEVELS)}")
        if values:
            filters[name] = values
    if "\x00" in q:
        raise BadRequest("q", "must be text")
    return SearchRequest(q=q, filters=filters, year_from=year_from, year_to=year_to, sort=sort,
                         size=size if size is not None else default_size,
                         cursor=_single(args, "cursor") or None)


def _single(args, name: str) -> str | None:  # type: ignore[no-untyped-def]
    values = args.getlist(name)
    if len(values) > 1:
        raise BadRequest(name, "given more than once")
    return values[0] if values else None


def _integer(args, name: str, low: int, high: int) -> int | None:  # type: ignore[no-untyped-def]
    raw = _single(args, name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw.strip())
    except ValueError as exc:
        raise BadRequest(name, f"must be a whole number, not {raw[:40]!r}") from exc
    if not low <= value <= high:
        raise BadRequest(name, f"must be between {low} and {high}")
    return value
