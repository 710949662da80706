"""The ``q`` tree and the filters of a search as a tantivy query (the embedded engine's compiler)."""

from __future__ import annotations

import tantivy

from search import query as q
from search.engine import FILTER_FIELDS, SearchRequest

Occur = tantivy.Occur


class TantivyCompiler:
    """Builds tantivy queries over the key fields of :func:`search.embedded.build_schema`.

    ``scoring=False`` gives the cheapest query that matches the same records (an unfielded word is
    looked up in ``all_*`` only, which holds every other group's words): counts and facets use it.
    ``scoring=True`` adds the title/creator/subject boosts as optional clauses for ranking.
    """

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

    def filters(self, request: SearchRequest) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """Filter clauses that restrict without changing scores."""
        clauses = []
        for name, values in request.filters.items():
            field = FILTER_FIELDS[name]
            either = [(Occur.Should, tantivy.Query.term_query(self.schema, field, v)) for v in values]
            clauses.append((Occur.Must, tantivy.Query.const_score_query(boolean(either), 0.0)))
        if request.year_from is not None or request.year_to is not None:
            year = self._year(request.year_from, request.year_to)
            clauses.append((Occur.Must, tantivy.Query.const_score_query(year, 0.0)))
        return clauses

    def filter_strings(self, request: SearchRequest) -> dict[str, str]:
        """Each active filter as tantivy query-parser text, for ``filter`` aggregations (which take only text).

        Values are quoted and escaped, so any subject or partner id is one exact term.
        """
        strings = {name: f"{FILTER_FIELDS[name]}: IN [{' '.join(_quoted(v) for v in values)}]"
                   for name, values in request.filters.items() if values}
        if request.year_from is not None or request.year_to is not None:
            low = request.year_from if request.year_from is not None else "*"
            high = request.year_to if request.year_to is not None else "*"
            strings["year"] = f"year:[{low} TO {high}]"
        return strings

    def _year(self, low: int | None, high: int | None) -> tantivy.Query:
        return tantivy.Query.range_query(self.schema, "year", tantivy.FieldType.Integer,
                                         low if low is not None else -100_000,
                                         high if high is not None else 100_000)

    def compile(self, node: q.Node, scoring: bool = True) -> tantivy.Query:
        if isinstance(node, q.MatchAll):
            return tantivy.Query.all_query()
        if isinstance(node, q.Term):
            return self._term(node, scoring)
        if isinstance(node, q.Isbn):
            return boolean([(Occur.Should, tantivy.Query.term_query(self.schema, "identifiers", f))
                            for f in node.forms])
        if isinstance(node, q.YearRange):
            return self._year(node.low, node.high)
        if isinstance(node, q.Not):
            return boolean([(Occur.Must, tantivy.Query.all_query()),
                            (Occur.MustNot, self.compile(node.node, scoring=False))])
        occur = Occur.Must if isinstance(node, q.And) else Occur.Should
        return boolean([(occur, self.compile(child, scoring)) for child in node.nodes])

    def _term(self, term: q.Term, scoring: bool) -> tantivy.Query:
        groups = q.FIELD_GROUPS[term.field]
        widest = "all" if term.field is None else groups[0][0]
        match = boolean([(Occur.Should, self._keys(widest, kind, keys)) for kind, keys in self._streams(term)])
        if not scoring or term.field is not None:
            return match
        boosts = [(Occur.Should, tantivy.Query.boost_query(self._keys(group, kind, keys), boost))
                  for group, boost in groups if group != widest for kind, keys in self._streams(term)]
        return boolean([(Occur.Must, match), *boosts])

    @staticmethod
    def _streams(term: q.Term) -> list[tuple[str, list[str]]]:
        return [(kind, keys) for kind, keys in (("exact", term.exact), ("stem", term.stem)) if keys]

    def _keys(self, group: str, kind: str, keys: list[str]) -> tantivy.Query:
        field = f"{group}_{kind}"
        if len(keys) == 1:
            return tantivy.Query.term_query(self.schema, field, keys[0])
        return tantivy.Query.phrase_query(self.schema, field, keys)


def boolean(clauses: list[tuple[tantivy.Occur, tantivy.Query]]) -> tantivy.Query:
    if len(clauses) == 1 and clauses[0][0] in (Occur.Must, Occur.Should):
        return clauses[0][1]
    return tantivy.Query.boolean_query(clauses)


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
