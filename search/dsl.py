"""The search request as Elasticsearch/OpenSearch JSON, using only the DSL both share.

bool, multi_match, terms, range, terms/histogram aggregations, sort with search_after.
"""

from __future__ import annotations

from typing import Any

from search import query as q
from search.document import FACETS
from search.engine import FACET_SIZE, FILTER_FIELDS, YEAR_BUCKET, SearchRequest

#: _source fields a hit needs (display and highlighting).
SOURCE_FIELDS = ["id", "title", "creators", "year", "languages", "kind", "access", "partners",
                 "subjects", "description"]
SORTS: dict[str, list[dict[str, Any]]] = {
    "relevance": [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}],
    "year_asc": [{"year": {"order": "asc", "missing": "_last"}}, {"id": {"order": "asc"}}],
    "year_desc": [{"year": {"order": "desc", "missing": "_last"}}, {"id": {"order": "asc"}}],
    "title": [{"title_sort": {"order": "asc"}}, {"id": {"order": "asc"}}],
}


def search_body(tree: q.Node, request: SearchRequest, search_after: list[Any] | None) -> dict[str, Any]:
    """One page (plus one hit, to know whether another page follows) with facets."""
    body: dict[str, Any] = {
        "query": {"bool": {"must": [compile_node(tree)], "filter": filters(request)}},
        "size": request.size + 1,
        "sort": SORTS[request.sort],
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
    }
    if search_after is not None:
        body["search_after"] = search_after
    if request.facets:
        body["aggs"] = aggregations()
    return body


def aggregations() -> dict[str, Any]:
    aggs: dict[str, Any] = {name: {"terms": {"field": field, "size": FACET_SIZE}}
                            for field, name in FACETS.items()}
    aggs["year"] = {"histogram": {"field": "year", "interval": YEAR_BUCKET, "min_doc_count": 1}}
    return aggs


def filters(request: SearchRequest) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = [{"terms": {FILTER_FIELDS[name]: values}}
                                     for name, values in request.filters.items()]
    if request.year_from is not None or request.year_to is not None:
        clauses.append(_year(request.year_from, request.year_to))
    return clauses


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
