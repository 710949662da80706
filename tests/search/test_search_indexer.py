"""The index follows the store's change log: writes, deletions, access changes, crashes, rebuilds."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kazneb.cli import main
from kazneb.config import load_settings
from repository.store import Store
from search import indexer
from search.embedded import EmbeddedEngine
from search.engine import SearchEngine, SearchRequest
from search.factory import engine_from_settings
from tests.search.conftest import fresh_engine
from tests.search.corpus import CORPUS, RU_2, load_corpus


def titles(engine: SearchEngine, q: str) -> set[str]:
    return {h["title"] for h in engine.search(SearchRequest(q=q, size=100)).hits}


@pytest.fixture
def engine(engine_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> SearchEngine:
    engine = fresh_engine(engine_kind, tmp_path, request, f"kazneb-idx-{abs(hash(request.node.nodeid)) % 10**8}")
    engine.create()
    yield engine
    getattr(engine, "drop", lambda: None)()


def test_sync_indexes_everything_then_only_changes(store: Store, engine: SearchEngine) -> None:
    load_corpus(store)
    report = indexer.sync(store, engine, batch=3)
    assert (report.indexed, report.deleted) == (len(CORPUS), 0)
    assert engine.count() == len(CORPUS) and engine.position() == report.position
    assert indexer.sync(store, engine).indexed == 0


def test_deletion_and_access_change_reach_the_index(store: Store, engine: SearchEngine) -> None:
    load_corpus(store)
    indexer.sync(store, engine)
    with store.session() as session:
        assert store.delete_record(session, "nabrk", RU_2) == "deleted"
        local_id = next(h["id"] for h in engine.search(SearchRequest(q="steppe ecology")).hits)
        store.set_access(session, local_id, "preview-24")
    report = indexer.sync(store, engine)
    assert (report.indexed, report.deleted) == (1, 1)
    assert titles(engine, '"война и мир"') == set()
    hit = engine.search(SearchRequest(q="steppe ecology")).hits[0]
    assert hit["access"] == "preview-24"
    assert engine.count() == len(CORPUS) - 1


def test_a_deposited_copys_level_reaches_the_index_and_its_withdrawal_too(store: Store, engine: SearchEngine) -> None:
    """The store publishes a copy's level through the change log (``Store.set_copy_level``),
    as the depository does; the index follows it there and back, whatever the partner says."""
    load_corpus(store)
    indexer.sync(store, engine)
    hit = engine.search(SearchRequest(q="steppe ecology")).hits[0]
    rule = hit["access"]
    with store.session() as session:
        assert store.set_copy_level(session, hit["id"], "read-only")
        assert not store.set_access(session, hit["id"], "open")  # the partner's level does not touch it
    assert indexer.sync(store, engine).indexed == 1
    assert engine.search(SearchRequest(q="steppe ecology")).hits[0]["access"] == "read-only"
    with store.session() as session:
        store.set_copy_level(session, hit["id"], None, rule)
    assert indexer.sync(store, engine).indexed == 1
    assert engine.search(SearchRequest(q="steppe ecology")).hits[0]["access"] == rule


def test_crash_before_commit_loses_nothing(store: Store, tmp_path: Path) -> None:
    load_corpus(store)
    engine = EmbeddedEngine(tmp_path / "idx")
    indexer.sync(store, engine)
    with store.session() as session:
        store.delete_record(session, "kaznu", "en-2")
    # a writer that indexes the change but dies before committing: nothing durable happened
    changes = store.changes_since(engine.position())
    engine.delete([r.local_id for r in store.load_hub_records([rid for _, rid in changes])])
    engine.close()
    restarted = EmbeddedEngine(tmp_path / "idx")
    assert restarted.count() == len(CORPUS)
    assert indexer.sync(store, restarted).deleted == 1
    assert restarted.count() == len(CORPUS) - 1


def test_rebuild_replays_the_log_into_a_new_index(store: Store, engine: SearchEngine) -> None:
    load_corpus(store)
    with store.session() as session:
        store.delete_record(session, "kaznu", "en-2")
    live_name = engine.describe()["index"]
    name, report = indexer.rebuild(store, engine)
    assert name != live_name and engine.describe()["index"] == name
    assert engine.count() == len(CORPUS) - 1 and report.position == indexer.last_seq(store)


def test_index_commands(store: Store, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    load_corpus(store)
    config = tmp_path / "kazneb.toml"
    config.write_text(f'[database]\nurl = "{settings.database_url}"\n'
                      f'[search]\npath = "{tmp_path / "cli-index"}"\n', encoding="utf-8")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(main, ["--config", str(config), "index", *args])
        assert result.exit_code == 0, result.output
        return result.output

    created = run("create")
    assert "created" in created
    assert "behind" in run("status")
    assert f"{len(CORPUS)} records indexed" in run("rebuild")
    status = run("status")
    assert f"documents in index: {len(CORPUS)}" in status and "in step" in status
    refused = runner.invoke(main, ["--config", str(config), "index", "create"])
    assert refused.exit_code != 0 and "exists" in refused.output
    with store.session() as session:
        store.delete_record(session, "nabrk", "ru-1")
    assert "0 indexed, 1 deleted" in run("sync")
    assert engine_from_settings(load_settings(config)).count() == len(CORPUS) - 1


def test_sync_settings_catches_up_the_configured_index(store: Store, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.values["search.path"] = str(tmp_path / "configured")
    load_corpus(store)
    assert indexer.sync_settings(settings, store).indexed == len(CORPUS)
    assert indexer.sync_settings(settings, store).indexed == 0
    assert engine_from_settings(settings).count() == len(CORPUS)
