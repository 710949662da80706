"""Search fixtures: the same engine suite runs on the embedded engine and a real OpenSearch node."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.document import build_document
from search.embedded import EmbeddedEngine
from search.engine import SearchEngine
from tests.search.corpus import CORPUS, HubRecordView


def corpus_views() -> list[HubRecordView]:
    """The corpus as the store would hand it to the indexer."""
    views = []
    for number, (key, (partner, access, canonical)) in enumerate(CORPUS.items(), start=1):
        views.append(HubRecordView(
            id=number, local_id=f"{partner}.{key}", oai_identifier=f"oai:kazneb.kz:{key}", datestamp=0,
            deleted=False, access=access, partner_ids=[partner], canonical=copy.deepcopy(canonical)))
    return views


def fresh_engine(kind: str, tmp_path: Path, request: pytest.FixtureRequest, name: str) -> SearchEngine:
    if kind == "embedded":
        return EmbeddedEngine(tmp_path / "index", name)
    from search.remote import RemoteEngine

    url = request.getfixturevalue("opensearch_url")
    return RemoteEngine.connect(url, name, flavour="opensearch")


ENGINES = ["embedded", "opensearch"]


@pytest.fixture(scope="session")
def opensearch_url() -> Iterator[str]:
    """A real OpenSearch 2.19 node for the whole session (a start failure fails the tests)."""
    from search.opensearch_node.node import running_node

    with running_node() as url:
        yield url


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
