"""The search request as Elasticsearch/OpenSearch JSON, using only the DSL both share.

bool, multi_match, terms, range, post_filter, filter/terms/histogram aggregations, sort with
search_after.  Filters go in ``post_filter`` so that each facet's aggregation can carry all the
other filters but its own (multi-select facet counts, see :func:`search.engine.active_filters`).
"""

from __future__ import annotations

from typing import Any

from search import query as q
from search.document import FACETS
from search.engine import (
    FACET_NAMES,
    FACET_SIZE,
    FILTER_FIELDS,
    YEAR_BUCKET,
    SearchRequest,
    active_filters,
    add_selected,
)

#: _source fields a hit needs (display and highlighting).
SOURCE_FIELDS = ["id", "title", "creators", "year", "languages", "kind", "access", "partners", "holdings",
                 "subjects", "description"]
SORTS: dict[str, list[dict[str, Any]]] = {
    "relevance": [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}],
    "year_asc": [{"year": {"order": "asc", "missing": "_last"}}, {"id": {"order": "asc"}}],
    "year_desc": [{"year": {"order": "desc", "missing": "_last"}}, {"id": {"order": "asc"}}],
    "title": [{"title_sort": {"order": "asc"}}, {"id": {"order": "asc"}}],
}


def search_body(tree: q.Node, request: SearchRequest, search_after: list[Any] | None) -> dict[str, Any]:
    """One page (plus one hit, to know whether another page follows) with facets."""
    clauses = filter_clauses(request)
    body: dict[str, Any] = {
        "query": {"bool": {"must": [compile_node(tree)]}},
        "size": request.size + 1,
        "sort": SORTS[request.sort],
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
    }
    if clauses:  # hits and total only: the aggregations see the query's matches before it
        body["post_filter"] = _all_of(list(clauses.values()))
    if search_after is not None:
        body["search_after"] = search_after
    if request.facets:
        body["aggs"] = aggregations(request, clauses)
    return body


def aggregations(request: SearchRequest, clauses: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per facet, a ``filter`` aggregation with every filter but the facet's own around its counts.

    A facet with a filter also counts its chosen values (``selected``), which may fall outside
    the top :data:`FACET_SIZE`.
    """
    fields = {name: field for field, name in FACETS.items()}
    aggs: dict[str, Any] = {}
    for name in FACET_NAMES:
        if name == "year":
            inner: dict[str, Any] = {"values": {"histogram": {"field": "year", "interval": YEAR_BUCKET,
                                                                "min_doc_count": 1}}}
        else:
            inner = {"values": {"terms": {"field": fields[name], "size": FACET_SIZE}}}
            chosen = request.filters.get(name)
            if chosen:
                inner["selected"] = {"terms": {"field": fields[name], "include": chosen, "size": len(chosen)}}
        others = [clause for other, clause in clauses.items() if other != name]
        aggs[name] = {"filter": _all_of(others), "aggs": inner}
    return aggs


def read_facets(aggs: dict[str, Any], request: SearchRequest) -> dict[str, list[dict[str, Any]]]:
    """The facets of an answer to :func:`search_body`, chosen values included."""
    facets, selected = {}, {}
    for name in FACET_NAMES:
        if name not in aggs:
            continue
        agg = aggs[name]
        facets[name] = _buckets(name, agg["values"])
        if "selected" in agg:
            selected[name] = {b["key"]: int(b["doc_count"]) for b in agg["selected"].get("buckets", [])}
    add_selected(facets, request, selected)
    return facets


def _buckets(name: str, agg: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"value": int(b["key"]) if name == "year" else b["key"], "count": int(b["doc_count"])}
            for b in agg.get("buckets", []) if b["doc_count"] > 0]


def filter_clauses(request: SearchRequest) -> dict[str, dict[str, Any]]:
    """The request's filters by name (``year`` for the year range), as filter clauses."""
    clauses: dict[str, dict[str, Any]] = {name: {"terms": {FILTER_FIELDS[name]: values}}
                                          for name, values in request.filters.items() if values}
    if request.year_from is not None or request.year_to is not None:
        clauses["year"] = _year(request.year_from, request.year_to)
    return {name: clauses[name] for name in active_filters(request)}


def _all_of(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}


def compile_node(node: q.Node) -> dict[str, Any]:
    if isinstance(node, q.MatchAll):
        return {"match_all": {}}
    if isinstance(node, q.Term):
        return _term(node)
    if isinstance(node, q.Isbn):
        return {"terms": {"identifiers": node.forms}}
    if isinstance(node, q.YearRange):
        return _year(node.low, node.high)
    if isinstance(node, q.Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [compile_node(node.node)]}}
    if isinstance(node, q.And):
        return {"bool": {"must": [compile_node(child) for child in node.nodes]}}
    return {"bool": {"should": [compile_node(child) for child in node.nodes], "minimum_should_match": 1}}


def _term(term: q.Term) -> dict[str, Any]:
    should = []
    for kind, keys in (("exact", term.exact), ("stem", term.stem)):
        if not keys:
            continue
        fields = [f"{group}_{kind}^{boost:g}" for group, boost in q.FIELD_GROUPS[term.field]]
        match_type = "phrase" if len(keys) > 1 else "best_fields"
        should.append({"multi_match": {"query": " ".join(keys), "fields": fields, "type": match_type}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _year(low: int | None, high: int | None) -> dict[str, Any]:
    bounds = {}
    if low is not None:
        bounds["gte"] = low
    if high is not None:
        bounds["lte"] = high
    return {"range": {"year": bounds}}
