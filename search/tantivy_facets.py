"""Multi-select facet counts as one tantivy aggregation request (the embedded engine's facet plan).

Facet ``f`` counts the query's matches that pass every active filter but ``f``'s own; the total
is the matches passing them all.  Filters are applied as nested ``filter`` aggregations in a
tree: each level either applies the next filter or, once per path, skips it.  The path that
applies every filter holds the unfiltered facets and the total; the path that skips filter ``f``
holds facet ``f``.  So each filter is evaluated at most once per document and per level, and
documents already left out by an outer filter are never looked at again, whatever the number
of filters (the request grows with the square of the number of active filters, at most six).
A filter deeper in the tree is evaluated in more branches, so the caller puts the filters that
match the most documents (the dearest to evaluate) first.
"""

from __future__ import annotations

from typing import Any

from search.engine import FACET_NAMES, FACET_SIZE, FILTER_FIELDS

TOTAL = "_total"


def facet_spec(name: str) -> dict[str, Any]:
    """The terms aggregation of one facet."""
    if name == "year":  # decades, as text: counting a few term ordinals is cheaper than a histogram
        return {"terms": {"field": "decade", "size": 1000}}
    return {"terms": {"field": FILTER_FIELDS[name], "size": FACET_SIZE}}


def plan(filters: dict[str, str]) -> dict[str, Any]:
    """The aggregation request for active filters (facet name → tantivy query text), outermost first."""
    active = list(filters)
    unfiltered = [name for name in FACET_NAMES if name not in filters]

    def level(at: int, skipped: str | None) -> dict[str, Any]:
        if at == len(active):
            if skipped is not None:
                return {skipped: facet_spec(skipped)}
            return {name: facet_spec(name) for name in unfiltered}
        name = active[at]
        spec = {f"_with_{name}": {"filter": filters[name], "aggs": level(at + 1, skipped)}}
        if skipped is None:
            spec.update(level(at + 1, name))
        return spec

    spec = level(0, None)
    if not active:
        spec[TOTAL] = {"value_count": {"field": "kind"}}  # every document has exactly one kind
    return spec


def read(answer: dict[str, Any], filters: dict[str, str]) -> tuple[dict[str, dict[str, Any]], int]:
    """Each facet's aggregation result and the total, from the answer to :func:`plan`."""
    found: dict[str, dict[str, Any]] = {}
    _collect(answer, found)
    if not filters:
        return found, int(answer[TOTAL]["value"] or 0)
    node = answer
    for name in filters:
        node = node[f"_with_{name}"]
    return found, int(node.get("doc_count", 0))


def _collect(node: dict[str, Any], found: dict[str, dict[str, Any]]) -> None:
    for key, value in node.items():
        if key.startswith("_with_"):
            _collect(value, found)
        elif key in FACET_NAMES and isinstance(value, dict):
            found[key] = value
