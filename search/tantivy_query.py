"""The ``q`` tree and the filters of a search as a tantivy query (the embedded engine's compiler)."""

from __future__ import annotations

import tantivy

from search import query as q
from search.engine import FILTER_FIELDS, SearchRequest

Occur = tantivy.Occur


class TantivyCompiler:
    """Builds tantivy queries over the key fields of :func:`search.embedded.build_schema`."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

    def filters(self, request: SearchRequest) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        clauses = []
        for name, values in request.filters.items():
            field = FILTER_FIELDS[name]
            either = [(Occur.Should, tantivy.Query.term_query(self.schema, field, v)) for v in values]
            clauses.append((Occur.Must, boolean(either)))
        if request.year_from is not None or request.year_to is not None:
            clauses.append((Occur.Must, self._year(request.year_from, request.year_to)))
        return clauses

    def _year(self, low: int | None, high: int | None) -> tantivy.Query:
        return tantivy.Query.range_query(self.schema, "year", tantivy.FieldType.Integer,
                                         low if low is not None else -100_000,
                                         high if high is not None else 100_000)

    def compile(self, node: q.Node) -> tantivy.Query:
        if isinstance(node, q.MatchAll):
            return tantivy.Query.all_query()
        if isinstance(node, q.Term):
            return self._term(node)
        if isinstance(node, q.Isbn):
            return boolean([(Occur.Should, tantivy.Query.term_query(self.schema, "identifiers", f))
                             for f in node.forms])
        if isinstance(node, q.YearRange):
            return self._year(node.low, node.high)
        if isinstance(node, q.Not):
            return boolean([(Occur.Must, tantivy.Query.all_query()),
                             (Occur.MustNot, self.compile(node.node))])
        occur = Occur.Must if isinstance(node, q.And) else Occur.Should
        return boolean([(occur, self.compile(child)) for child in node.nodes])

    def _term(self, term: q.Term) -> tantivy.Query:
        clauses = []
        for group, boost in q.FIELD_GROUPS[term.field]:
            for kind, keys in (("exact", term.exact), ("stem", term.stem)):
                if not keys:
                    continue
                field = f"{group}_{kind}"
                if len(keys) == 1:
                    inner = tantivy.Query.term_query(self.schema, field, keys[0])
                else:
                    inner = tantivy.Query.phrase_query(self.schema, field, keys)
                clauses.append((Occur.Should, tantivy.Query.boost_query(inner, boost)))
        return boolean(clauses)


def boolean(clauses: list[tuple[tantivy.Occur, tantivy.Query]]) -> tantivy.Query:
    if len(clauses) == 1 and clauses[0][0] in (Occur.Must, Occur.Should):
        return clauses[0][1]
    return tantivy.Query.boolean_query(clauses)
