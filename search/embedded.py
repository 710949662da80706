"""The embedded engine: a tantivy index in a local folder, needing no search server.

Layout under ``search.path``: one folder per index generation (``<index>-<stamp>``) holding
the tantivy files and ``position.json`` (the change-log position it has caught up with), and
``<index>.alias``, a one-line file naming the live generation.  A rebuild writes a new
generation beside the live one and swaps the alias file atomically (``os.replace``); the
generation it replaces is kept until the next swap, so open readers never lose their files.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tantivy

from search import tantivy_facets
from search.document import KEY_GROUPS
from search.engine import (
    FACET_NAMES,
    FILTER_FIELDS,
    BadRequest,
    SearchEngine,
    SearchError,
    SearchPage,
    SearchRequest,
    add_selected,
    decode_cursor,
    display_fields,
    encode_cursor,
    parse_q,
)
from search.highlight import highlight, query_keys
from search.tantivy_query import Occur, TantivyCompiler, boolean

#: A filtered relevance page first ranks this many times its length without the filters, up to
#: MAX_CANDIDATES documents (deeper pages rank with the filters: checking is per document).
CANDIDATES = 4
MAX_CANDIDATES = 400
SCHEMA_VERSION = 3  # folders of an older schema are refused: run `kazneb index rebuild`
KEY_FIELDS = [f"{group}_{kind}" for group in KEY_GROUPS for kind in ("exact", "stem")]
KEYWORD_FIELDS = ("languages", "kind", "access", "partners", "subjects")


def build_schema() -> tantivy.Schema:
    """Key fields (whitespace-tokenised), keyword fields for filters/facets, one stored blob."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, fast=True, tokenizer_name="raw")
    builder.add_bytes_field("stored", stored=True)
    for name in KEY_FIELDS:
        builder.add_text_field(name, tokenizer_name="keys", index_option="position")
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("identifiers", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("title_sort", fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_text_field("decade", fast=True, tokenizer_name="raw", index_option="basic")  # the year facet
    return builder.build()


class EmbeddedEngine(SearchEngine):
    """Tantivy behind the :class:`~search.engine.SearchEngine` interface."""

    name = "embedded"

    def __init__(self, path: str | os.PathLike, index_name: str = "kazneb",
                 generation: str | None = None, writer_heap: int = 256_000_000) -> None:
        self.root = Path(path)
        self.index_name = index_name
        self.writer_heap = writer_heap
        self._fixed_generation = generation
        self._index: tantivy.Index | None = None
        self._generation: str | None = None
        self._writer: tantivy.IndexWriter | None = None
        self.schema = build_schema()
        self.compiler = TantivyCompiler(self.schema)

    # -- generations and the alias ---------------------------------------------------
    @property
    def alias_file(self) -> Path:
        return self.root / f"{self.index_name}.alias"

    def live_generation(self) -> str | None:
        try:
            return self.alias_file.read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def create(self) -> str:
        generation = self._new_generation()
        self._swap_alias(generation)
        return generation

    def begin_rebuild(self) -> EmbeddedEngine:
        return EmbeddedEngine(self.root, self.index_name, self._new_generation(), self.writer_heap)

    def finish_rebuild(self) -> str:
        generation = self._generation_name()
        self.close()
        self._swap_alias(generation)
        return generation

    def _generation_name(self) -> str:
        if self._fixed_generation is None:
            raise SearchError("finish_rebuild() belongs to an engine from begin_rebuild()")
        return self._fixed_generation

    def _new_generation(self) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        generation = f"{self.index_name}-v{SCHEMA_VERSION}-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}"
        suffix, name = 0, generation
        while (self.root / name).exists():
            suffix += 1
            name = f"{generation}-{suffix}"
        (self.root / name).mkdir()
        _open_index(self.root / name, self.schema)
        return name

    def _swap_alias(self, generation: str) -> None:
        old = self.live_generation()
        tmp = self.alias_file.with_suffix(".alias.tmp")
        tmp.write_text(generation + "\n", encoding="utf-8")
        os.replace(tmp, self.alias_file)
        keep = {generation, old}  # the replaced one stays until the next swap: readers may hold it
        prefix = f"{self.index_name}-v"
        for folder in self.root.iterdir():
            if folder.is_dir() and folder.name.startswith(prefix) and folder.name not in keep:
                shutil.rmtree(folder, ignore_errors=True)

    def _open(self) -> tantivy.Index:
        generation = self._fixed_generation or self.live_generation()
        if generation is None:
            generation = self.create()
        if self._index is None or generation != self._generation:
            self.close()
            folder = self.root / generation
            if not folder.is_dir():
                raise SearchError(f"{self.alias_file} names {generation}, which is not in {self.root}: "
                                  "run `kazneb index rebuild`")
            try:
                self._index = _open_index(folder, self.schema)
            except ValueError as exc:
                raise SearchError(f"cannot open the search index {folder} ({exc}): "
                                  "run `kazneb index rebuild`") from exc
            self._generation = generation
        return self._index

    def close(self) -> None:
        """Release the writer lock (pending changes not committed are dropped)."""
        self._writer = None  # dropping the writer frees the lock and discards uncommitted work
        self._index = None

    # -- writing ---------------------------------------------------------------------
    def _writer_for(self) -> tantivy.IndexWriter:
        index = self._open()
        if self._writer is None:
            try:
                self._writer = index.writer(heap_size=self.writer_heap)
            except ValueError as exc:
                raise SearchError(f"search index {self._generation} is locked by another writer") from exc
        return self._writer

    def index(self, documents: Iterable[dict[str, Any]]) -> None:
        writer = self._writer_for()
        for doc in documents:
            writer.delete_documents_by_term("id", doc["id"])
            writer.add_document(_tantivy_document(doc))

    def delete(self, ids: Iterable[str]) -> None:
        writer = self._writer_for()
        for doc_id in ids:
            writer.delete_documents_by_term("id", doc_id)

    def commit(self, position: int) -> None:
        self._writer_for().commit()
        folder = self.root / (self._generation or "")
        tmp = folder / "position.json.tmp"
        tmp.write_text(json.dumps({"position": position}), encoding="utf-8")
        os.replace(tmp, folder / "position.json")
        self._index.reload()

    def position(self) -> int:
        self._open()
        try:
            data = json.loads((self.root / self._generation / "position.json").read_text(encoding="utf-8"))
            return int(data["position"])
        except FileNotFoundError:
            return 0

    # -- reading ---------------------------------------------------------------------
    def _searcher(self) -> tantivy.Searcher:
        index = self._open()
        index.reload()
        return index.searcher()

    def count(self) -> int:
        return self._searcher().num_docs

    def describe(self) -> dict[str, Any]:
        return {"engine": self.name, "path": str(self.root), "alias": self.index_name,
                "index": self._fixed_generation or self.live_generation()}

    def search(self, request: SearchRequest) -> SearchPage:
        tree = parse_q(request.q)
        offset = decode_cursor(request.cursor, "o") if request.cursor else 0
        if not isinstance(offset, int) or offset < 0:
            raise BadRequest("cursor", "not a cursor from a previous answer of this search")
        searcher = self._searcher()
        facets, total = {}, None
        if request.facets:  # one aggregation pass gives the facets and the total
            facets, total = self._facets(searcher, self.compiler.compile(tree, scoring=False), request)
        found, count = self._rank(searcher, tree, request, offset)
        total = total if total is not None else count or 0
        keys = query_keys(tree)
        hits = [{**display_fields(stored), "highlight": highlight(stored, keys)} for stored in found]
        following = offset + len(hits)
        next_cursor = encode_cursor({"o": following}) if hits and following < total else None
        return SearchPage(total=total, hits=hits, facets=facets, next_cursor=next_cursor)

    def _rank(self, searcher: tantivy.Searcher, tree: Any, request: SearchRequest,
              offset: int) -> tuple[list[dict[str, Any]], int | None]:
        """The page's stored documents, and the number of matches unless facets count them.

        Filters cost little to check on a few stored documents but much to intersect with a common
        word's postings, and they keep tantivy from skipping low-scoring blocks.  So a filtered
        relevance page first ranks without filters, (offset + size) × CANDIDATES documents, and
        keeps those that pass: if enough pass, or every match was seen, that is exactly the
        filtered page, as scores do not depend on filters.  Otherwise it ranks with them.
        """
        filters = self.compiler.filters(request)
        want = offset + request.size
        limit = want * CANDIDATES
        if filters and request.facets and request.sort == "relevance" and limit <= MAX_CANDIDATES:
            result = searcher.search(self.compiler.compile(tree), limit=limit, count=False)
            kept = []
            for _, address in result.hits:
                stored = _stored(searcher, address)
                if _passes(stored, request):
                    kept.append(stored)
                    if len(kept) == want:
                        return kept[offset:], None
            if len(result.hits) < limit:
                return kept[offset:], None
        ranked = boolean([(Occur.Must, self.compiler.compile(tree)), *filters])
        result = self._top(searcher, ranked, request, offset, count=not request.facets)
        return [_stored(searcher, address) for _, address in result.hits], result.count

    def _top(self, searcher: tantivy.Searcher, query: tantivy.Query, request: SearchRequest,
             offset: int, count: bool) -> tantivy.SearchResult:
        order = {"year_asc": ("year", tantivy.Order.Asc), "year_desc": ("year", tantivy.Order.Desc),
                 "title": ("title_sort", tantivy.Order.Asc)}.get(request.sort)
        if order is None:
            return searcher.search(query, limit=request.size, offset=offset, count=count)
        return searcher.search(query, limit=request.size, offset=offset, count=count,
                               order_by_field=order[0], order=order[1])

    def _facets(self, searcher: tantivy.Searcher, matched: tantivy.Query,
                request: SearchRequest) -> tuple[dict[str, list[dict[str, Any]]], int]:
        """Multi-select facet counts and the total, in one aggregation pass over the query's matches."""
        strings = self.compiler.filter_strings(request)
        widest_first = sorted(strings, key=lambda name: -self._matching(searcher, name, request))
        strings = {name: strings[name] for name in widest_first}
        found, total = tantivy_facets.read(searcher.aggregate(matched, tantivy_facets.plan(strings)), strings)
        facets = {name: _buckets(name, found.get(name, {})) for name in FACET_NAMES}
        facets["year"].sort(key=lambda bucket: bucket["value"])
        add_selected(facets, request, self._selected(searcher, matched, request, facets, found, strings))
        return facets, total

    @staticmethod
    def _matching(searcher: tantivy.Searcher, name: str, request: SearchRequest) -> int:
        """About how many documents a filter lets through (the year range: all, as it is not counted)."""
        if name == "year":
            return searcher.num_docs
        return sum(searcher.doc_freq(FILTER_FIELDS[name], value) for value in request.filters[name])

    def _selected(self, searcher: tantivy.Searcher, matched: tantivy.Query, request: SearchRequest,
                  facets: dict[str, list[dict[str, Any]]], found: dict[str, Any],
                  strings: dict[str, str]) -> dict[str, dict[str, int]]:
        """Counts of chosen values missing from a facet's top buckets (a second pass, only if it was cut)."""
        spec = {}
        for name, values in request.filters.items():
            shown = {bucket["value"] for bucket in facets.get(name, [])}
            missing = [v for v in dict.fromkeys(values) if v not in shown]
            if missing and found.get(name, {}).get("sum_other_doc_count", 0) > 0:
                others = " AND ".join(f"({text})" for other, text in strings.items() if other != name) or "*"
                spec[name] = {"filter": others, "aggs": {"values": {"terms": {
                    "field": FILTER_FIELDS[name], "include": missing, "size": len(missing)}}}}
        if not spec:
            return {}
        answer = searcher.aggregate(matched, spec)
        return {name: {b["key"]: int(b["doc_count"]) for b in answer[name]["values"]["buckets"]}
                for name in spec}


def _stored(searcher: tantivy.Searcher, address: tantivy.DocAddress) -> dict[str, Any]:
    return json.loads(searcher.doc(address).get_first("stored"))


def _passes(stored: dict[str, Any], request: SearchRequest) -> bool:
    """Whether a stored document passes the request's filters (as the filter queries would find)."""
    for name, values in request.filters.items():
        have = stored.get(FILTER_FIELDS[name])
        if not set([have] if isinstance(have, str) else have or []) & set(values):
            return False
    if request.year_from is not None or request.year_to is not None:
        year = stored.get("year")
        if year is None or (request.year_from is not None and year < request.year_from) \
                or (request.year_to is not None and year > request.year_to):
            return False
    return True


def _buckets(name: str, agg: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"value": int(b["key"]) if name == "year" else b["key"], "count": int(b["doc_count"])}
            for b in agg.get("buckets", []) if b["doc_count"] > 0]


def _open_index(folder: Path, schema: tantivy.Schema) -> tantivy.Index:
    index = tantivy.Index(schema, path=str(folder))
    index.register_tokenizer("keys", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    return index


def _tantivy_document(doc: dict[str, Any]) -> tantivy.Document:
    out = tantivy.Document()
    out.add_text("id", doc["id"])
    shown = {k: v for k, v in doc.items() if not k.endswith(("_exact", "_stem"))}
    out.add_bytes("stored", json.dumps(shown, ensure_ascii=False).encode("utf-8"))
    for name in KEY_FIELDS:
        out.add_text(name, doc.get(name) or "")
    for name in KEYWORD_FIELDS:
        values = doc.get(name)
        for value in [values] if isinstance(values, str) else values or []:
            out.add_text(name, value)
    for value in doc.get("identifiers") or []:
        out.add_text("identifiers", value)
    out.add_text("title_sort", doc.get("title_sort") or "")
    if doc.get("year") is not None:
        out.add_integer("year", int(doc["year"]))
        out.add_text("decade", str(doc["decade"]))
    return out
