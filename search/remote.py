"""Elasticsearch 8/9 and OpenSearch 2.x behind the :class:`~search.engine.SearchEngine` interface.

The live index is always reached through an alias (``search.index``); concrete indices are
named ``<alias>-v<mapping version>-<stamp>`` and built from the versioned mapping file in
``search/mappings``.  The change-log position is kept in the index mapping's ``_meta``, so
it moves with the index when the alias is swapped.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from search import dsl
from search.backends import Backend, BackendError, connect_backend
from search.engine import (
    BadRequest,
    SearchEngine,
    SearchError,
    SearchPage,
    SearchRequest,
    decode_cursor,
    display_fields,
    encode_cursor,
    parse_q,
)
from search.highlight import highlight, query_keys

MAPPING_VERSION = 1
MAPPING_FILE = Path(__file__).resolve().parent / "mappings" / f"kazneb-v{MAPPING_VERSION}.json"
BULK_CHUNK = 500


def mapping() -> dict[str, Any]:
    body = json.loads(MAPPING_FILE.read_text(encoding="utf-8"))
    body.pop("_comment", None)
    return body


class RemoteEngine(SearchEngine):
    """One alias on an Elasticsearch or OpenSearch cluster."""

    def __init__(self, backend: Backend, alias: str, target: str | None = None) -> None:
        self.backend = backend
        self.alias = alias
        self.name = backend.flavour
        self._target = target  # a concrete index being rebuilt; None: whatever the alias names
        self._pending: list[dict[str, Any]] = []

    @classmethod
    def connect(cls, url: str, alias: str, flavour: str = "auto") -> RemoteEngine:
        try:
            return cls(connect_backend(url, flavour), alias)
        except BackendError as exc:
            raise SearchError(f"search server {url}: {exc}") from exc

    # -- indices and the alias ------------------------------------------------------
    def _live(self) -> str | None:
        return self._call(self.backend.alias_target, self.alias)

    def _index(self) -> str:
        target = self._target or self._live()
        if target is None:
            target = self.create()
        return target

    def _new_index(self) -> str:
        name = f"{self.alias}-v{MAPPING_VERSION}-{time.strftime('%Y%m%d%H%M%S')}-{time.time_ns() % 10**6:06d}"
        self._call(self.backend.create_index, name, mapping())
        return name

    def create(self) -> str:
        name = self._new_index()
        self._call(self.backend.point_alias, self.alias, name)
        return name

    def begin_rebuild(self) -> RemoteEngine:
        return RemoteEngine(self.backend, self.alias, target=self._new_index())

    def finish_rebuild(self) -> str:
        if self._target is None:
            raise SearchError("finish_rebuild() belongs to an engine from begin_rebuild()")
        self._call(self.backend.point_alias, self.alias, self._target)
        return self._target

    def drop(self) -> None:
        """Delete the alias and its index (tests and operators cleaning up)."""
        live = self._live()
        if live:
            self._call(self.backend.delete_index, live)

    # -- writing ---------------------------------------------------------------------
    def index(self, documents: Iterable[dict[str, Any]]) -> None:
        for doc in documents:
            self._pending.append({"_op_type": "index", "_id": doc["id"], "_source": doc})
            if len(self._pending) >= BULK_CHUNK:
                self._flush()

    def delete(self, ids: Iterable[str]) -> None:
        for doc_id in ids:
            self._pending.append({"_op_type": "delete", "_id": doc_id})
            if len(self._pending) >= BULK_CHUNK:
                self._flush()

    def _flush(self) -> None:
        if self._pending:
            actions, self._pending = self._pending, []
            self._call(self.backend.bulk, self._index(), actions)

    def commit(self, position: int) -> None:
        self._flush()
        index = self._index()
        self._call(self.backend.refresh, index)
        self._call(self.backend.put_meta, index, {"kazneb_mapping_version": MAPPING_VERSION,
                                                  "position": position})

    def position(self) -> int:
        return int(self._call(self.backend.get_meta, self._index()).get("position", 0))

    # -- reading ---------------------------------------------------------------------
    def count(self) -> int:
        return self._call(self.backend.count, self._index())

    def describe(self) -> dict[str, Any]:
        return {"engine": self.name, "url": self.backend.url, "alias": self.alias,
                "index": self._target or self._live()}

    def search(self, request: SearchRequest) -> SearchPage:
        tree = parse_q(request.q)
        after = decode_cursor(request.cursor, "a") if request.cursor else None
        if after is not None and not isinstance(after, list):
            raise BadRequest("cursor", "not a cursor from a previous answer of this search")
        answer = self._call(self.backend.search, self._index(), dsl.search_body(tree, request, after))
        raw_hits = answer["hits"]["hits"]
        keys = query_keys(tree)
        hits = [{**display_fields(h["_source"]), "highlight": highlight(h["_source"], keys)}
                for h in raw_hits[: request.size]]
        following = len(raw_hits) > request.size
        next_cursor = encode_cursor({"a": raw_hits[request.size - 1]["sort"]}) if following else None
        facets = dsl.read_facets(answer.get("aggregations", {}), request)
        return SearchPage(total=_total(answer), hits=hits, facets=facets, next_cursor=next_cursor)

    def _call(self, method, *args):  # type: ignore[no-untyped-def]
        try:
            return method(*args)
        except BackendError as exc:
            raise SearchError(f"{self.name} at {self.backend.url}: {exc}") from exc


def _total(answer: dict[str, Any]) -> int:
    total = answer["hits"]["total"]
    return int(total["value"] if isinstance(total, dict) else total)

