"""A hub app with the test catalogue in a real store and a real index, served over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kazneb.app import create_app
from repository.db import migrate
from repository.store import Store
from search import indexer
from tests.conftest import make_settings
from tests.search.conftest import ENGINES, fresh_engine, shared_node_url, shared_opensearch_url
from tests.search.corpus import load_corpus
from tests.services.live_server import live_server


def build_app(kind: str, tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    settings = make_settings(f"sqlite:///{tmp_path / 'kazneb.db'}", **{"search.path": str(tmp_path / "idx")})
    store = Store.from_settings(settings)
    migrate(store.engine)
    load_corpus(store)
    engine = fresh_engine(kind, tmp_path, request, f"kazneb-web-{abs(hash(request.node.nodeid)) % 10**8}")
    engine.create()
    indexer.sync(store, engine)
    app = create_app(settings)
    app.extensions["kazneb_store"] = store
    app.extensions["kazneb_search"] = engine
    return app, engine


@pytest.fixture(params=ENGINES, scope="module")
def api_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The hub over HTTP, searching with each engine in turn (read-only tests share one per module)."""
    if request.param != "embedded":
        shared_node_url(request.param)
    app, engine = build_app(request.param, tmp_path_factory.mktemp("api"), request)
    with live_server(app) as url:
        yield url
    getattr(engine, "drop", lambda: None)()


@pytest.fixture(scope="session")
def opensearch_url() -> str:
    return shared_opensearch_url()


@pytest.fixture
def site_url(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The hub over HTTP with the embedded engine (pages and fuzzing)."""
    app, _ = build_app("embedded", tmp_path, request)
    with live_server(app) as url:
        yield url
