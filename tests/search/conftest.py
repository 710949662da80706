"""Search fixtures: the same engine suite runs on the embedded engine and on real OpenSearch and Elasticsearch nodes."""

from __future__ import annotations

import atexit
import contextlib
import copy
import importlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from repository.identifiers import local_id_for
from repository.store import HubRecordView
from search.document import build_document
from search.embedded import EmbeddedEngine
from search.engine import SearchEngine
from tests.search.corpus import CORPUS


def corpus_views() -> list[HubRecordView]:
    """The corpus as the store would hand it to the indexer."""
    views = []
    for number, (key, (partner, access, canonical)) in enumerate(CORPUS.items(), start=1):
        local_id = local_id_for(partner, key)
        views.append(HubRecordView(
            id=number, local_id=local_id, oai_identifier=f"oai:kazneb.kz:{local_id}", datestamp=0,
            deleted=False, access=access, partner_ids=[partner], canonical=copy.deepcopy(canonical)))
    return views


def fresh_engine(kind: str, tmp_path: Path, request: pytest.FixtureRequest, name: str) -> SearchEngine:
    if kind == "embedded":
        return EmbeddedEngine(tmp_path / "index", name)
    from search.remote import RemoteEngine

    return RemoteEngine.connect(shared_node_url(kind), name, flavour=kind)


ENGINES = ["embedded", "opensearch", "elasticsearch"]
SERVERS = {"opensearch": "search.opensearch_node.node", "elasticsearch": "search.elasticsearch_node.node"}

_nodes = contextlib.ExitStack()
_node_urls: dict[str, str] = {}


def shared_node_url(kind: str) -> str:
    """One real node of ``kind`` per test process, stopped at exit; a start failure fails the test.

    ``KAZNEB_TEST_OPENSEARCH_URL`` / ``KAZNEB_TEST_ELASTICSEARCH_URL`` name a running server to use instead
    (another version by hand, e.g. Elasticsearch 8 with the 8.x client).
    """
    if kind not in _node_urls and os.environ.get(f"KAZNEB_TEST_{kind.upper()}_URL"):
        _node_urls[kind] = os.environ[f"KAZNEB_TEST_{kind.upper()}_URL"]
    if kind not in _node_urls:
        running_node = importlib.import_module(SERVERS[kind]).running_node
        if not _node_urls:
            atexit.register(_nodes.close)
        _node_urls[kind] = _nodes.enter_context(running_node())
    return _node_urls[kind]


def shared_opensearch_url() -> str:
    """The OpenSearch 2.19 node of this test process."""
    return shared_node_url("opensearch")


def shared_elasticsearch_url() -> str:
    """The Elasticsearch 9 node of this test process."""
    return shared_node_url("elasticsearch")


@pytest.fixture(scope="session")
def opensearch_url() -> str:
    return shared_opensearch_url()


@pytest.fixture(scope="session")
def elasticsearch_url() -> str:
    return shared_elasticsearch_url()


@pytest.fixture(params=ENGINES)
def engine_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def empty_engine(engine_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[SearchEngine]:
    name = f"kazneb-test-{abs(hash(request.node.nodeid)) % 10**8}"
    engine = fresh_engine(engine_kind, tmp_path, request, name)
    engine.create()
    yield engine
    _drop(engine)


@pytest.fixture
def corpus_engine(empty_engine: SearchEngine) -> SearchEngine:
    empty_engine.index(build_document(view) for view in corpus_views())
    empty_engine.commit(len(CORPUS))
    return empty_engine


def _drop(engine: SearchEngine) -> None:
    drop = getattr(engine, "drop", None)
    if drop:
        drop()
